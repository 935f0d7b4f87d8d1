// Secrets the server must read back in clear (a TOTP seed) are kept sealed with AES-256-GCM under
// SECRETS_KEY, so a copy of the database or of a backup alone does not give away second factors.
// The row's owner is bound in as additional data: a sealed value moved to another row fails to open.
import crypto from "node:crypto";

const prefix = "v1:";

/** True when the stored value is sealed (older rows hold the secret in clear until re-sealed). */
export function isSealed(stored: string) {
  return stored.startsWith(prefix);
}

/** `v1:` + base64url(12-byte nonce | ciphertext | 16-byte tag). */
export function sealSecret(plain: string, key: Buffer, boundTo: string) {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(boundTo, "utf8"));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return prefix + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url");
}

/** The clear value; a value stored before sealing existed is returned as it is. Throws when the key or the owner is wrong. */
export function openSecret(stored: string, key: Buffer, boundTo: string) {
  if (!isSealed(stored)) return stored;
  const raw = Buffer.from(stored.slice(prefix.length), "base64url");
  if (raw.length < 12 + 16) throw new Error("sealed secret too short");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(boundTo, "utf8"));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
}
