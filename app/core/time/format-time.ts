// Dates and times shown to people: always in a branch's zone, with WIB/WITA/WIT where a time is shown.
import { intlLocale, type Language } from "../i18n/languages.ts";
import { defaultTimeZone, zoneAbbreviation, type TimeZone } from "./local-time.ts";

/**
 * Times as each language writes them (../shared/GLOSSARY.md): Indonesian `18.15` (24 hours, a
 * period), English `6:15 pm` (en-AU writes exactly that; en-ID would write `6.15 pm`).
 */
function clock(value: Date | string, language: Language, timeZone: string, withDate?: boolean) {
  const id = language === "id";
  const cycle = id ? "h23" : "h12";
  const parts: Intl.DateTimeFormatOptions = withDate ? { dateStyle: "medium", timeStyle: "short" } : { hour: id ? "2-digit" : "numeric", minute: "2-digit" };
  return new Intl.DateTimeFormat(id ? "id-ID" : "en-AU", { ...parts, hourCycle: cycle, timeZone }).format(new Date(value));
}

/** Date and time in a branch's zone, with WIB/WITA/WIT after it: `6 Des 2026, 18.15 WIB`, `6 Dec 2026, 6:15 pm WIB`. */
export function formatDateTime(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  return `${clock(value, language, timeZone, true)} ${zoneAbbreviation(timeZone)}`;
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
  return clock(`2000-01-01T${time}:00Z`, language, "UTC");
}

/** The time of an instant in a branch's zone: `18.15`, `6:15 pm`. */
export function formatTime(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  return clock(value, language, timeZone);
}
