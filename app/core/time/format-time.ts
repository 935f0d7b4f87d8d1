// Dates and times shown to people: always in a branch's zone, with WIB/WITA/WIT where a time is shown.
import { intlLocale, type Language } from "../i18n/languages.ts";
import { defaultTimeZone, zoneAbbreviation, type TimeZone } from "./local-time.ts";

/**
 * A time of day as each language writes it (../shared/GLOSSARY.md): Indonesian `18.15` (24 hours,
 * a period), English `6:15 pm`.
 */
function clock(value: Date, language: Language, timeZone: string) {
  if (language === "id") return new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(value);
  return new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", hour12: true, timeZone })
    .formatToParts(value)
    .map((part) => (part.type === "dayPeriod" ? part.value.toLowerCase() : part.type === "literal" ? part.value.replace(/\s/u, " ") : part.value))
    .join("");
}

/** Date and time in a branch's zone, with WIB/WITA/WIT after it: `6 Des 2026, 18.15 WIB`, `6 Dec 2026, 6:15 pm WIB`. */
export function formatDateTime(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  const at = new Date(value);
  const date = new Intl.DateTimeFormat(intlLocale(language), { dateStyle: "medium", timeZone }).format(at);
  return `${date}, ${clock(at, language, timeZone)} ${zoneAbbreviation(timeZone)}`;
}

/** The calendar date of an instant in a branch's zone: `6 Desember 2026`. */
export function formatDate(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: "long", timeZone }).format(new Date(value));
}

/** A local calendar date (YYYY-MM-DD, e.g. a birth date or a report day) without any zone shift. */
export function formatLocalDate(date: string, language: Language, style: "long" | "medium" = "long") {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: style, timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
}

/** A wall-clock time `HH:MM` (a schedule's start, a slot): `18.15` in Indonesian, `6:15 pm` in English. */
export function formatLocalTime(time: string, language: Language) {
  const [hours, minutes] = time.split(":").map(Number);
  return clock(new Date(Date.UTC(2000, 0, 1, hours, minutes)), language, "UTC");
}

/** The time of an instant in a branch's zone: `18.15`, `6:15 pm`. */
export function formatTime(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  return clock(new Date(value), language, timeZone);
}
