// Authentication of POS requests: a Bearer API key (stored as SHA-256) and an HMAC-SHA256
// signature over "<t>.<raw body>" in `Nusa-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`.
import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../app/plugin-api/index.ts";
import { retailPosConnections } from "./schema.ts";

export const signatureToleranceSeconds = 300;

export const sha256Hex = (data: string | Uint8Array) => crypto.createHash("sha256").update(data).digest("hex");

/** A new API key (shown once) and a new signing secret. */
export function newCredentials() {
  return { apiKey: `nusa_pos_${crypto.randomBytes(24).toString("base64url")}`, signingSecret: `whsec_${crypto.randomBytes(24).toString("base64url")}` };
}

export function signatureFor(secret: string, timestamp: number, raw: Uint8Array | string) {
  return crypto.createHmac("sha256", secret).update(`${timestamp}.`).update(raw).digest("hex");
}

/** The header value a POS sends; used by tests, the demo and the bench. */
export function signatureHeader(secret: string, raw: Uint8Array | string, timestamp = Math.floor(Date.now() / 1000)) {
  return `t=${timestamp},v1=${signatureFor(secret, timestamp, raw)}`;
}

export type SignatureCheck = "ok" | "signature_missing" | "signature_invalid" | "signature_expired";

/** Checks the signature against every secret still valid; several v1 values may be sent. */
export function verifySignature(header: string | null, raw: Uint8Array, secrets: string[], nowSeconds = Math.floor(Date.now() / 1000)): SignatureCheck {
  if (!header) return "signature_missing";
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && /^\d{1,12}$/.test(value ?? "")) timestamp = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value ?? "")) candidates.push(value.toLowerCase());
  }
  if (timestamp === null || candidates.length === 0) return "signature_invalid";
  if (Math.abs(nowSeconds - timestamp) > signatureToleranceSeconds) return "signature_expired";
  for (const secret of secrets) {
    const expected = Buffer.from(signatureFor(secret, timestamp, raw), "hex");
    for (const candidate of candidates) {
      if (crypto.timingSafeEqual(expected, Buffer.from(candidate, "hex"))) return "ok";
    }
  }
  return "signature_invalid";
}

export interface PosConnection {
  id: string;
  branchId: string;
  secrets: string[];
}

/** The active connection an `Authorization: Bearer …` key belongs to, with the secrets it may sign with. */
export async function connectionForKey(db: Database, authorization: string | null): Promise<PosConnection | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match) return null;
  const [row] = await db
    .select({
      id: retailPosConnections.id,
      branchId: retailPosConnections.branchId,
      secret: retailPosConnections.signingSecret,
      previous: retailPosConnections.previousSigningSecret,
      previousValid: sql<boolean>`coalesce(${retailPosConnections.previousSecretExpiresAt} > now(), false)`,
    })
    .from(retailPosConnections)
    .where(and(eq(retailPosConnections.keyHash, sha256Hex(match[1])), eq(retailPosConnections.active, true)));
  if (!row) return null;
  return { id: row.id, branchId: row.branchId, secrets: row.previous && row.previousValid ? [row.secret, row.previous] : [row.secret] };
}
