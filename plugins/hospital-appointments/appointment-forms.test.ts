import { describe, expect, it } from "vitest";
import { settingsSchema, defaultSettings } from "./settings.ts";
import { scheduleSchema } from "./appointment-forms.ts";

describe("times people type", () => {
  it("take 18.00 as well as 18:00 for the reminder time, and refuse what is not a time with a format message", () => {
    expect(settingsSchema.parse({ ...defaultSettings, reminderTime: "18.00" }).reminderTime).toBe("18:00");
    expect(settingsSchema.parse({ ...defaultSettings, reminderTime: "7.30" }).reminderTime).toBe("07:30");
    const bad = settingsSchema.safeParse({ ...defaultSettings, reminderTime: "25.00" });
    expect(bad.success ? null : bad.error.issues[0].message).toBe("hospital-appointments:errors.reminderTimeFormat");
  });

  it("take a schedule's hours in either form", () => {
    const parsed = scheduleSchema.safeParse({ intent: "schedule", practitionerId: "00000000-0000-4000-8000-000000000001", serviceId: "00000000-0000-4000-8000-000000000002", branchId: "00000000-0000-4000-8000-000000000003", weekday: "1", startTime: "08.00", endTime: "12:00", slotMinutes: "15", capacity: "1" });
    if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
    expect([parsed.data.startTime, parsed.data.endTime]).toEqual(["08:00", "12:00"]);
  });
});
