// When a scheduled report runs and which days it reports on. Pure calendar arithmetic on the zone's
// wall clock (app/core/time): WIB, WITA and WIT have no daylight saving, so a local time is always
// one instant. Client-safe.
import { addDays, addMonths, isoWeekday, localDateOf, startOfMonth, zonedInstant, type DateRange, type TimeZone } from "../time/local-time.ts";

export const reportFrequencies = ["daily", "weekly", "monthly"] as const;
export type ReportFrequency = (typeof reportFrequencies)[number];

export interface ReportSchedule {
  frequency: ReportFrequency;
  /** ISO weekday 1 (Monday) – 7, for weekly. */
  weekday: number | null;
  /** 1–28, for monthly. */
  monthDay: number | null;
  /** HH:MM on the zone's wall clock. */
  localTime: string;
  timeZone: TimeZone;
}

function runsOn(schedule: ReportSchedule, date: string): boolean {
  switch (schedule.frequency) {
    case "daily":
      return true;
    case "weekly":
      return isoWeekday(date) === (schedule.weekday ?? 1);
    case "monthly":
      return Number(date.slice(8, 10)) === (schedule.monthDay ?? 1);
  }
}

/** The first run strictly after `after`. */
export function nextRunAt(schedule: ReportSchedule, after: Date): Date {
  const first = localDateOf(after, schedule.timeZone);
  // a month has at most 31 days, so a monthly day 1–28 is met within 32 days of any date
  for (let i = 0; i <= 32; i++) {
    const date = addDays(first, i);
    if (!runsOn(schedule, date)) continue;
    const at = zonedInstant(date, schedule.localTime, schedule.timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error("no run within 32 days: the schedule is invalid");
}

/**
 * The whole days a run reports on, ending the day before it (a report at 07.00 covers finished days):
 * daily the previous day, weekly the previous 7 days, monthly the previous calendar month.
 */
export function reportedPeriod(schedule: ReportSchedule, runAt: Date): DateRange {
  const runDate = localDateOf(runAt, schedule.timeZone);
  const yesterday = addDays(runDate, -1);
  switch (schedule.frequency) {
    case "daily":
      return { from: yesterday, to: yesterday };
    case "weekly":
      return { from: addDays(runDate, -7), to: yesterday };
    case "monthly": {
      const thisMonth = startOfMonth(runDate);
      return { from: addMonths(thisMonth, -1), to: addDays(thisMonth, -1) };
    }
  }
}
