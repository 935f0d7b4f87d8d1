// Dates and times shown to people: always in a branch's zone, with WIB/WITA/WIT where a time is shown.
import { intlLocale, type Language } from "../i18n/languages.ts";
import { defaultTimeZone, zoneAbbreviation, type TimeZone } from "./local-time.ts";

/** Date and time in a branch's zone, with WIB/WITA/WIT after it: `6 Des 2026, 18.15 WIB`. */
export function formatDateTime(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  const text = new Intl.DateTimeFormat(intlLocale(language), { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(value));
  return `${text} ${zoneAbbreviation(timeZone)}`;
}

/** The calendar date of an instant in a branch's zone: `6 Desember 2026`. */
export function formatDate(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: "long", timeZone }).format(new Date(value));
}

/** A local calendar date (YYYY-MM-DD, e.g. a birth date or a report day) without any zone shift. */
export function formatLocalDate(date: string, language: Language, style: "long" | "medium" = "long") {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: style, timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
}

/** A wall-clock time `HH:MM` as Indonesians write it in both languages: `18.15`. */
export function formatLocalTime(time: string) {
  return time.replace(":", ".");
}

/** The time of an instant in a branch's zone: `18.15`. */
export function formatTime(value: Date | string, language: Language, timeZone: TimeZone = defaultTimeZone) {
  return new Intl.DateTimeFormat(intlLocale(language), { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(new Date(value));
}
