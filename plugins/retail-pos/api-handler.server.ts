// The HTTP side of the ingest API: method, size limit (the body is always read to its end, so the
// keep-alive connection stays usable), API key, signature over the raw bytes, JSON, zod,
// idempotency key; then the domain function. Every failure is a JSON error with a stable code and a
// sentence in the caller's language.
import type { AppLoadContext } from "@remix-run/node";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { connectionForKey, sha256Hex, verifySignature, type PosConnection } from "./api-auth.server.ts";
import { apiIssues, apiLanguage, methodNotAllowed, posError, posJson, type ApiLanguage } from "./api-errors.server.ts";
import type { Database } from "../../app/plugin-api/index.ts";
import { idempotencyKeySchema, refundSchema, saleSchema, type RefundInput, type SaleInput } from "./sale-payload.ts";
import { saleBatcherFor } from "./sale-batcher.server.ts";
import { ingestRefund, type IngestResult } from "./sale-ingest.server.ts";
import { retailPosConnections } from "./schema.ts";

export const maxBodyBytes = 1_000_000;
/** Past the limit, up to this much more is read and dropped so the connection can be reused; beyond it the connection is closed. */
export const maxDrainBytes = 16_000_000;

export { posError } from "./api-errors.server.ts";

function answer(language: ApiLanguage, result: IngestResult) {
  if (!result.ok) return posError(language, result.code, result.status, result.detail ?? {});
  const { sale } = result;
  return posJson(
    language,
    { id: sale.id, type: sale.kind, receiptNumber: sale.receiptNumber, status: "recorded", customerMatched: sale.contactId !== null, total: sale.total },
    result.replayed ? 200 : 201,
    result.replayed ? { "Idempotent-Replayed": "true" } : {},
  );
}

/** The body's bytes up to the limit; past it the rest is read and dropped (up to maxDrainBytes) so the next request on the connection parses. */
export async function readBody(request: Request): Promise<Uint8Array | "too_large" | "too_large_close"> {
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  // too much to read through: answer and let the server close the connection (no cancel, which would drop it before the answer)
  if (declared > maxBodyBytes + maxDrainBytes) return "too_large_close";
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes + maxDrainBytes) return "too_large_close";
    if (size <= maxBodyBytes) chunks.push(value);
  }
  if (size > maxBodyBytes) return "too_large";
  const raw = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    raw.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return raw;
}

/** Method, size limit, API key, signature over the raw bytes and JSON: the connection and parsed body, or the error response. */
export async function authenticatePosRequest(
  request: Request,
  context: AppLoadContext,
): Promise<Response | { connection: PosConnection; raw: Uint8Array; body: unknown; language: ApiLanguage }> {
  const language = apiLanguage(request);
  if (request.method !== "POST") {
    await readBody(request);
    return methodNotAllowed(request, "POST");
  }
  // read first: an answer sent before the body is read leaves its bytes in the connection
  const raw = await readBody(request);
  if (raw === "too_large") return posError(language, "payload_too_large", 413);
  if (raw === "too_large_close") return posError(language, "payload_too_large", 413, {}, { Connection: "close" });
  const connection = await connectionForKey(context.runtime.db, request.headers.get("Authorization"));
  if (!connection) return posError(language, "unauthorized", 401, {}, { "WWW-Authenticate": 'Bearer realm="pos"' });
  const check = verifySignature(request.headers.get("Nusa-Signature"), raw, connection.secrets);
  if (check !== "ok") return posError(language, check, 401);
  try {
    return { connection, raw, body: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw)), language };
  } catch {
    return posError(language, "invalid_json", 400);
  }
}

/** Handles POST /api/pos/v1/sales and /refunds. */
export async function handleIngest(request: Request, context: AppLoadContext, kind: "sale" | "refund"): Promise<Response> {
  const { db } = context.runtime;
  const auth = await authenticatePosRequest(request, context);
  if (auth instanceof Response) return auth;
  const { connection, raw, body, language } = auth;
  const schema = kind === "sale" ? saleSchema : refundSchema;
  const parsed = schema.safeParse(body);
  const headerKey = request.headers.get("Idempotency-Key");
  const key = headerKey === null ? null : idempotencyKeySchema.safeParse(headerKey);
  if (!parsed.success || (key && !key.success)) {
    const issues = [
      ...(parsed.success ? [] : apiIssues(language, parsed.error)),
      ...(key && !key.success ? apiIssues(language, key.error).map((i) => ({ ...i, path: "Idempotency-Key" })) : []),
    ];
    return posError(language, "validation_failed", 422, { issues });
  }
  const meta = { idempotencyKey: key?.data ?? `${kind}:${parsed.data.receiptNumber}`, requestHash: sha256Hex(raw) };
  const result =
    kind === "sale"
      ? await saleBatcherFor(context.runtime).record(connection, parsed.data as SaleInput, meta)
      : await ingestRefund(context.runtime, connection, parsed.data as RefundInput, meta);
  if (result.ok && !result.replayed) await markUsed(db, connection.id);
  return answer(language, result);
}

/** When this process last wrote a connection's "last used" (its row is written at most once a minute). */
const lastUsedWritten = new Map<string, number>();

/**
 * "Last used" to the minute: updating the one connection row on every sale made a store's tills
 * queue on its row lock, and asking the database every time cost a round trip per sale.
 */
async function markUsed(db: Database, connectionId: string) {
  const now = Date.now();
  if (now - (lastUsedWritten.get(connectionId) ?? 0) < 60_000) return;
  lastUsedWritten.set(connectionId, now);
  await db
    .update(retailPosConnections)
    .set({ lastUsedAt: new Date(now) })
    .where(and(eq(retailPosConnections.id, connectionId), or(isNull(retailPosConnections.lastUsedAt), lt(retailPosConnections.lastUsedAt, sql`now() - interval '1 minute'`))));
}
