import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * Accepts 08…, 628…, +62 8…, with spaces or dashes; returns E.164 (`+628…`) or null when it is
 * not a valid Indonesian number.
 */
export function normalizePhone(input: string): string | null {
  const cleaned = input.trim().replace(/[\s\-().]/g, "");
  if (!cleaned) return null;
  const withPlus = /^62\d{8,}$/.test(cleaned) ? `+${cleaned}` : cleaned;
  const parsed = parsePhoneNumberFromString(withPlus, "ID");
  if (!parsed || !parsed.isValid() || parsed.countryCallingCode !== "62") return null;
  return parsed.number;
}

/** `+6281234567890` -> `0812-3456-7890`, the way people here write it. */
export function formatPhone(e164: string | null | undefined) {
  if (!e164) return "";
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsed.formatNational() : e164;
}
