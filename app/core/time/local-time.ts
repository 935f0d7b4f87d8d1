// Local time in Indonesia: the one place that knows the zones, their offsets and what a "day" is.
//
// Indonesia's three zones (WIB, WITA, WIT) have had fixed offsets and no daylight saving since
// 1964, so plain offset arithmetic is exact and needs no zone database. Every other module asks
// this one for "today", a day's or a month's boundaries, or to read a date or time a person typed.
// Client-safe: no server imports.
//
// A local date is a `YYYY-MM-DD` string (a calendar day in some zone); an instant is a `Date`.

export const timeZones = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] as const;
export type TimeZone = (typeof timeZones)[number];
export const defaultTimeZone: TimeZone = "Asia/Jakarta";

const offsetMinutesOf: Record<TimeZone, number> = { "Asia/Jakarta": 420, "Asia/Makassar": 480, "Asia/Jayapura": 540 };
const abbreviations: Record<TimeZone, "WIB" | "WITA" | "WIT"> = { "Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT" };

const dayMs = 86_400_000;

export function isTimeZone(value: unknown): value is TimeZone {
  return typeof value === "string" && (timeZones as readonly string[]).includes(value);
}

/** The zone itself when it is one of Indonesia's three, else WIB (e.g. a branch without a zone). */
export function zoneOrDefault(value: unknown): TimeZone {
  return isTimeZone(value) ? value : defaultTimeZone;
}

/** WIB / WITA / WIT. */
export function zoneAbbreviation(tz: TimeZone) {
  return abbreviations[tz];
}

/** Minutes east of UTC: 420 (WIB), 480 (WITA), 540 (WIT). */
export function offsetMinutes(tz: TimeZone) {
  return offsetMinutesOf[tz];
}

/** `+07:00`, `+08:00` or `+09:00`. */
export function offsetText(tz: TimeZone) {
  return `+0${offsetMinutesOf[tz] / 60}:00`;
}

function shifted(at: Date, tz: TimeZone) {
  return new Date(at.getTime() + offsetMinutesOf[tz] * 60_000);
}

// ---- instants -> local wall clock ------------------------------------------------------------

/** The calendar date (YYYY-MM-DD) of an instant in the zone. */
export function localDateOf(at: Date, tz: TimeZone): string {
  return shifted(at, tz).toISOString().slice(0, 10);
}

/** The wall-clock time (HH:MM, 24 h) of an instant in the zone. */
export function localTimeOf(at: Date, tz: TimeZone): string {
  return shifted(at, tz).toISOString().slice(11, 16);
}

/** Today's date in the zone. */
export function today(tz: TimeZone, now: Date = new Date()): string {
  return localDateOf(now, tz);
}

/** The instant as a `datetime-local` value (YYYY-MM-DDTHH:MM) in the zone. */
export function instantToLocalInput(at: Date | string, tz: TimeZone): string {
  return shifted(new Date(at), tz).toISOString().slice(0, 16);
}

// ---- local wall clock -> instants ------------------------------------------------------------

/** The instant of a wall-clock date and time (HH:MM) in the zone. */
export function zonedInstant(date: string, time: string, tz: TimeZone): Date {
  return new Date(Date.parse(`${date}T${time}:00.000Z`) - offsetMinutesOf[tz] * 60_000);
}

/** Midnight at the start of a local date. */
export function startOfLocalDay(date: string, tz: TimeZone): Date {
  return zonedInstant(date, "00:00", tz);
}

/** A local day as the half-open interval of instants [start, end). */
export function dayInstants(date: string, tz: TimeZone): { start: Date; end: Date } {
  const start = startOfLocalDay(date, tz);
  return { start, end: new Date(start.getTime() + dayMs) };
}

/** Whole local days `from`..`to` (both included) as the half-open interval [start, end). */
export function rangeInstants(range: DateRange, tz: TimeZone): { start: Date; end: Date } {
  return { start: startOfLocalDay(range.from, tz), end: startOfLocalDay(addDays(range.to, 1), tz) };
}

// ---- calendar arithmetic on local dates ------------------------------------------------------

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date between the years 1900 and 2200 (2026-02-30 and 0000-01-01 are not). */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const m = datePattern.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

function daysInMonth(year: number, month: number) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(d, daysInMonth(year, month))).padStart(2, "0")}`;
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Monday of the date's week (weeks start on Monday in Indonesia). */
export function startOfWeek(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

export function startOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

export function endOfMonth(date: string): string {
  return addDays(addMonths(startOfMonth(date), 1), -1);
}

export function startOfQuarter(date: string): string {
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, "0")}-01`;
}

export function startOfYear(date: string): string {
  return `${date.slice(0, 4)}-01-01`;
}

// ---- date ranges ------------------------------------------------------------------------------

/** Whole local days, both ends included. */
export type DateRange = { from: string; to: string };

export const rangePresets = ["today", "7d", "30d", "month", "quarter", "year"] as const;
export type RangePreset = (typeof rangePresets)[number];

/** A preset range ending today in the zone: "7d" is today and the six days before it; "month" is this month so far. */
export function presetRange(preset: RangePreset, tz: TimeZone, now: Date = new Date()): DateRange {
  const to = today(tz, now);
  switch (preset) {
    case "today":
      return { from: to, to };
    case "7d":
      return { from: addDays(to, -6), to };
    case "30d":
      return { from: addDays(to, -29), to };
    case "month":
      return { from: startOfMonth(to), to };
    case "quarter":
      return { from: startOfQuarter(to), to };
    case "year":
      return { from: startOfYear(to), to };
  }
}

/** The range of the same length just before this one (to compare a period with the last). */
export function previousRange(range: DateRange): DateRange {
  const length = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

export type RangeProblem = "invalidDate" | "reversed" | "tooLong";

/** Checks a range a person chose: real dates, `from` not after `to`, at most `maxDays` long. */
export function checkRange(from: unknown, to: unknown, maxDays = 5 * 366): { ok: true; range: DateRange } | { ok: false; problem: RangeProblem } {
  if (!isLocalDate(from) || !isLocalDate(to)) return { ok: false, problem: "invalidDate" };
  if (from > to) return { ok: false, problem: "reversed" };
  if (daysBetween(from, to) + 1 > maxDays) return { ok: false, problem: "tooLong" };
  return { ok: true, range: { from, to } };
}

// ---- what people type --------------------------------------------------------------------------

/** A time of day as typed: `18.00`, `18:00`, `8.15` or `08:15` -> `18:00`/`08:15`; null when not a time. */
export function parseLocalTime(text: unknown): string | null {
  if (typeof text !== "string") return null;
  const m = /^\s*(\d{1,2})[.:](\d{2})\s*$/.exec(text);
  if (!m) return null;
  const [h, mi] = [Number(m[1]), Number(m[2])];
  if (h > 23 || mi > 59) return null;
  return `${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}`;
}

/**
 * A time of day typed in a setting, in either language's way: what parseLocalTime reads, or English
 * `6:00 pm` / `8:15 a.m.` (12 am is midnight). Kept apart so pages without such a field do not ship it.
 */
export function parseTypedTime(text: unknown): string | null {
  if (typeof text !== "string") return null;
  const m = /^\s*(\d{1,2})[.:](\d{2})\s*([ap])\.?\s?m\.?\s*$/i.exec(text);
  if (!m) return parseLocalTime(text);
  const h = Number(m[1]);
  if (h < 1 || h > 12) return null;
  return parseLocalTime(`${(h % 12) + (m[3].toLowerCase() === "p" ? 12 : 0)}:${m[2]}`);
}

/** A date and time as typed (`2026-12-01T14:30`, `2026-12-01 14.30`) -> `2026-12-01T14:30`; null when malformed. */
export function normalizeLocalDateTime(text: unknown): string | null {
  if (typeof text !== "string") return null;
  const m = /^\s*(\d{4}-\d{2}-\d{2})[T ](\d{1,2}[.:]\d{2})(?::00)?\s*$/.exec(text);
  if (!m || !isLocalDate(m[1])) return null;
  const time = parseLocalTime(m[2]);
  return time ? `${m[1]}T${time}` : null;
}

/** A date and time as typed in the zone (`2026-12-01T14:30`, `2026-12-01 14.30`) -> the instant; null when malformed. */
export function parseLocalDateTime(text: unknown, tz: TimeZone): Date | null {
  const local = normalizeLocalDateTime(text);
  return local ? zonedInstant(local.slice(0, 10), local.slice(11), tz) : null;
}

/** Minutes since midnight of "HH:MM". */
export function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

export function timeOfMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
