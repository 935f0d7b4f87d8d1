// Client-safe validation for the plugin's forms (parsed again on the server with conform).
import { isLocalDate, parseLocalTime, z } from "../../app/plugin-api/index.ts";

const uuid = z.string().uuid("hospital-appointments:errors.invalid");
const date = z.string().refine(isLocalDate, "hospital-appointments:errors.invalidDate");
// people here write 18.00; browsers' time fields send 18:00: both are read as 18:00
const time = z.string().transform((v, ctx) => parseLocalTime(v) ?? (ctx.addIssue({ code: "custom", message: "hospital-appointments:errors.invalidTime" }), z.NEVER));
const optionalText = (max: number) => z.string().trim().max(max).optional();

export const bookSchema = z.object({
  intent: z.literal("book"),
  serviceId: uuid,
  practitionerId: z.union([uuid, z.literal("any")]),
  startAt: z.string().datetime({ offset: true, message: "hospital-appointments:errors.invalid" }),
  contactId: uuid.optional(),
  rescheduleId: uuid.optional(),
  channel: z.enum(["frontdesk", "phone", "referral"]).optional(),
  source: z.string().max(200).regex(/^[a-z-]+\.[a-z-]+:[0-9a-f-]{36}$/).optional(),
  note: optionalText(500),
});

export const appointmentActionSchema = z.object({
  intent: z.enum(["cancel", "checkIn", "fulfil", "noShow"]),
  appointmentId: uuid,
  reason: optionalText(300),
});

export const serviceSchema = z.object({
  intent: z.literal("service"),
  branchId: uuid,
  code: z.string().trim().min(2, "hospital-appointments:errors.required").max(20).regex(/^[A-Z0-9-]+$/, "hospital-appointments:errors.code"),
  name: z.string().trim().min(2, "hospital-appointments:errors.required").max(100),
  nameEn: optionalText(100),
});

export const practitionerSchema = z.object({
  intent: z.literal("practitioner"),
  name: z.string().trim().min(2, "hospital-appointments:errors.required").max(100),
  specialty: optionalText(100),
  userId: uuid.optional(),
  /** NIK: 16 digits (served to SATUSEHAT as https://fhir.kemkes.go.id/id/nik). */
  nik: z
    .string()
    .trim()
    .transform((v) => v.replace(/[\s.-]/g, ""))
    .pipe(z.string().regex(/^(\d{16})?$/, "hospital-appointments:errors.nik"))
    .optional(),
  /** SATUSEHAT's practitioner IHS number (e.g. N10000001). */
  ihsNumber: z.string().trim().regex(/^([A-Za-z0-9]{1,20})?$/, "hospital-appointments:errors.ihsNumber").optional(),
});

export const scheduleSchema = z
  .object({
    intent: z.literal("schedule"),
    practitionerId: uuid,
    serviceId: uuid,
    weekday: z.coerce.number().int().min(1).max(7),
    startTime: time,
    endTime: time,
    breakStart: time.optional(),
    breakEnd: time.optional(),
    slotMinutes: z.coerce.number().int().min(5).max(240),
    capacity: z.coerce.number().int().min(1).max(50),
  })
  .refine((v) => v.startTime < v.endTime, { path: ["endTime"], message: "hospital-appointments:errors.timeOrder" })
  .refine((v) => !v.breakStart === !v.breakEnd && (!v.breakStart || (v.breakStart < v.breakEnd! && v.breakStart >= v.startTime && v.breakEnd! <= v.endTime)), {
    path: ["breakEnd"],
    message: "hospital-appointments:errors.breakOrder",
  });

export const exceptionSchema = z
  .object({
    intent: z.literal("exception"),
    kind: z.enum(["leave", "holiday"]),
    practitionerId: uuid.optional(),
    branchId: uuid.optional(),
    startDate: date,
    endDate: date,
    reason: optionalText(200),
  })
  .refine((v) => v.startDate <= v.endDate, { path: ["endDate"], message: "hospital-appointments:errors.dateOrder" })
  .refine((v) => (v.kind === "leave" ? Boolean(v.practitionerId) : Boolean(v.branchId)), { path: ["kind"], message: "hospital-appointments:errors.required" });

export const joinWaitlistSchema = z
  .object({
    intent: z.literal("waitlist"),
    serviceId: uuid,
    practitionerId: z.union([uuid, z.literal("any")]),
    dateFrom: date,
    dateTo: date.optional(),
    contactId: uuid.optional(),
  })
  .refine((v) => !v.dateTo || v.dateFrom <= v.dateTo, { path: ["dateTo"], message: "hospital-appointments:errors.dateOrder" });

/** A patient confirms they will come (the portal's "Konfirmasi kehadiran"). */
export const confirmVisitSchema = z.object({ intent: z.literal("confirm"), appointmentId: uuid });

export const waitlistActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("leaveWaitlist"), entryId: uuid }),
  z.object({ intent: z.literal("acceptOffer"), appointmentId: uuid }),
  z.object({ intent: z.literal("declineOffer"), appointmentId: uuid }),
]);

export type BookInput = z.infer<typeof bookSchema>;
