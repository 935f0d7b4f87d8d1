// Booking, rescheduling, cancelling and the visit's status lifecycle (FHIR Appointment.status:
// booked -> arrived -> fulfilled, or cancelled / noshow). Every change is one transaction that also
// writes the timeline entry, the domain event and, where the patient is told, the message.
import { and, asc, desc, eq, gte, lt, lte, ne, sql } from "drizzle-orm";
import type { Actor, Database, PluginServices } from "../../app/plugin-api/index.ts";
import { audit, pluginSettings, recordInteraction, requestSurvey, sendToContact } from "../../app/plugin-api/server.ts";
import { contacts } from "../../app/plugin-api/schema.ts";
import { daySlots, serviceWithZone } from "./availability.server.ts";
import { createLinks, retireLinks } from "./links.server.ts";
import { offerFreedSlot } from "./waitlist.server.ts";
import { appointmentSettings, eventOf, messageParams, sendConfirmation, type AppointmentStatus, type BookingError, type Result } from "./visit.server.ts";
import { visitEvents, type VisitEventV1 } from "./events.ts";
import { appointments, practitioners, services, type appointmentStatuses, type bookingChannels } from "./schema.ts";
import { pluginId, withDefaults } from "./settings.ts";
import { addDays, localDateOf, localTimeOf, zoneAbbreviation, zoneOrDefault, type TimeZone, isUuid, uniqueViolation } from "../../app/plugin-api/index.ts";

export interface BookInput {
  contactId: string;
  serviceId: string;
  /** A practitioner id, or "any" for the first free one. */
  practitionerId: string;
  startAt: Date;
  channel: (typeof bookingChannels)[number];
  sourceType?: string | null;
  sourceId?: string | null;
  note?: string | null;
  /** Replace this appointment (reschedule): it is cancelled in the same transaction. */
  rescheduleId?: string | null;
  now?: Date;
}

/**
 * Books a slot. A request that finds a seat free takes its turn on a lock of that slot (held to
 * the end of the booking's transaction) and there takes the lowest free seat, or answers slotTaken
 * when the requests before it took the last one; once the slot is full, requests answer slotTaken
 * without queueing. Before, every request waited on each seat's transaction in turn. The partial unique index (practitioner, start, seat) is what
 * guarantees one live appointment per seat; a seat taken outside the lock (a waitlist offer) is
 * looked at again. A customer books only for their own contact.
 */
export async function bookAppointment(db: Database, services_: PluginServices, actor: Actor, input: BookInput): Promise<Result<{ appointment: typeof appointments.$inferSelect }>> {
  const contactId = actor.kind === "customer" ? actor.contactId : input.contactId;
  if (!isUuid(contactId) || !isUuid(input.serviceId)) return { ok: false, error: "notFound" };
  if (actor.kind === "partner") return { ok: false, error: "notAllowed" };
  const [contact] = await db.select({ id: contacts.id, blacklisted: contacts.blacklisted, mergedIntoId: contacts.mergedIntoId }).from(contacts).where(eq(contacts.id, contactId));
  if (!contact || contact.mergedIntoId) return { ok: false, error: "notFound" };
  if (contact.blacklisted && actor.kind === "customer") return { ok: false, error: "blacklisted" };
  const service = await serviceWithZone(db, input.serviceId);
  if (!service || !service.active) return { ok: false, error: "notFound" };
  const now = input.now ?? new Date();
  if (input.startAt <= now) return { ok: false, error: "tooLate" };
  const settings = await appointmentSettings(db);
  if (actor.kind === "customer" && input.startAt.getTime() > now.getTime() + settings.horizonDays * 86_400_000) return { ok: false, error: "slotUnavailable" };

  let previous: typeof appointments.$inferSelect | null = null;
  if (input.rescheduleId) {
    previous = await ownAppointment(db, actor, input.rescheduleId);
    if (!previous) return { ok: false, error: "notFound" };
    if (previous.status !== "booked") return { ok: false, error: "wrongStatus" };
    if (actor.kind === "customer" && previous.startAt.getTime() - now.getTime() < settings.cancelCutoffHours * 3600_000) return { ok: false, error: "tooLate" };
  }

  const date = localDateOf(input.startAt, service.timeZone);
  const slots = (await daySlots(db, { date, tz: service.timeZone, serviceId: service.id })).filter(
    (s) => s.serviceId === service.id && s.startAt.getTime() === input.startAt.getTime() && (input.practitionerId === "any" || s.practitionerId === input.practitionerId),
  );
  if (slots.length === 0) return { ok: false, error: "slotUnavailable" };
  // "any doctor": the least busy slot first
  const candidates = slots.sort((a, b) => a.taken / a.capacity - b.taken / b.capacity);
  for (const slot of candidates) {
    for (let attempt = 0; attempt < slot.capacity; attempt++) {
      // full as far as committed bookings show: no need to queue for the lock
      if ((await lowestFreeSeat(db, slot)) === null) break;
      try {
        const appointment = await db.transaction(async (tx) => {
          await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`hospital-appointments.slot:${slot.practitionerId}:${slot.startAt.toISOString()}`}, 0))`);
          const seat = await lowestFreeSeat(tx, slot);
          if (seat === null) return null;
          const [row] = await tx
            .insert(appointments)
            .values({
              contactId,
              practitionerId: slot.practitionerId,
              serviceId: service.id,
              branchId: service.branchId,
              startAt: slot.startAt,
              endAt: slot.endAt,
              localDate: date,
              seat,
              queueNumber: slot.firstQueueNumber + seat - 1,
              channel: input.channel,
              sourceType: input.sourceType ?? null,
              sourceId: input.sourceId ?? null,
              note: input.note ?? null,
              bookedByUserId: actor.kind === "staff" ? actor.userId : actor.kind === "customer" ? actor.userId : null,
              rescheduledFromId: previous?.id ?? null,
            })
            .returning();
          if (previous) await cancelInTx(tx, services_, actor, previous, "rescheduled", { notify: false });
          const params = await messageParams(tx, row);
          await recordInteraction(tx, {
            contactId,
            channel: actor.kind === "customer" ? "portal" : input.channel === "phone" ? "call" : "visit",
            direction: actor.kind === "customer" ? "inbound" : "internal",
            subject: `${params.service} · ${params.doctor} · ${params.date} ${params.time} · #${row.queueNumber}`,
            staffUserId: actor.kind === "staff" ? actor.userId : null,
            branchId: row.branchId,
            sourceType: "hospital-appointments.visit",
            sourceId: row.id,
          });
          await services_.emit(tx, visitEvents.booked, eventOf(row, { rescheduledFromId: previous?.id ?? null }));
          await sendConfirmation(tx, services_, row, { template: previous ? "hospital-appointments.rescheduled" : "hospital-appointments.confirmation", params, actor });
          await audit(tx, actor, { action: previous ? "appointment.rescheduled" : "appointment.booked", entityType: "hospital-appointments.visit", entityId: row.id, data: { contactId: row.contactId } });
          return row;
        });
        if (!appointment) break; // every seat is taken: the next candidate slot
        return { ok: true, appointment };
      } catch (error) {
        const constraint = uniqueViolation(error);
        if (!constraint) throw error;
        if (constraint.includes("contact_slot")) return { ok: false, error: "alreadyBooked" };
        // the seat was taken outside the lock (a waitlist offer): look again
      }
    }
  }
  return { ok: false, error: "slotTaken" };
}

/** The lowest seat of the slot no live appointment holds, or null when all are held. */
async function lowestFreeSeat(db: Database, slot: { practitionerId: string; startAt: Date; capacity: number }): Promise<number | null> {
  const held = await db
    .select({ seat: appointments.seat })
    .from(appointments)
    .where(and(eq(appointments.practitionerId, slot.practitionerId), eq(appointments.startAt, slot.startAt), ne(appointments.status, "cancelled")));
  const taken = new Set(held.map((h) => h.seat));
  for (let seat = 1; seat <= slot.capacity; seat++) if (!taken.has(seat)) return seat;
  return null;
}

/** An appointment the actor may act on: a customer only their own contact's; staff any. */
export async function ownAppointment(db: Database, actor: Actor, appointmentId: string) {
  if (!isUuid(appointmentId)) return null;
  const where =
    actor.kind === "customer"
      ? and(eq(appointments.id, appointmentId), eq(appointments.contactId, actor.contactId))
      : actor.kind === "staff" || actor.kind === "system"
        ? eq(appointments.id, appointmentId)
        : sql`false`;
  const [row] = await db.select().from(appointments).where(where);
  return row ?? null;
}

export async function cancelInTx(
  tx: Database,
  services_: PluginServices,
  actor: Actor,
  a: typeof appointments.$inferSelect,
  reason: string,
  options: { notify: boolean; channel?: "whatsapp" | "email" | "portal"; now?: Date },
) {
  const [row] = await tx
    .update(appointments)
    .set({ status: "cancelled", cancelReason: reason, cancelledAt: new Date(), updatedAt: new Date() })
    .where(and(eq(appointments.id, a.id), eq(appointments.status, "booked")))
    .returning();
  if (!row) return null;
  await retireLinks(tx, row.id);
  await services_.emit(tx, visitEvents.cancelled, eventOf(row, { reason }));
  if (options.notify) {
    const params = await messageParams(tx, row);
    await recordInteraction(tx, {
      contactId: row.contactId,
      channel: options.channel ?? (actor.kind === "customer" ? "portal" : "note"),
      direction: options.channel || actor.kind === "customer" ? "inbound" : "internal",
      subject: `${params.service} · ${params.date} ${params.time}`,
      body: reason,
      staffUserId: actor.kind === "staff" ? actor.userId : null,
      branchId: row.branchId,
      sourceType: "hospital-appointments.visit",
      sourceId: row.id,
    });
    await sendToContact(tx, services_.jobs, { contactId: row.contactId, template: "hospital-appointments.cancelled", params, purpose: "service_messages", actor });
  }
  await audit(tx, actor, { action: "appointment.cancelled", entityType: "hospital-appointments.visit", entityId: row.id, data: { reason, contactId: row.contactId } });
  // the freed seat goes to the first patient waiting for it, held for them for a while
  await offerFreedSlot(tx, services_, row, options.now ?? new Date());
  return row;
}

/** Cancels a booked visit; patients only up to the cut-off before it. */
export async function cancelAppointment(db: Database, services_: PluginServices, actor: Actor, input: { appointmentId: string; reason?: string | null; now?: Date }): Promise<Result<object>> {
  const a = await ownAppointment(db, actor, input.appointmentId);
  if (!a) return { ok: false, error: "notFound" };
  if (a.status !== "booked") return { ok: false, error: "wrongStatus" };
  const now = input.now ?? new Date();
  if (actor.kind === "customer") {
    const settings = await appointmentSettings(db);
    if (a.startAt.getTime() - now.getTime() < settings.cancelCutoffHours * 3600_000) return { ok: false, error: "tooLate" };
  }
  const done = await db.transaction((tx) => cancelInTx(tx, services_, actor, a, input.reason?.trim() || (actor.kind === "customer" ? "patient" : "staff"), { notify: true, now }));
  return done ? { ok: true } : { ok: false, error: "wrongStatus" };
}

const transitions: Record<"checkIn" | "fulfil" | "noShow", { from: AppointmentStatus[]; to: AppointmentStatus; event: (typeof visitEvents)[keyof typeof visitEvents] }> = {
  checkIn: { from: ["booked"], to: "arrived", event: visitEvents.arrived },
  fulfil: { from: ["arrived"], to: "fulfilled", event: visitEvents.fulfilled },
  noShow: { from: ["booked"], to: "noshow", event: visitEvents.noshow },
};

/** Front desk and doctors move a visit along: check-in, done, no-show. Staff only. */
export async function changeStatus(db: Database, services_: PluginServices, actor: Actor, input: { appointmentId: string; action: keyof typeof transitions }): Promise<Result<object>> {
  if (actor.kind !== "staff" && actor.kind !== "system") return { ok: false, error: "notAllowed" };
  const a = await ownAppointment(db, actor, input.appointmentId);
  if (!a) return { ok: false, error: "notFound" };
  const step = transitions[input.action];
  if (!step.from.includes(a.status)) return { ok: false, error: "wrongStatus" };
  const now = new Date();
  const stamp = step.to === "arrived" ? { arrivedAt: now } : step.to === "fulfilled" ? { fulfilledAt: now } : { noShowAt: now };
  const changed = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(appointments)
      .set({ status: step.to, ...stamp, updatedAt: now })
      .where(and(eq(appointments.id, a.id), eq(appointments.status, a.status)))
      .returning();
    if (!row) return null;
    await services_.emit(tx, step.event, eventOf(row));
    const params = await messageParams(tx, row);
    await recordInteraction(tx, {
      contactId: row.contactId,
      channel: "visit",
      direction: "internal",
      subject: `${params.service} · ${params.doctor} · #${row.queueNumber}`,
      body: step.to,
      staffUserId: actor.kind === "staff" ? actor.userId : null,
      branchId: row.branchId,
      sourceType: "hospital-appointments.visit",
      sourceId: row.id,
    });
    if (step.to === "fulfilled") {
      // satisfaction survey after the visit (consent-checked by the core; once per visit)
      const [doctor] = await tx.select({ userId: practitioners.userId }).from(practitioners).where(eq(practitioners.id, row.practitionerId));
      await requestSurvey(tx, services_.jobs, { contactId: row.contactId, sourceType: "hospital-appointments.visit", sourceId: row.id, branchId: row.branchId, staffUserId: doctor?.userId ?? null });
    }
    await audit(tx, actor, { action: `appointment.${step.to}`, entityType: "hospital-appointments.visit", entityId: row.id, data: { contactId: row.contactId } });
    return row;
  });
  return changed ? { ok: true } : { ok: false, error: "wrongStatus" };
}

export interface VisitRow {
  id: string;
  startAt: Date;
  endAt: Date;
  localDate: string;
  queueNumber: number;
  status: AppointmentStatus;
  serviceName: string;
  practitionerName: string;
  branchName: string;
  timeZone: TimeZone;
  contactId: string;
  contactName: string;
  medicalRecordNumber: string | null;
  channel: string;
  sourceType: string | null;
  sourceId: string | null;
  confirmedAt: Date | null;
}

function visitSelect() {
  return {
    id: appointments.id,
    startAt: appointments.startAt,
    endAt: appointments.endAt,
    localDate: appointments.localDate,
    branchId: appointments.branchId,
    queueNumber: appointments.queueNumber,
    status: appointments.status,
    serviceName: services.name,
    practitionerName: practitioners.name,
    branchName: sql<string>`(select name from branches where id = ${appointments.branchId})`,
    timeZone: sql<TimeZone>`(select time_zone from branches where id = ${appointments.branchId})`,
    contactId: appointments.contactId,
    contactName: contacts.fullName,
    // the hospital's medical record number (No. RM), which the front desk and the doctor file by
    medicalRecordNumber: sql<string | null>`(select ci.value from contact_identifiers ci where ci.contact_id = ${appointments.contactId} and ci.system = 'mrn' order by ci.created_at limit 1)`,
    channel: appointments.channel,
    sourceType: appointments.sourceType,
    sourceId: appointments.sourceId,
    confirmedAt: appointments.confirmedAt,
  };
}

function visits(db: Database) {
  return db
    .select(visitSelect())
    .from(appointments)
    .innerJoin(services, eq(services.id, appointments.serviceId))
    .innerJoin(practitioners, eq(practitioners.id, appointments.practitionerId))
    .innerJoin(contacts, eq(contacts.id, appointments.contactId));
}

/** A patient's own visits: upcoming (booked/arrived, soonest first) and past (latest first). */
export async function myVisits(db: Database, actor: Extract<Actor, { kind: "customer" }>, now = new Date()) {
  const [upcoming, past] = await Promise.all([
    visits(db)
      .where(and(eq(appointments.contactId, actor.contactId), gte(appointments.endAt, now), sql`${appointments.status} in ('booked', 'arrived')`))
      .orderBy(asc(appointments.startAt))
      .limit(50),
    visits(db)
      .where(and(eq(appointments.contactId, actor.contactId), sql`(${appointments.endAt} < ${now.toISOString()}::timestamptz or ${appointments.status} not in ('booked', 'arrived'))`))
      .orderBy(desc(appointments.startAt))
      .limit(50),
  ]);
  return { upcoming, past };
}

/** Visits of a contact for staff (contact 360 panel and timeline). */
export async function visitsOfContact(db: Database, contactId: string, options: { before?: Date; limit?: number } = {}) {
  if (!isUuid(contactId)) return [];
  return visits(db)
    .where(and(eq(appointments.contactId, contactId), options.before ? lt(appointments.createdAt, options.before) : undefined))
    .orderBy(desc(appointments.startAt))
    .limit(options.limit ?? 20);
}

/** The contact 360 panel's visits: those still to come (today's first), then the latest past ones, five in all. */
export async function panelVisits(db: Database, contactId: string, now = new Date(), limit = 5) {
  if (!isUuid(contactId)) return [];
  const upcoming = await visits(db)
    .where(and(eq(appointments.contactId, contactId), sql`${appointments.status} in ('booked', 'arrived')`, gte(appointments.localDate, addDays(now.toISOString().slice(0, 10), -1))))
    .orderBy(asc(appointments.startAt))
    .limit(limit);
  if (upcoming.length >= limit) return upcoming;
  const shown = new Set(upcoming.map((v) => v.id));
  const past = await visits(db)
    .where(and(eq(appointments.contactId, contactId), lt(appointments.startAt, now)))
    .orderBy(desc(appointments.startAt))
    .limit(limit);
  return [...upcoming, ...past.filter((v) => !shown.has(v.id)).slice(0, limit - upcoming.length)];
}

/** A contact's booked visits on the day `now` falls on in each visit's branch (what the front desk can check in). */
export async function bookedVisitsToday(db: Database, contactId: string, now = new Date()) {
  if (!isUuid(contactId)) return [];
  // every branch's day lies within a day either side of the UTC date
  const around = [addDays(now.toISOString().slice(0, 10), -1), addDays(now.toISOString().slice(0, 10), 1)];
  const rows = await visits(db)
    .where(and(eq(appointments.contactId, contactId), eq(appointments.status, "booked"), gte(appointments.localDate, around[0]), lte(appointments.localDate, around[1])))
    .orderBy(asc(appointments.startAt));
  return rows.filter((v) => v.localDate === localDateOf(now, v.timeZone));
}

/** The front-desk day view of one branch: every visit of the date, in time and queue order. */
export async function branchDay(db: Database, input: { branchId: string; date: string; practitionerId?: string | null }) {
  if (!isUuid(input.branchId)) return [];
  return visits(db)
    .where(
      and(
        eq(appointments.branchId, input.branchId),
        eq(appointments.localDate, input.date),
        ne(appointments.status, "cancelled"),
        isUuid(input.practitionerId) ? eq(appointments.practitionerId, input.practitionerId) : undefined,
      ),
    )
    .orderBy(asc(appointments.startAt), asc(appointments.queueNumber));
}

/** The doctor's own list for a date: the practitioner linked to the signed-in staff user. */
export async function doctorDay(db: Database, actor: Extract<Actor, { kind: "staff" }>, date: string) {
  const [me] = await db.select({ id: practitioners.id, name: practitioners.name }).from(practitioners).where(eq(practitioners.userId, actor.userId));
  if (!me) return { practitioner: null, visits: [] as VisitRow[] };
  const rows = await visits(db)
    .where(and(eq(appointments.practitionerId, me.id), eq(appointments.localDate, date), ne(appointments.status, "cancelled")))
    .orderBy(asc(appointments.queueNumber));
  return { practitioner: me, visits: rows };
}

/** The job: booked visits whose slot ended more than the grace period ago become no-shows. */
export async function recordNoShows(db: Database, services_: PluginServices, now = new Date()) {
  const settings = await appointmentSettings(db);
  const cutoff = new Date(now.getTime() - settings.noShowGraceMinutes * 60_000);
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(appointments)
      .set({ status: "noshow", noShowAt: now, updatedAt: now })
      .where(and(eq(appointments.status, "booked"), lt(appointments.endAt, cutoff)))
      .returning();
    for (const row of rows) {
      await services_.emit(tx, visitEvents.noshow, eventOf(row));
      await recordInteraction(tx, {
        contactId: row.contactId,
        channel: "visit",
        direction: "internal",
        subject: `#${row.queueNumber}`,
        body: "noshow",
        branchId: row.branchId,
        sourceType: "hospital-appointments.visit",
        sourceId: row.id,
      });
    }
    return rows.length;
  });
}

/**
 * The job: reminders the day before, at the configured wall-clock time in the branch's zone.
 * Each visit is reminded once (reminder_sent_at), by the patient's consented channel.
 */
export async function sendDueReminders(db: Database, services_: PluginServices, now = new Date()) {
  const settings = await appointmentSettings(db);
  const due = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.status, "booked"),
        sql`${appointments.reminderSentAt} is null`,
        sql`${appointments.startAt} > ${now.toISOString()}::timestamptz`,
        // (visit date - 1 day + reminder time) in the branch zone has passed
        sql`((${appointments.localDate} - 1) + ${settings.reminderTime}::time) at time zone (select time_zone from branches where id = ${appointments.branchId}) <= ${now.toISOString()}::timestamptz`,
      ),
    )
    .limit(500);
  let sent = 0;
  for (const { id } of due) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(appointments)
        .set({ reminderSentAt: now })
        .where(and(eq(appointments.id, id), sql`${appointments.reminderSentAt} is null`))
        .returning();
      if (!row) return;
      const params = await messageParams(tx, row);
      const links = await createLinks(tx, services_, row.id, ["confirm", "cancel"], row.startAt);
      const result = await sendToContact(tx, services_.jobs, {
        contactId: row.contactId,
        template: "hospital-appointments.reminder",
        params: { ...params, confirmUrl: links.confirm, cancelUrl: links.cancel },
        purpose: "service_messages",
      });
      if (result.status === "queued") {
        sent++;
        await tx.update(appointments).set({ reminderMessageId: result.messageId }).where(eq(appointments.id, row.id));
      }
    });
  }
  return sent;
}

/** When the core merges two contacts, the merged one's visits move to the kept one. */
export async function reassignVisits(db: Database, from: string, to: string) {
  if (!isUuid(from) || !isUuid(to)) return;
  // a visit both held for the same slot would break the per-patient index: cancel the duplicate
  await db.execute(sql`update ${appointments} a set status = 'cancelled', cancel_reason = 'merged', cancelled_at = now()
    where a.contact_id = ${from} and a.status <> 'cancelled' and exists (select 1 from ${appointments} b where b.contact_id = ${to}
      and b.practitioner_id = a.practitioner_id and b.start_at = a.start_at and b.status <> 'cancelled')`);
  await db.update(appointments).set({ contactId: to, updatedAt: new Date() }).where(eq(appointments.contactId, from));
}
