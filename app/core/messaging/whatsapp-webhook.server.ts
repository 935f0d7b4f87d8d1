// The Cloud API's webhook: the GET handshake, signed delivery-status callbacks, and inbound messages
// (text, quick-reply buttons, interactive replies) put on the sender's timeline and announced as
// `core.whatsapp.received` so plugins can act on replies.
import crypto from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contacts, interactions, messages, whatsappMedia } from "../../../db/schema/index.ts";
import { normalizePhone } from "../i18n/phone.ts";
import { recordInteraction } from "../interactions/interactions.server.ts";
import { z } from "../validation/validation.ts";
import { whatsappReceivedEvent, type WhatsAppReceivedV1 } from "./whatsapp-inbound.ts";
import type { JobSender } from "./email.server.ts";
import { ecosystemLimitCode, readWhatsAppSettings, requeueHeldBack } from "./whatsapp.server.ts";


/** Meta sends small JSON documents; anything larger is not theirs. */
export const maxWebhookBytes = 1024 * 1024;

/** GET `?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: the challenge, or null to refuse. */
export async function verifyWebhookSubscription(db: Database, query: URLSearchParams): Promise<string | null> {
  const { verifyToken } = await readWhatsAppSettings(db);
  const mode = query.get("hub.mode");
  const token = query.get("hub.verify_token") ?? "";
  const challenge = query.get("hub.challenge");
  if (!verifyToken || mode !== "subscribe" || challenge === null) return null;
  return safeEqual(Buffer.from(token), Buffer.from(verifyToken)) ? challenge : null;
}

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`, compared in constant time. */
export function isValidSignature(rawBody: Uint8Array, header: string | null, appSecret: string): boolean {
  if (!appSecret || !header) return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const expected = crypto.createHmac("sha256", appSecret).update(rawBody).digest();
  return safeEqual(Buffer.from(match[1], "hex"), expected);
}

function safeEqual(a: Buffer, b: Buffer) {
  // timingSafeEqual needs equal lengths; comparing digests keeps the time independent of the input
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb) && a.length === b.length;
}

const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.union([z.string(), z.number()]).optional(),
  errors: z.array(z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional() }).passthrough()).optional(),
});

const payloadSchema = z.object({
  object: z.string().optional(),
  entry: z
    .array(
      z.object({
        changes: z
          .array(
            z
              .object({
                field: z.string().optional(),
                value: z.object({ statuses: z.array(z.unknown()).optional(), messages: z.array(z.unknown()).optional() }).passthrough(),
              })
              .passthrough(),
          )
          .default([]),
      }).passthrough(),
    )
    .default([]),
});

const trackedStatuses = ["sent", "delivered", "read", "failed"] as const;
type TrackedStatus = (typeof trackedStatuses)[number];
const rank: Record<TrackedStatus, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

/** The media object of an image, video, audio, document or sticker message. */
const mediaSchema = z
  .object({
    id: z.string().min(1).max(200),
    mime_type: z.string().max(200).optional(),
    sha256: z.string().max(200).optional(),
    caption: z.string().max(4096).optional(),
    filename: z.string().max(500).optional(),
  })
  .passthrough();
export const mediaTypes = ["image", "video", "audio", "document", "sticker"] as const;
export type MediaType = (typeof mediaTypes)[number];

/** One inbound message as the Cloud API posts it (the kinds we read; others keep type and id). */
const inboundSchema = z.object({
  // Meta sends the wa_id (digits, country code first); a "+" or separators are tolerated
  from: z.string().regex(/^\+?[\d\s-]{6,24}$/),
  id: z.string().min(1).max(200),
  timestamp: z.union([z.string(), z.number()]).optional(),
  type: z.string().max(40),
  text: z.object({ body: z.string() }).passthrough().optional(),
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).passthrough().optional(),
  interactive: z
    .object({
      type: z.string().optional(),
      button_reply: z.object({ id: z.string(), title: z.string().optional() }).passthrough().optional(),
      list_reply: z.object({ id: z.string(), title: z.string().optional() }).passthrough().optional(),
    })
    .passthrough()
    .optional(),
  context: z.object({ id: z.string().optional(), from: z.string().optional() }).passthrough().optional(),
  image: mediaSchema.optional(),
  video: mediaSchema.optional(),
  audio: mediaSchema.optional(),
  document: mediaSchema.optional(),
  sticker: mediaSchema.optional(),
});
type Inbound = z.infer<typeof inboundSchema>;

/** How the webhook announces inbound messages: the app's event bus (records in the caller's transaction). */
export interface WebhookOptions {
  emit?: (db: Database, event: typeof whatsappReceivedEvent, payload: WhatsAppReceivedV1) => Promise<number>;
  /** The job queue, to re-send later a message Meta held back with 131049; without it such a message fails. */
  jobs?: Pick<JobSender, "send">;
}

export type WebhookOutcome = { status: 200; updated: number; received: number } | { status: 400 | 401 };

/**
 * A signed callback: checks the signature on the raw bytes, then moves each message forward
 * (queued → sent → delivered → read, or to failed) by its wamid — a status never goes backwards,
 * so callbacks arriving out of order or twice change nothing — and records inbound messages
 * (once per wamid) with `options.emit` announcing them.
 */
export async function handleWhatsAppWebhook(db: Database, rawBody: Uint8Array, signatureHeader: string | null, options: WebhookOptions = {}): Promise<WebhookOutcome> {
  const { appSecret } = await readWhatsAppSettings(db);
  if (!isValidSignature(rawBody, signatureHeader, appSecret)) return { status: 401 };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return { status: 400 };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { status: 400 };
  const updates = parsed.data.entry
    .flatMap((entry) => entry.changes)
    .flatMap((change) => change.value.statuses ?? [])
    .map((s) => statusSchema.safeParse(s))
    .flatMap((s) => (s.success && (trackedStatuses as readonly string[]).includes(s.data.status) ? [s.data] : []))
    // deliver the furthest state last: "read" then "delivered" in one payload still ends at read
    .sort((a, b) => rank[a.status as TrackedStatus] - rank[b.status as TrackedStatus]);
  let updated = 0;
  for (const update of updates) {
    updated += await applyStatus(db, update.id, update.status as TrackedStatus, update, options);
  }
  const inbound = parsed.data.entry
    .flatMap((entry) => entry.changes)
    .flatMap((change) => change.value.messages ?? [])
    .map((m) => inboundSchema.safeParse(m))
    .flatMap((m) => (m.success ? [m.data] : []));
  let received = 0;
  for (const message of inbound) {
    if (await recordInbound(db, message, options)) received++;
  }
  return { status: 200, updated, received };
}

const inboundSource = "whatsapp.inbound";

/**
 * Records one inbound message on the sender's timeline and emits `core.whatsapp.received`, once per
 * wamid: Meta redelivers webhooks, so a transaction-scoped advisory lock on the wamid serialises
 * twin deliveries and the second finds the first's timeline entry. A number we do not know is
 * ignored (nothing to attach it to).
 */
async function recordInbound(db: Database, message: Inbound, options: WebhookOptions): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${inboundSource}:${message.id}`}))`);
    const [seen] = await tx
      .select({ id: interactions.id })
      .from(interactions)
      .where(and(eq(interactions.sourceType, inboundSource), eq(interactions.sourceId, message.id)))
      .limit(1);
    if (seen) return false;
    const contact = await contactByPhone(tx, message.from);
    if (!contact) return false;
    const mediaType = (mediaTypes as readonly string[]).includes(message.type) ? (message.type as MediaType) : null;
    const media = mediaType ? (message[mediaType] ?? null) : null;
    const text =
      message.text?.body ?? message.button?.text ?? message.interactive?.button_reply?.title ?? message.interactive?.list_reply?.title ?? media?.caption ?? null;
    const buttonPayload = message.button?.payload ?? message.interactive?.button_reply?.id ?? message.interactive?.list_reply?.id ?? null;
    const seconds = Number(message.timestamp);
    const sentAt = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
    const contextWamid = message.context?.id ?? null;
    const [replied] = contextWamid
      ? await tx
          .select({ id: messages.id })
          .from(messages)
          .where(and(eq(messages.channel, "whatsapp"), eq(messages.providerMessageId, contextWamid)))
          .limit(1)
      : [];
    const interactionId = await recordInteraction(tx, {
      contactId: contact.id,
      channel: "whatsapp",
      direction: "inbound",
      subject: (text ?? `[${message.type}]`).replace(/\s+/g, " ").trim().slice(0, 200) || `[${message.type}]`,
      body: text,
      occurredAt: sentAt,
      sourceType: inboundSource,
      sourceId: message.id,
    });
    if (mediaType && media) {
      await tx.insert(whatsappMedia).values({
        interactionId,
        contactId: contact.id,
        wamid: message.id,
        type: mediaType,
        mediaId: media.id,
        mimeType: media.mime_type ?? null,
        sha256: media.sha256 ?? null,
        filename: media.filename ?? null,
        caption: media.caption ?? null,
      });
    }
    const payload: WhatsAppReceivedV1 = {
      version: 1,
      contactId: contact.id,
      interactionId,
      wamid: message.id,
      type: message.type,
      text,
      buttonPayload,
      contextWamid,
      contextMessageId: replied?.id ?? null,
      sentAt: sentAt.toISOString(),
      media: media ? { id: media.id, mimeType: media.mime_type ?? null, caption: media.caption ?? null, filename: media.filename ?? null } : null,
    };
    if (options.emit) await options.emit(tx, whatsappReceivedEvent, payload);
    return true;
  });
}

/**
 * The live contact with this number, numbers compared in one normal form: E.164 (`+62812…`) by
 * app/core/i18n/phone.ts. Contacts are saved in E.164; older or imported rows written as `0812…`,
 * `62812…` or `+62 812-…` match too, through the same normal form computed in SQL.
 */
export async function contactByPhone(db: Database, number: string) {
  const digits = number.replace(/\D/g, "");
  const e164 = normalizePhone(`+${digits}`) ?? `+${digits}`;
  const live = sql`${contacts.mergedIntoId} is null`;
  const [exact] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.phone, e164), live))
    .orderBy(sql`${contacts.updatedAt} desc`)
    .limit(1);
  if (exact) return exact;
  const stored = sql`regexp_replace(${contacts.phone}, '[^0-9]', '', 'g')`;
  const normalForm = sql`'+' || case when ${stored} like '0%' then '62' || substr(${stored}, 2) else ${stored} end`;
  const [loose] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(sql`${contacts.phone} is not null`, sql`${normalForm} = ${e164}`, live))
    .orderBy(sql`${contacts.updatedAt} desc`)
    .limit(1);
  return loose ?? null;
}

const currentRank = sql`case ${messages.status} when 'queued' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 else 4 end`;

async function applyStatus(db: Database, wamid: string, status: TrackedStatus, update: z.infer<typeof statusSchema>, options: WebhookOptions) {
  const at = update.timestamp ? new Date(Number(update.timestamp) * 1000) : new Date();
  const where = and(eq(messages.channel, "whatsapp"), eq(messages.providerMessageId, wamid));
  if (status === "failed") {
    const error = update.errors?.[0];
    if (error?.code === ecosystemLimitCode && options.jobs) {
      const jobs = options.jobs;
      const [row] = await db.select({ id: messages.id }).from(messages).where(and(where, inArray(messages.status, ["queued", "sent"])));
      const detail = [error.code, error.title ?? error.message].filter((v) => v !== undefined).join(" ");
      if (row && (await db.transaction((tx) => requeueHeldBack(tx, row.id, detail, jobs)))) return 1;
    }
    const kind = error?.code === 131026 ? "undeliverable" : error?.code === 131047 ? "outside_window" : error?.code === ecosystemLimitCode ? "ecosystem_limited" : "rejected";
    const detail = [error?.code, error?.title ?? error?.message].filter((v) => v !== undefined).join(" ");
    const rows = await db
      .update(messages)
      .set({ status: "failed", lastError: `[${kind}] ${detail || "failed"}`.slice(0, 500) })
      // a message the phone already received cannot fail any more
      .where(and(where, inArray(messages.status, ["queued", "sent"])))
      .returning({ id: messages.id });
    return rows.length;
  }
  const rows = await db
    .update(messages)
    .set({ status, sentAt: sql`coalesce(${messages.sentAt}, ${Number.isNaN(at.getTime()) ? new Date().toISOString() : at.toISOString()}::timestamptz)` })
    .where(and(where, sql`${currentRank} < ${rank[status]}`))
    .returning({ id: messages.id });
  return rows.length;
}
