// The Cloud API's webhook: the GET handshake and signed delivery-status callbacks.
import crypto from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { messages } from "../../../db/schema/index.ts";
import { z } from "../validation/validation.ts";
import { readWhatsAppSettings } from "./whatsapp.server.ts";

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
          .array(z.object({ field: z.string().optional(), value: z.object({ statuses: z.array(z.unknown()).optional() }).passthrough() }).passthrough())
          .default([]),
      }).passthrough(),
    )
    .default([]),
});

const trackedStatuses = ["sent", "delivered", "read", "failed"] as const;
type TrackedStatus = (typeof trackedStatuses)[number];
const rank: Record<TrackedStatus, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

export type WebhookOutcome = { status: 200; updated: number } | { status: 400 | 401 };

/**
 * A signed status callback: checks the signature on the raw bytes, then moves each message
 * forward (queued → sent → delivered → read, or to failed) by its wamid. A status never goes
 * backwards, so callbacks arriving out of order or twice change nothing.
 */
export async function handleWhatsAppWebhook(db: Database, rawBody: Uint8Array, signatureHeader: string | null): Promise<WebhookOutcome> {
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
    updated += await applyStatus(db, update.id, update.status as TrackedStatus, update);
  }
  return { status: 200, updated };
}

const currentRank = sql`case ${messages.status} when 'queued' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 else 4 end`;

async function applyStatus(db: Database, wamid: string, status: TrackedStatus, update: z.infer<typeof statusSchema>) {
  const at = update.timestamp ? new Date(Number(update.timestamp) * 1000) : new Date();
  const where = and(eq(messages.channel, "whatsapp"), eq(messages.providerMessageId, wamid));
  if (status === "failed") {
    const error = update.errors?.[0];
    const kind = error?.code === 131026 ? "undeliverable" : error?.code === 131047 ? "outside_window" : "rejected";
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
