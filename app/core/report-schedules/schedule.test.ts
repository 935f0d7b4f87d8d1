// Schedules on the zone's wall clock, at the edges: the local midnight, the minute of the run itself,
// month ends, and the same UTC instant read in WIB, WITA and WIT.
import { describe, expect, it } from "vitest";
import { atInstant } from "../../../tests/support/clock.ts";
import { nextRunAt, reportedPeriod, type ReportSchedule } from "./schedule.ts";

const daily = (localTime: string, timeZone: ReportSchedule["timeZone"]): ReportSchedule => ({ frequency: "daily", weekday: null, monthDay: null, localTime, timeZone });

describe("next run", () => {
  it("reads 07:00 in the branch's zone: 00:00Z in WIB, 23:00Z the day before in WITA, 22:00Z in WIT", () => {
    const after = new Date("2026-12-07T00:00:00Z"); // 07.00 WIB, 08.00 WITA, 09.00 WIT on 7 Dec
    // exactly at 07.00 WIB: the run of this minute is not "after", the next is tomorrow's
    expect(nextRunAt(daily("07:00", "Asia/Jakarta"), after).toISOString()).toBe("2026-12-08T00:00:00.000Z");
    expect(nextRunAt(daily("07:00", "Asia/Jakarta"), new Date("2026-12-06T23:59:59Z")).toISOString()).toBe("2026-12-07T00:00:00.000Z");
    // 08.00 WITA has passed -> 07.00 WITA tomorrow = 23:00Z today
    expect(nextRunAt(daily("07:00", "Asia/Makassar"), after).toISOString()).toBe("2026-12-07T23:00:00.000Z");
    expect(nextRunAt(daily("07:00", "Asia/Jayapura"), after).toISOString()).toBe("2026-12-07T22:00:00.000Z");
  });

  it("a run just after local midnight belongs to the new local day, though UTC is still on the day before", () => {
    // 00.30 WIT on Tuesday 8 Dec = 15:30Z on Monday 7 Dec
    const weekly: ReportSchedule = { frequency: "weekly", weekday: 2, monthDay: null, localTime: "00:30", timeZone: "Asia/Jayapura" };
    expect(nextRunAt(weekly, new Date("2026-12-07T15:00:00Z")).toISOString()).toBe("2026-12-07T15:30:00.000Z");
    expect(reportedPeriod(weekly, new Date("2026-12-07T15:30:00Z"))).toEqual({ from: "2026-12-01", to: "2026-12-07" });
    // a minute later the next is a week on
    expect(nextRunAt(weekly, new Date("2026-12-07T15:31:00Z")).toISOString()).toBe("2026-12-14T15:30:00.000Z");
  });

  it("monthly on the 1st at 06.00 WITA, across a year end; the period is the previous calendar month", () => {
    const monthly: ReportSchedule = { frequency: "monthly", weekday: null, monthDay: 1, localTime: "06:00", timeZone: "Asia/Makassar" };
    const run = nextRunAt(monthly, new Date("2026-12-07T00:00:00Z"));
    expect(run.toISOString()).toBe("2026-12-31T22:00:00.000Z"); // 06.00 WITA on 1 Jan 2027
    expect(reportedPeriod(monthly, run)).toEqual({ from: "2026-12-01", to: "2026-12-31" });
    const march = nextRunAt({ ...monthly, monthDay: 28 }, new Date("2027-02-28T00:00:00Z"));
    expect(march.toISOString()).toBe("2027-03-27T22:00:00.000Z");
  });

  it("a daily report at 23.59 WIB covers the day before the run", () => {
    const schedule = daily("23:59", "Asia/Jakarta");
    const run = nextRunAt(schedule, new Date("2026-12-07T16:00:00Z"));
    expect(run.toISOString()).toBe("2026-12-07T16:59:00.000Z");
    expect(reportedPeriod(schedule, run)).toEqual({ from: "2026-12-06", to: "2026-12-06" });
  });

  it("from the test clock's now, whatever hour the suite runs at", async () => {
    await atInstant("2026-12-07T16:59:30Z", async () => {
      // 23.59.30 WIB: today's 23.59 has passed -> tomorrow's
      expect(nextRunAt(daily("23:59", "Asia/Jakarta"), new Date()).toISOString()).toBe("2026-12-08T16:59:00.000Z");
      // 00.59.30 WITA on 8 Dec: 01.00 WITA is half a minute away
      expect(nextRunAt(daily("01:00", "Asia/Makassar"), new Date()).toISOString()).toBe("2026-12-07T17:00:00.000Z");
    });
  });
});
