// Client-safe: a task's due time is typed as local time in the staff member's branch zone.
// Indonesia's three zones have fixed offsets and no daylight saving, so plain arithmetic is exact.
import type { TimeZone } from "../i18n/format.ts";

const offsetHours: Record<TimeZone, number> = { "Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9 };

/** `2026-12-01T14:30` typed in `timeZone` -> the instant; null when malformed. */
export function localToInstant(local: string, timeZone: TimeZone): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, mi) - offsetHours[timeZone] * 3600_000;
  const check = new Date(utc + offsetHours[timeZone] * 3600_000);
  // rejects 2026-02-31 and 25:00, which Date.UTC would quietly roll over
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1 || check.getUTCHours() !== h) return null;
  return new Date(utc);
}

/** The instant as a `datetime-local` value in `timeZone`. */
export function instantToLocal(value: Date | string, timeZone: TimeZone): string {
  const shifted = new Date(new Date(value).getTime() + offsetHours[timeZone] * 3600_000);
  return shifted.toISOString().slice(0, 16);
}
