// Events this plugin emits (ADR 012): defined here, once, with their version and schema. Other
// plugins handle them by name and get the payload typed through EventMap, without importing this file.
import { defineEvent, z } from "../../app/plugin-api/index.ts";

const visitEventSchema = z.object({
  version: z.literal(1),
  appointmentId: z.string().uuid(),
  contactId: z.string().uuid(),
  practitionerId: z.string().uuid(),
  serviceId: z.string().uuid(),
  branchId: z.string().uuid(),
  /** ISO instant (UTC). */
  startAt: z.string(),
  status: z.enum(["booked", "arrived", "fulfilled", "cancelled", "noshow"]),
  /** What the booking came from, e.g. "hospital-referrals.referral", and its id. */
  sourceType: z.string().nullable(),
  sourceId: z.string().nullable(),
  /** On a booking that replaces another (reschedule): the old appointment. */
  rescheduledFromId: z.string().uuid().nullable().optional(),
  reason: z.string().nullable().optional(),
});
export type VisitEventV1 = z.output<typeof visitEventSchema>;

export const visitBookedEvent = defineEvent("appointments.visit.booked", 1, visitEventSchema);
export const visitCancelledEvent = defineEvent("appointments.visit.cancelled", 1, visitEventSchema);
export const visitArrivedEvent = defineEvent("appointments.visit.arrived", 1, visitEventSchema);
export const visitFulfilledEvent = defineEvent("appointments.visit.fulfilled", 1, visitEventSchema);
export const visitNoshowEvent = defineEvent("appointments.visit.noshow", 1, visitEventSchema);

export const visitEvents = {
  booked: visitBookedEvent,
  cancelled: visitCancelledEvent,
  arrived: visitArrivedEvent,
  fulfilled: visitFulfilledEvent,
  noshow: visitNoshowEvent,
} as const;

declare global {
  interface NusaEventMap {
    "appointments.visit.booked": typeof visitBookedEvent;
    "appointments.visit.cancelled": typeof visitCancelledEvent;
    "appointments.visit.arrived": typeof visitArrivedEvent;
    "appointments.visit.fulfilled": typeof visitFulfilledEvent;
    "appointments.visit.noshow": typeof visitNoshowEvent;
  }
}
