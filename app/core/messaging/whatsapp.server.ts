// WhatsApp Business Cloud API: settings, the send call and the outbox job that delivers one
// template message with retries. The API's documented error codes decide between "try again
// later" (the job throws, pg-boss retries with backoff) and "this will never work" (the message is
// marked failed and the job completes).
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { appSettings, messages } from "../../../db/schema/index.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { JobSender } from "./email.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { readSetting, writeSetting } from "../settings/app-settings.server.ts";
import {
  whatsappSecretFields,
  whatsappSettingsKey,
  whatsappSettingsSchema,
  type TemplateMapping,
  type WhatsAppSettings,
  type WhatsAppSettingsForm,
} from "./whatsapp-settings.ts";
import { consentStillGiven } from "./send-time-consent.server.ts";

export const whatsappSendQueue = "core.messaging.whatsapp";
/** First try plus retries; with a 30 s base and doubling, the last try is about an hour later. */
export const whatsappMaxAttempts = 8;
export const whatsappRetryDelaySeconds = 30;

export async function readWhatsAppSettings(db: Database): Promise<WhatsAppSettings> {
  return readSetting(db, whatsappSettingsKey, whatsappSettingsSchema);
}

/** Sending is possible: switched on, with a phone-number id and a token. */
export function isWhatsAppConfigured(settings: WhatsAppSettings) {
  return settings.enabled && Boolean(settings.phoneNumberId) && Boolean(settings.accessToken);
}

export function templateMappingFor(settings: WhatsAppSettings, template: string): TemplateMapping | null {
  return settings.templates.find((t) => t.template === template) ?? null;
}

/** What the settings page may show: secrets only as set / not set. */
export async function whatsappSettingsView(db: Database) {
  const settings = await readWhatsAppSettings(db);
  const [row] = await db.select({ updatedAt: appSettings.updatedAt }).from(appSettings).where(eq(appSettings.key, whatsappSettingsKey));
  return {
    enabled: settings.enabled,
    baseUrl: settings.baseUrl,
    apiVersion: settings.apiVersion,
    phoneNumberId: settings.phoneNumberId,
    templates: settings.templates,
    secrets: {
      accessToken: Boolean(settings.accessToken),
      appSecret: Boolean(settings.appSecret),
      verifyToken: Boolean(settings.verifyToken),
    },
    configured: isWhatsAppConfigured(settings),
    updatedAt: row?.updatedAt ?? null,
  };
}

/** Saves the admin form: a blank secret keeps the stored value, a ticked "clear" removes it. */
export async function saveWhatsAppSettings(db: Database, actor: Extract<Actor, { kind: "staff" }>, form: WhatsAppSettingsForm) {
  const current = await readWhatsAppSettings(db);
  const clear = { accessToken: form.clearAccessToken, appSecret: form.clearAppSecret, verifyToken: form.clearVerifyToken };
  const next: WhatsAppSettings = {
    enabled: form.enabled,
    baseUrl: form.baseUrl.replace(/\/+$/, ""),
    apiVersion: form.apiVersion,
    phoneNumberId: form.phoneNumberId,
    accessToken: current.accessToken,
    appSecret: current.appSecret,
    verifyToken: current.verifyToken,
    templates: form.templates,
  };
  for (const field of whatsappSecretFields) {
    if (clear[field]) next[field] = "";
    else if (form[field]) next[field] = form[field];
  }
  await writeSetting(db, actor, whatsappSettingsKey, next);
}

/** The newest WhatsApp messages, for the admins' settings page (delivery problems at a glance). */
export async function recentWhatsAppMessages(db: Database, limit = 20) {
  return db
    .select({
      id: messages.id,
      recipient: messages.recipient,
      template: messages.template,
      status: messages.status,
      attempts: messages.attempts,
      lastError: messages.lastError,
      createdAt: messages.createdAt,
      contactId: messages.contactId,
    })
    .from(messages)
    .where(eq(messages.channel, "whatsapp"))
    .orderBy(desc(messages.createdAt))
    .limit(limit);
}

// ---- the Cloud API call ----------------------------------------------------------------------

/** Why a send did not go through; the kind is stored in last_error as `[kind]` for the admin UI. */
export type WhatsAppErrorKind =
  | "rate_limited"
  | "token_invalid"
  | "undeliverable"
  | "outside_window"
  | "rejected"
  | "server"
  | "network"
  | "not_configured"
  | "no_template"
  /** 131049: Meta held the message back "to maintain healthy ecosystem engagement"; its docs say to retry later. */
  | "ecosystem_limited"
  /** A mapped template's parameter is empty: Meta refuses `""`, so it is never sent. */
  | "params_missing";

export const retryableWhatsAppErrors: ReadonlySet<WhatsAppErrorKind> = new Set(["rate_limited", "server", "network", "ecosystem_limited"]);

/** Cloud API error code 131049 (per-user marketing limit): not final, retried later. */
export const ecosystemLimitCode = 131049;
/** How long to wait before re-sending a message Meta held back with 131049 (its docs: wait before retrying). */
export const ecosystemRetryDelaySeconds = 6 * 3600;

const rateLimitCodes = new Set([130429, 131056, 131048, 80007, 4]);

export class WhatsAppSendError extends Error {
  constructor(
    readonly kind: WhatsAppErrorKind,
    readonly code: number | null,
    detail: string,
  ) {
    super(`[${kind}]${code !== null ? ` ${code}` : ""}: ${detail}`.slice(0, 500));
    this.name = "WhatsAppSendError";
  }
  get retryable() {
    return retryableWhatsAppErrors.has(this.kind);
  }
}

/** Maps a Cloud API error answer (HTTP status + `error.code`) to what we do about it. */
export function classifyWhatsAppError(httpStatus: number, code: number | null): WhatsAppErrorKind {
  if (code !== null && rateLimitCodes.has(code)) return "rate_limited";
  if (httpStatus === 429) return "rate_limited";
  if (code === 190 || httpStatus === 401) return "token_invalid";
  if (code === 131026) return "undeliverable";
  if (code === 131047) return "outside_window";
  if (code === ecosystemLimitCode) return "ecosystem_limited";
  if (httpStatus >= 500) return "server";
  return "rejected";
}

interface CloudApiError {
  error?: { message?: string; type?: string; code?: number; error_data?: { details?: string }; fbtrace_id?: string };
}

/** The mapped template's parameters that have no value (missing, empty or only spaces): Meta refuses them. */
export function missingTemplateParams(mapping: TemplateMapping, params: Record<string, unknown>) {
  return mapping.params.filter((name) => {
    const value = params[name];
    return value === undefined || value === null || String(value).trim() === "";
  });
}

/** The body of `POST /{version}/{phone-number-id}/messages` for one template message; throws `params_missing` rather than send an empty parameter. */
export function templateMessageBody(to: string, mapping: TemplateMapping, params: Record<string, unknown>) {
  const missing = missingTemplateParams(mapping, params);
  if (missing.length) throw new WhatsAppSendError("params_missing", null, `empty template parameter(s): ${missing.join(", ")}`);
  const template: Record<string, unknown> = { name: mapping.name, language: { code: mapping.language } };
  if (mapping.params.length) {
    template.components = [{ type: "body", parameters: mapping.params.map((name) => ({ type: "text", text: String(params[name]).trim() })) }];
  }
  return { messaging_product: "whatsapp", recipient_type: "individual", to, type: "template", template };
}

/** Sends one template message; resolves to the wamid or throws a classified WhatsAppSendError. */
export async function sendWhatsAppTemplate(
  settings: WhatsAppSettings,
  input: { to: string; mapping: TemplateMapping; params: Record<string, unknown> },
  options: { timeoutMs?: number } = {},
): Promise<string> {
  const url = `${settings.baseUrl.replace(/\/+$/, "")}/${encodeURIComponent(settings.apiVersion)}/${encodeURIComponent(settings.phoneNumberId)}/messages`;
  const body = JSON.stringify(templateMessageBody(input.to, input.mapping, input.params));
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${settings.accessToken}`, "Content-Type": "application/json" },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new WhatsAppSendError("network", null, String((error as Error).message ?? error));
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // a proxy's HTML error page: classified by the HTTP status alone
  }
  if (response.ok) {
    const id = (json as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
    if (typeof id === "string" && id) return id;
    throw new WhatsAppSendError("server", null, `answer without a message id (HTTP ${response.status})`);
  }
  const error = (json as CloudApiError | null)?.error;
  const code = typeof error?.code === "number" ? error.code : null;
  const detail = [error?.message, error?.error_data?.details].filter(Boolean).join(" — ") || `HTTP ${response.status}`;
  throw new WhatsAppSendError(classifyWhatsAppError(response.status, code), code, detail);
}

/** WhatsApp's `to`: the E.164 number's digits, without the plus. */
export function whatsappRecipient(e164: string) {
  return e164.replace(/\D/g, "");
}

// ---- the outbox job --------------------------------------------------------------------------

/**
 * Delivers one queued WhatsApp message. Throws (so the queue retries with backoff) only for
 * errors that may pass: rate limits, server errors, network trouble. Anything else fails the
 * message for good, with the reason in last_error.
 */
export async function deliverWhatsApp(db: Database, messageId: string, logger: Logger, jobs?: JobSender) {
  const [message] = await db.select().from(messages).where(eq(messages.id, messageId));
  if (!message || message.channel !== "whatsapp" || message.status !== "queued") return;
  if (!(await consentStillGiven(db, message))) return;
  const settings = await readWhatsAppSettings(db);
  try {
    if (!isWhatsAppConfigured(settings)) throw new WhatsAppSendError("not_configured", null, "WhatsApp is switched off or has no phone-number id or token");
    const mapping = templateMappingFor(settings, message.template);
    if (!mapping) throw new WhatsAppSendError("no_template", null, `no WhatsApp template is mapped to ${message.template}`);
    const wamid = await sendWhatsAppTemplate(settings, { to: message.recipient, mapping, params: message.params });
    await db
      .update(messages)
      .set({ status: "sent", sentAt: new Date(), provider: "whatsapp", providerMessageId: wamid, attempts: sql`${messages.attempts} + 1`, lastError: null })
      // a status webhook cannot arrive before we know the wamid, so queued is still the state here
      .where(and(eq(messages.id, messageId), eq(messages.status, "queued")));
  } catch (error) {
    const failure =
      error instanceof WhatsAppSendError ? error : new WhatsAppSendError("network", null, String((error as Error)?.message ?? error));
    const attempts = message.attempts + 1;
    const retry = failure.retryable && attempts < whatsappMaxAttempts;
    await db
      .update(messages)
      .set({ attempts: sql`${messages.attempts} + 1`, status: retry ? "queued" : "failed", lastError: failure.message, provider: "whatsapp" })
      .where(eq(messages.id, messageId));
    if (failure.kind === "token_invalid" || failure.kind === "not_configured") {
      logger.warn({ messageId, kind: failure.kind }, "WhatsApp refused our credentials; an admin must fix Settings → Messaging");
    }
    // 131049 passes in hours, not seconds: a fresh job later rather than the queue's quick backoff
    if (retry && failure.kind === "ecosystem_limited" && jobs) {
      await jobs.send(whatsappSendQueue, { messageId }, { db, startAfter: ecosystemRetryDelaySeconds });
      return;
    }
    if (retry) throw failure;
  }
}

/**
 * A status webhook said Meta held an accepted message back with 131049: it is queued again and
 * re-sent later (a new wamid), unless it has used all its attempts. True when it was re-queued.
 */
export async function requeueHeldBack(db: Database, messageId: string, detail: string, jobs: Pick<JobSender, "send">) {
  const rows = await db
    .update(messages)
    .set({ status: "queued", lastError: `[ecosystem_limited] ${detail}`.slice(0, 500), attempts: sql`${messages.attempts} + 1` })
    .where(and(eq(messages.id, messageId), inArray(messages.status, ["queued", "sent"]), sql`${messages.attempts} + 1 < ${whatsappMaxAttempts}`))
    .returning({ id: messages.id });
  if (rows.length === 0) return false;
  await jobs.send(whatsappSendQueue, { messageId }, { db, startAfter: ecosystemRetryDelaySeconds });
  return true;
}

/** The newest send that failed on our credentials, if newer than the last settings change. */
export async function latestCredentialFailure(db: Database, since: Date | null) {
  const [row] = await db
    .select({ lastError: messages.lastError, createdAt: messages.createdAt })
    .from(messages)
    .where(
      and(
        eq(messages.channel, "whatsapp"),
        eq(messages.status, "failed"),
        sql`(${messages.lastError} like '[token_invalid]%' or ${messages.lastError} like '[not_configured]%')`,
        since ? sql`${messages.createdAt} > ${since.toISOString()}` : sql`true`,
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(1);
  return row ?? null;
}

// ---- inbound media ---------------------------------------------------------------------------

export class WhatsAppMediaError extends Error {
  constructor(
    readonly kind: "not_found" | "not_configured" | "gone" | "unavailable",
    detail: string,
  ) {
    super(`[${kind}] ${detail}`);
    this.name = "WhatsAppMediaError";
  }
}

/**
 * A media file a contact sent, through the Cloud API: `GET /{version}/{media-id}` gives a short-lived
 * URL, fetched with the same token. Meta keeps media about 30 days; after that the id is gone.
 */
export async function downloadWhatsAppMedia(settings: WhatsAppSettings, mediaId: string, options: { timeoutMs?: number } = {}) {
  if (!settings.accessToken) throw new WhatsAppMediaError("not_configured", "no access token");
  const auth = { Authorization: `Bearer ${settings.accessToken}` };
  const signal = AbortSignal.timeout(options.timeoutMs ?? 20_000);
  const metaUrl = `${settings.baseUrl.replace(/\/+$/, "")}/${encodeURIComponent(settings.apiVersion)}/${encodeURIComponent(mediaId)}`;
  let info: { url?: unknown; mime_type?: unknown };
  try {
    const res = await fetch(metaUrl, { headers: auth, signal });
    if (res.status === 404 || res.status === 400) throw new WhatsAppMediaError("gone", `HTTP ${res.status}`);
    if (!res.ok) throw new WhatsAppMediaError("unavailable", `HTTP ${res.status}`);
    info = (await res.json()) as typeof info;
  } catch (error) {
    if (error instanceof WhatsAppMediaError) throw error;
    throw new WhatsAppMediaError("unavailable", String((error as Error).message ?? error));
  }
  if (typeof info.url !== "string" || !/^https?:\/\//.test(info.url)) throw new WhatsAppMediaError("unavailable", "answer without a media url");
  try {
    const file = await fetch(info.url, { headers: auth, signal });
    if (file.status === 404) throw new WhatsAppMediaError("gone", "HTTP 404");
    if (!file.ok) throw new WhatsAppMediaError("unavailable", `HTTP ${file.status}`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const mimeType = typeof info.mime_type === "string" ? info.mime_type : (file.headers.get("Content-Type") ?? "application/octet-stream");
    return { bytes, mimeType };
  } catch (error) {
    if (error instanceof WhatsAppMediaError) throw error;
    throw new WhatsAppMediaError("unavailable", String((error as Error).message ?? error));
  }
}
