import { parseTypedTime, z } from "../../app/plugin-api/index.ts";

export const pluginId = "hospital-appointments";

export const settingsSchema = z.object({
  /** Wall-clock time in the branch zone, the day before the visit, when the reminder goes out. */
  reminderTime: z.string().transform((v, ctx) => parseTypedTime(v) ?? (ctx.addIssue({ code: "custom", message: "hospital-appointments:errors.reminderTimeFormat" }), z.NEVER)),
  /** Patients may cancel or reschedule in the portal until this many hours before the visit. */
  cancelCutoffHours: z.coerce.number().int().min(0).max(168),
  /** A booked visit not checked in this long after its slot ended becomes a no-show. */
  noShowGraceMinutes: z.coerce.number().int().min(0).max(1440),
  /** How many days ahead patients may book. */
  horizonDays: z.coerce.number().int().min(1).max(180),
  /** A freed slot offered to a waitlisted patient is held for them this long before it goes to the next. */
  waitlistHoldMinutes: z.coerce.number().int().min(5).max(1440),
});
export type AppointmentSettings = z.infer<typeof settingsSchema>;

export const defaultSettings: AppointmentSettings = { reminderTime: "18:00", cancelCutoffHours: 2, noShowGraceMinutes: 30, horizonDays: 30, waitlistHoldMinutes: 30 };

export function withDefaults(saved: Record<string, unknown>): AppointmentSettings {
  const parsed = settingsSchema.partial().safeParse(saved);
  return { ...defaultSettings, ...(parsed.success ? parsed.data : {}) };
}
