// Events this plugin emits: payloads are public, versioned types for other plugins to handle.
export interface VisitEventV1 {
  version: 1;
  appointmentId: string;
  contactId: string;
  practitionerId: string;
  serviceId: string;
  branchId: string;
  /** ISO instant (UTC). */
  startAt: string;
  status: "booked" | "arrived" | "fulfilled" | "cancelled" | "noshow";
  /** What the booking came from, e.g. "hospital-referrals.referral", and its id. */
  sourceType: string | null;
  sourceId: string | null;
  /** On a booking that replaces another (reschedule): the old appointment. */
  rescheduledFromId?: string | null;
  reason?: string | null;
}

export const visitEvents = {
  booked: "appointments.visit.booked",
  cancelled: "appointments.visit.cancelled",
  arrived: "appointments.visit.arrived",
  fulfilled: "appointments.visit.fulfilled",
  noshow: "appointments.visit.noshow",
} as const;
