import { numberLocale, type Language } from "./languages.ts";

// Dates and times are formatted by the time module; re-exported here so every formatter has one home.
export { defaultTimeZone, type TimeZone } from "../time/local-time.ts";
export { formatDate, formatDateTime, formatLocalDate, formatLocalTime, formatTime } from "../time/format-time.ts";
export { parseRupiah } from "./parse-rupiah.ts";

/** Integer Rupiah, e.g. `Rp 1.500` (id) or `IDR 1,500` (en). */
export function formatRupiah(amount: number | bigint, language: Language) {
  return new Intl.NumberFormat(numberLocale(language), {
    style: "currency",
    currency: "IDR",
    maximumFractionDigits: 0,
    minimumFractionDigits: 0,
  }).format(amount);
}

/** A plain number, e.g. `1.634,5` (id) or `1,634.5` (en). */
export function formatNumber(value: number, language: Language, options?: Intl.NumberFormatOptions) {
  return new Intl.NumberFormat(numberLocale(language), options).format(value);
}
