import { describe, expect, it } from "vitest";
import { addDays, isoWeekday, localDateOf, localTimeOf, zonedInstant } from "./zone.ts";

describe("branch-zone arithmetic", () => {
  it("maps wall-clock times in WIB, WITA and WIT to instants and back", () => {
    expect(zonedInstant("2026-12-01", "08:00", "Asia/Jakarta").toISOString()).toBe("2026-12-01T01:00:00.000Z");
    expect(zonedInstant("2026-12-01", "08:00", "Asia/Makassar").toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(zonedInstant("2026-12-01", "08:00", "Asia/Jayapura").toISOString()).toBe("2026-11-30T23:00:00.000Z");
    const late = new Date("2026-11-30T20:30:00Z");
    expect(localDateOf(late, "Asia/Jakarta")).toBe("2026-12-01");
    expect(localTimeOf(late, "Asia/Jakarta")).toBe("03:30");
  });
  it("counts weekdays from Monday and adds days across months", () => {
    expect(isoWeekday("2026-11-30")).toBe(1);
    expect(isoWeekday("2026-12-06")).toBe(7);
    expect(addDays("2026-11-30", 1)).toBe("2026-12-01");
  });
});
