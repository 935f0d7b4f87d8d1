import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  checkRange,
  dayInstants,
  instantToLocalInput,
  isLocalDate,
  isoWeekday,
  localDateOf,
  localTimeOf,
  offsetText,
  parseLocalDateTime,
  parseLocalTime,
  parseTypedTime,
  presetRange,
  previousRange,
  rangeInstants,
  startOfQuarter,
  startOfWeek,
  today,
  zonedInstant,
  type TimeZone,
} from "./local-time.ts";
import { formatDateTime, formatLocalDate, formatLocalTime, formatTime } from "./format-time.ts";
import { createTaskSchema } from "../tasks/task-forms.ts";
import { incidentSchema } from "../privacy/breach-register-forms.ts";

// 23:59 and 00:01 local time of 1 December 2026 in each zone, as UTC instants worked out by hand
const zones: { tz: TimeZone; name: string; lastMinute: string; firstMinute: string }[] = [
  { tz: "Asia/Jakarta", name: "WIB", lastMinute: "2026-11-30T16:59:00Z", firstMinute: "2026-11-30T17:01:00Z" },
  { tz: "Asia/Makassar", name: "WITA", lastMinute: "2026-11-30T15:59:00Z", firstMinute: "2026-11-30T16:01:00Z" },
  { tz: "Asia/Jayapura", name: "WIT", lastMinute: "2026-11-30T14:59:00Z", firstMinute: "2026-11-30T15:01:00Z" },
];

describe("branch-zone arithmetic", () => {
  it("maps wall-clock times in WIB, WITA and WIT to instants and back", () => {
    expect(zonedInstant("2026-12-01", "08:00", "Asia/Jakarta").toISOString()).toBe("2026-12-01T01:00:00.000Z");
    expect(zonedInstant("2026-12-01", "08:00", "Asia/Makassar").toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(zonedInstant("2026-12-01", "08:00", "Asia/Jayapura").toISOString()).toBe("2026-11-30T23:00:00.000Z");
    const late = new Date("2026-11-30T20:30:00Z");
    expect(localDateOf(late, "Asia/Jakarta")).toBe("2026-12-01");
    expect(localTimeOf(late, "Asia/Jakarta")).toBe("03:30");
    expect(offsetText("Asia/Makassar")).toBe("+08:00");
  });

  it.each(zones)("puts 23:59 and 00:01 $name on the right side of midnight", ({ tz, lastMinute, firstMinute }) => {
    expect(today(tz, new Date(lastMinute))).toBe("2026-11-30");
    expect(today(tz, new Date(firstMinute))).toBe("2026-12-01");
    const { start, end } = dayInstants("2026-12-01", tz);
    expect(new Date(lastMinute) < start).toBe(true);
    expect(new Date(firstMinute) >= start && new Date(firstMinute) < end).toBe(true);
    expect(end.getTime() - start.getTime()).toBe(86_400_000);
  });

  it("counts weekdays from Monday and adds days and months across month ends", () => {
    expect(isoWeekday("2026-11-30")).toBe(1);
    expect(isoWeekday("2026-12-06")).toBe(7);
    expect(addDays("2026-11-30", 1)).toBe("2026-12-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonths("2026-12-15", 1)).toBe("2027-01-15");
    expect(addMonths("2026-01-15", -1)).toBe("2025-12-15");
    expect(startOfWeek("2026-12-06")).toBe("2026-11-30");
    expect(startOfQuarter("2026-12-06")).toBe("2026-10-01");
  });
});

describe("ranges", () => {
  // 00:30 WIB on 1 December = 17:30 UTC on 30 November: the hour at which a UTC date is a day behind
  const justAfterMidnightWib = new Date("2026-11-30T17:30:00Z");

  it("ends a preset range today in the zone, also just after local midnight", () => {
    expect(presetRange("today", "Asia/Jakarta", justAfterMidnightWib)).toEqual({ from: "2026-12-01", to: "2026-12-01" });
    expect(presetRange("7d", "Asia/Jakarta", justAfterMidnightWib)).toEqual({ from: "2026-11-25", to: "2026-12-01" });
    expect(presetRange("30d", "Asia/Jakarta", justAfterMidnightWib)).toEqual({ from: "2026-11-02", to: "2026-12-01" });
    expect(presetRange("month", "Asia/Jakarta", justAfterMidnightWib)).toEqual({ from: "2026-12-01", to: "2026-12-01" });
    expect(presetRange("quarter", "Asia/Jakarta", justAfterMidnightWib)).toEqual({ from: "2026-10-01", to: "2026-12-01" });
    expect(presetRange("year", "Asia/Jakarta", justAfterMidnightWib)).toEqual({ from: "2026-01-01", to: "2026-12-01" });
    // the same instant is still 30 November in no Indonesian zone but… it is 01:30 WITA and 02:30 WIT on 1 December
    expect(presetRange("today", "Asia/Jayapura", justAfterMidnightWib).to).toBe("2026-12-01");
    // and at 16:30 UTC it is 23:30 WIB on 30 November but already 1 December in WITA
    expect(presetRange("month", "Asia/Jakarta", new Date("2026-11-30T16:30:00Z"))).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(presetRange("month", "Asia/Makassar", new Date("2026-11-30T16:30:00Z"))).toEqual({ from: "2026-12-01", to: "2026-12-01" });
  });

  it("compares with the period of the same length just before", () => {
    expect(previousRange({ from: "2026-12-01", to: "2026-12-31" })).toEqual({ from: "2026-10-31", to: "2026-11-30" });
    expect(previousRange({ from: "2026-12-06", to: "2026-12-06" })).toEqual({ from: "2026-12-05", to: "2026-12-05" });
  });

  it("turns whole local days into instants in the zone", () => {
    const { start, end } = rangeInstants({ from: "2026-12-01", to: "2026-12-02" }, "Asia/Makassar");
    expect(start.toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(end.toISOString()).toBe("2026-12-02T16:00:00.000Z");
  });

  it("refuses impossible dates, reversed and over-long ranges", () => {
    expect(checkRange("2026-02-30", "2026-03-01")).toEqual({ ok: false, problem: "invalidDate" });
    expect(checkRange("0000-01-01", "2026-03-01")).toEqual({ ok: false, problem: "invalidDate" });
    expect(checkRange("2026-03-02", "2026-03-01")).toEqual({ ok: false, problem: "reversed" });
    expect(checkRange("2020-01-01", "2026-03-01")).toEqual({ ok: false, problem: "tooLong" });
    expect(checkRange("2026-01-01", "2026-03-01")).toEqual({ ok: true, range: { from: "2026-01-01", to: "2026-03-01" } });
  });
});

describe("what people type", () => {
  it("reads dates only when they are real calendar dates", () => {
    expect(isLocalDate("2028-02-29")).toBe(true);
    expect(isLocalDate("2026-02-29")).toBe(false);
    expect(isLocalDate("2026-02-30")).toBe(false);
    expect(isLocalDate("0000-01-01")).toBe(false);
    expect(isLocalDate("9999-12-31")).toBe(false);
    expect(isLocalDate("2026-12-6")).toBe(false);
    expect(isLocalDate(20261206)).toBe(false);
  });

  it("accepts 18.00 and 18:00 for a time, and nothing that is not one", () => {
    expect(parseLocalTime("18.00")).toBe("18:00");
    expect(parseLocalTime("18:00")).toBe("18:00");
    expect(parseLocalTime(" 8.15 ")).toBe("08:15");
    expect(parseLocalTime("24.00")).toBeNull();
    expect(parseLocalTime("18.60")).toBeNull();
    expect(parseLocalTime("18")).toBeNull();
    expect(parseLocalTime("18:00\n")).toBe("18:00");
    // a setting also takes English, as the app writes it there
    expect(parseTypedTime("18.00")).toBe("18:00");
    expect(parseTypedTime("6:00 pm")).toBe("18:00");
    expect(parseTypedTime("6.00PM")).toBe("18:00");
    expect(parseTypedTime("8:15 a.m.")).toBe("08:15");
    expect(parseTypedTime("12:05 am")).toBe("00:05");
    expect(parseTypedTime("12:00 pm")).toBe("12:00");
    expect(parseTypedTime("13:00 pm")).toBeNull();
    expect(parseTypedTime("0:30 am")).toBeNull();
    expect(parseTypedTime("6:60 pm")).toBeNull();
    expect(parseTypedTime("6:00 xm")).toBeNull();
    expect(parseLocalTime("6:00 pm")).toBeNull();
  });

  it("reads a typed date and time in the branch zone, and refuses rolled-over values", () => {
    expect(parseLocalDateTime("2026-12-01T14:30", "Asia/Jakarta")?.toISOString()).toBe("2026-12-01T07:30:00.000Z");
    expect(parseLocalDateTime("2026-12-01 14.30", "Asia/Makassar")?.toISOString()).toBe("2026-12-01T06:30:00.000Z");
    expect(parseLocalDateTime("2026-12-01T00:30", "Asia/Jayapura")?.toISOString()).toBe("2026-11-30T15:30:00.000Z");
    expect(parseLocalDateTime("2026-02-31T10:00", "Asia/Jakarta")).toBeNull();
    expect(parseLocalDateTime("2026-12-01T25:00", "Asia/Jakarta")).toBeNull();
    expect(instantToLocalInput("2026-12-01T07:30:00.000Z", "Asia/Jakarta")).toBe("2026-12-01T14:30");
  });

  it("lets a task's due time and a breach's discovery time be typed 18.00 as well as 18:00", () => {
    const task = { intent: "create", title: "Telepon balik", priority: "normal" };
    expect(createTaskSchema.safeParse({ ...task, dueAt: "2026-12-01 18.00" }).data?.dueAt).toBe("2026-12-01T18:00");
    expect(createTaskSchema.safeParse({ ...task, dueAt: "2026-12-01T18:00" }).data?.dueAt).toBe("2026-12-01T18:00");
    expect(createTaskSchema.safeParse({ ...task, dueAt: "" }).data?.dueAt).toBeNull();
    expect(createTaskSchema.safeParse({ ...task, dueAt: "2026-12-01 25.00" }).error?.issues[0].message).toBe("validation.date");
    const incident = incidentSchema.safeParse({
      title: "Laptop hilang",
      description: "Laptop staf hilang di kereta",
      severity: "high",
      discoveredAt: "2026-12-01 08.15",
      windowFrom: "2026-11-30T20:00",
      windowTo: "2026-12-01 07.00",
    });
    expect(incident.data).toMatchObject({ discoveredAt: "2026-12-01T08:15", windowFrom: "2026-11-30T20:00", windowTo: "2026-12-01T07:00" });
  });
});

describe("formatting", () => {
  it("writes times 18.15 in Indonesian and 6:15 pm in English with the zone's name, and local dates without a shift", () => {
    const at = new Date("2026-12-06T11:15:00Z");
    expect(formatDateTime(at, "id", "Asia/Jakarta")).toBe("6 Des 2026, 18.15 WIB");
    expect(formatDateTime(at, "en", "Asia/Makassar")).toBe("6 Dec 2026, 7:15 pm WITA");
    expect(formatTime(at, "en", "Asia/Jayapura")).toBe("8:15 pm");
    expect(formatTime(at, "id", "Asia/Jayapura")).toBe("20.15");
    // midnight and noon, the two an English reader gets wrong most often
    expect(formatTime(new Date("2026-12-06T17:05:00Z"), "en", "Asia/Jakarta")).toBe("12:05 am");
    expect(formatTime(new Date("2026-12-06T05:00:00Z"), "en", "Asia/Jakarta")).toBe("12:00 pm");
    expect(formatTime(new Date("2026-12-06T17:05:00Z"), "id", "Asia/Jakarta")).toBe("00.05");
    expect(formatLocalTime("08:15", "id")).toBe("08.15");
    expect(formatLocalTime("08:15", "en")).toBe("8:15 am");
    expect(formatLocalTime("18:00", "en")).toBe("6:00 pm");
    expect(formatLocalDate("1984-07-12", "id")).toBe("12 Juli 1984");
    expect(formatLocalDate("1984-07-12", "en")).toBe("12 July 1984");
  });
});
