import { intlLocale, type Language } from "./languages.ts";

export type TimeZone = "Asia/Jakarta" | "Asia/Makassar" | "Asia/Jayapura";
export const defaultTimeZone: TimeZone = "Asia/Jakarta";

/** Integer Rupiah, e.g. `Rp 1.500` (id) or `IDR 1,500` (en). */
export function formatRupiah(amount: number | bigint, language: Language) {
  return new Intl.NumberFormat(intlLocale(language), {
    style: "currency",
    currency: "IDR",
    maximumFractionDigits: 0,
    minimumFractionDigits: 0,
  }).format(amount);
}

export function formatNumber(value: number, language: Language) {
  return new Intl.NumberFormat(intlLocale(language)).format(value);
}

const zoneAbbreviations: Record<TimeZone, string> = {
  "Asia/Jakarta": "WIB",
  "Asia/Makassar": "WITA",
  "Asia/Jayapura": "WIT",
};

/** Date and time in a branch's zone, with WIB/WITA/WIT after it. */
export function formatDateTime(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  const text = new Intl.DateTimeFormat(intlLocale(language), {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(new Date(value));
  return `${text} ${zoneAbbreviations[timeZone]}`;
}

export function formatDate(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: "long", timeZone }).format(new Date(value));
}
