// Wall-clock arithmetic in the branch's zone. Indonesia's three zones have fixed offsets and no
// daylight saving (since 1964), so a fixed offset is exact and needs no zone database. Display
// still goes through Intl (formatDateTime with the branch zone).
export const branchTimeZones = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] as const;
export type BranchTimeZone = (typeof branchTimeZones)[number];

const offsetMinutes: Record<BranchTimeZone, number> = { "Asia/Jakarta": 420, "Asia/Makassar": 480, "Asia/Jayapura": 540 };

/** WIB / WITA / WIT. */
export function zoneAbbreviation(tz: BranchTimeZone) {
  return tz === "Asia/Jakarta" ? "WIB" : tz === "Asia/Makassar" ? "WITA" : "WIT";
}

function shifted(at: Date, tz: BranchTimeZone) {
  return new Date(at.getTime() + offsetMinutes[tz] * 60_000);
}

/** The calendar date (yyyy-mm-dd) of an instant in the zone. */
export function localDateOf(at: Date, tz: BranchTimeZone): string {
  return shifted(at, tz).toISOString().slice(0, 10);
}

/** The wall-clock time (HH:MM) of an instant in the zone. */
export function localTimeOf(at: Date, tz: BranchTimeZone): string {
  return shifted(at, tz).toISOString().slice(11, 16);
}

/** The instant of a wall-clock date and time (HH:MM) in the zone. */
export function zonedInstant(date: string, time: string, tz: BranchTimeZone): Date {
  return new Date(Date.parse(`${date}T${time}:00.000Z`) - offsetMinutes[tz] * 60_000);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Minutes since midnight of "HH:MM". */
export function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

export function timeOfMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
