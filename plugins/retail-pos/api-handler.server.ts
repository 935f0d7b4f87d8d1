// The HTTP side of the ingest API: size limit, API key, signature over the raw bytes, JSON, zod,
// idempotency key; then the domain function. Every failure is a JSON error with a stable code.
import type { AppLoadContext } from "@remix-run/node";
import { connectionForKey, sha256Hex, verifySignature, type PosConnection } from "./api-auth.server.ts";
import { refundSchema, saleSchema, type PosErrorCode } from "./sale-payload.ts";
import { ingestRefund, ingestSale, type IngestResult } from "./sale-ingest.server.ts";
import { retailPosConnections } from "./schema.ts";
import { eq } from "drizzle-orm";

export const maxBodyBytes = 1_000_000;

const messages: Record<PosErrorCode, string> = {
  unauthorized: "Missing or unknown API key (Authorization: Bearer <key>).",
  signature_missing: "Missing Nusa-Signature header.",
  signature_invalid: "Nusa-Signature does not match the body for any valid signing secret.",
  signature_expired: "Nusa-Signature timestamp is more than 300 seconds from the server's clock.",
  payload_too_large: "The body is larger than 1 MB.",
  invalid_json: "The body is not valid JSON.",
  validation_failed: "The body does not match the schema; see error.issues.",
  total_mismatch: "total is not the sum of quantity × unitPrice − discount over the lines.",
  idempotency_key_reused: "This Idempotency-Key was already used with a different body.",
  receipt_already_recorded: "This receipt number is already recorded under another Idempotency-Key.",
  original_sale_not_found: "originalReceiptNumber is not a recorded sale of this store.",
  refund_exceeds_sale: "Refunds of this sale would exceed its total.",
  voucher_not_found: "No voucher has this code.",
  voucher_used: "This voucher was already used (on another receipt).",
  voucher_expired: "This voucher has expired.",
  loyalty_unavailable: "Vouchers are not available: the loyalty plugin is not enabled.",
};

export function posError(code: PosErrorCode, status: number, extra: Record<string, unknown> = {}) {
  return Response.json({ error: { code, message: messages[code], ...extra } }, { status, headers: { "Cache-Control": "no-store" } });
}

function answer(result: IngestResult) {
  if (!result.ok) return posError(result.code, result.status, result.detail ?? {});
  const { sale } = result;
  return Response.json(
    { id: sale.id, type: sale.kind, receiptNumber: sale.receiptNumber, status: "recorded", customerMatched: sale.contactId !== null, total: sale.total },
    { status: result.replayed ? 200 : 201, headers: { "Cache-Control": "no-store", ...(result.replayed ? { "Idempotent-Replayed": "true" } : {}) } },
  );
}

/** API key, size limit, signature over the raw bytes and JSON: the connection and parsed body, or the error response. */
export async function authenticatePosRequest(request: Request, context: AppLoadContext): Promise<Response | { connection: PosConnection; raw: Uint8Array; body: unknown }> {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
  if (Number(request.headers.get("Content-Length") ?? 0) > maxBodyBytes) return posError("payload_too_large", 413);
  const connection = await connectionForKey(context.runtime.db, request.headers.get("Authorization"));
  if (!connection) return posError("unauthorized", 401);
  // the signature covers the exact bytes sent: read them raw, never re-serialise parsed JSON
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.byteLength > maxBodyBytes) return posError("payload_too_large", 413);
  const check = verifySignature(request.headers.get("Nusa-Signature"), raw, connection.secrets);
  if (check !== "ok") return posError(check, 401);
  try {
    return { connection, raw, body: JSON.parse(new TextDecoder().decode(raw)) };
  } catch {
    return posError("invalid_json", 400);
  }
}

/** Handles POST /api/pos/v1/sales and /refunds. */
export async function handleIngest(request: Request, context: AppLoadContext, kind: "sale" | "refund"): Promise<Response> {
  const { db } = context.runtime;
  const auth = await authenticatePosRequest(request, context);
  if (auth instanceof Response) return auth;
  const { connection, raw, body } = auth;
  const schema = kind === "sale" ? saleSchema : refundSchema;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return posError("validation_failed", 422, { issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
  }
  const headerKey = request.headers.get("Idempotency-Key")?.trim();
  if (headerKey !== undefined && (headerKey.length === 0 || headerKey.length > 128)) {
    return posError("validation_failed", 422, { issues: [{ path: "Idempotency-Key", message: "1 to 128 characters" }] });
  }
  const meta = { idempotencyKey: headerKey || `${kind}:${parsed.data.receiptNumber}`, requestHash: sha256Hex(raw) };
  const result =
    kind === "sale"
      ? await ingestSale(context.runtime, connection, parsed.data as Parameters<typeof ingestSale>[2], meta)
      : await ingestRefund(context.runtime, connection, parsed.data as Parameters<typeof ingestRefund>[2], meta);
  if (result.ok && !result.replayed) await db.update(retailPosConnections).set({ lastUsedAt: new Date() }).where(eq(retailPosConnections.id, connection.id));
  return answer(result);
}
