// RFC 6238 time-based codes through otpauth; QR code drawn on the server (no JavaScript needed).
import * as OTPAuth from "otpauth";
import QRCode from "qrcode";

export const totpPeriod = 30;
export const totpDigits = 6;
const issuer = "Nusa CRM";

/** A new 160-bit secret, base32 (what authenticator apps take when typed in). */
export function newTotpSecret() {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totpFor(secretBase32: string, options: { digits?: number; algorithm?: "SHA1" | "SHA256" | "SHA512"; label?: string } = {}) {
  return new OTPAuth.TOTP({
    issuer,
    label: options.label ?? "",
    secret: OTPAuth.Secret.fromBase32(secretBase32),
    algorithm: options.algorithm ?? "SHA1",
    digits: options.digits ?? totpDigits,
    period: totpPeriod,
  });
}

/** The code for a moment (tests, and the RFC's vectors with 8 digits). */
export function totpCode(secretBase32: string, timestampMs: number, options: { digits?: number; algorithm?: "SHA1" | "SHA256" | "SHA512" } = {}) {
  return totpFor(secretBase32, options).generate({ timestamp: timestampMs });
}

/** The time step of a moment. */
export function totpStep(timestampMs: number) {
  return Math.floor(timestampMs / 1000 / totpPeriod);
}

/**
 * The step a code belongs to, when it is right within one step either side (clock drift) and
 * later than `afterStep` (a code once used is never accepted again); else null.
 */
export function matchTotp(secretBase32: string, code: string, timestampMs: number, afterStep: number | null) {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secretBase32).validate({ token, timestamp: timestampMs, window: 1 });
  if (delta === null) return null;
  const step = totpStep(timestampMs) + delta;
  if (afterStep !== null && step <= afterStep) return null;
  return step;
}

/** The otpauth:// URI an app scans. */
export function totpUri(secretBase32: string, accountEmail: string) {
  return totpFor(secretBase32, { label: accountEmail }).toString();
}

/** The URI as an SVG QR code in a data URL, for an <img> (works without JavaScript). */
export async function totpQrDataUrl(uri: string) {
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}
