// The waitlist: patients waiting for a slot of a service (one doctor or any) in a date range. When a
// booked visit is cancelled or moved and its slot is still ahead, the seat is offered to the first
// matching patient (first come, first served) and HELD for them: a `proposed` appointment occupies
// the seat under the same partial unique index as a booking, so nobody else can take it. Accepting
// turns it into a booking; declining or letting the hold run out releases it to the next patient,
// and when nobody is left the slot is simply free again.
import { and, asc, eq, gt, lte, sql } from "drizzle-orm";
import type { Actor, Database, PluginServices } from "../../app/plugin-api/index.ts";
import { audit, branchTimeZone, recordInteraction, sendToContact } from "../../app/plugin-api/server.ts";
import { branches, contacts } from "../../app/plugin-api/schema.ts";
import { practitionersOfService, serviceWithZone } from "./availability.server.ts";
import { appointmentSettings, eventOf, messageParams, sendConfirmation, type Result } from "./visit.server.ts";
import { visitEvents } from "./events.ts";
import { createLinks, retireLinks } from "./links.server.ts";
import { appointments, practitioners, services, waitlistEntries } from "./schema.ts";
import { addDays, isLocalDate, isUuid, localDateOf, localTimeOf, uniqueViolation, zoneAbbreviation, type TimeZone } from "../../app/plugin-api/index.ts";
import { formatLocalTime } from "../../app/plugin-api/ui.ts";

type Appointment = typeof appointments.$inferSelect;

/** Longest date range one waitlist entry may cover. */
export const maxWaitlistDays = 31;

export interface JoinWaitlistInput {
  contactId: string;
  serviceId: string;
  /** A practitioner id, or "any". */
  practitionerId: string;
  dateFrom: string;
  dateTo?: string | null;
  now?: Date;
}

/** Puts a patient on the waitlist of a service; a customer only themself, once per service at a time. */
export async function joinWaitlist(db: Database, actor: Actor, input: JoinWaitlistInput): Promise<Result<{ entry: typeof waitlistEntries.$inferSelect }>> {
  if (actor.kind === "partner") return { ok: false, error: "notAllowed" };
  const contactId = actor.kind === "customer" ? actor.contactId : input.contactId;
  if (!isUuid(contactId) || !isUuid(input.serviceId)) return { ok: false, error: "notFound" };
  const [contact] = await db.select({ blacklisted: contacts.blacklisted, mergedIntoId: contacts.mergedIntoId }).from(contacts).where(eq(contacts.id, contactId));
  if (!contact || contact.mergedIntoId) return { ok: false, error: "notFound" };
  if (contact.blacklisted && actor.kind === "customer") return { ok: false, error: "blacklisted" };
  const service = await serviceWithZone(db, input.serviceId);
  if (!service || !service.active) return { ok: false, error: "notFound" };
  let practitionerId: string | null = null;
  if (input.practitionerId !== "any") {
    const doctors = await practitionersOfService(db, service.id);
    if (!doctors.some((d) => d.id === input.practitionerId)) return { ok: false, error: "notFound" };
    practitionerId = input.practitionerId;
  }
  const dateTo = input.dateTo || input.dateFrom;
  const settings = await appointmentSettings(db);
  const today = localDateOf(input.now ?? new Date(), service.timeZone);
  if (!isLocalDate(input.dateFrom) || !isLocalDate(dateTo) || dateTo < input.dateFrom) return { ok: false, error: "invalid" };
  if (input.dateFrom < today || dateTo > addDays(today, settings.horizonDays) || dateTo > addDays(input.dateFrom, maxWaitlistDays - 1)) return { ok: false, error: "invalid" };
  try {
    const entry = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(waitlistEntries)
        .values({
          contactId,
          serviceId: service.id,
          practitionerId,
          dateFrom: input.dateFrom,
          dateTo,
          channel: actor.kind === "customer" ? "portal" : "frontdesk",
          createdByUserId: actor.kind === "staff" || actor.kind === "customer" ? actor.userId : null,
        })
        .returning();
      await recordInteraction(tx, {
        contactId,
        channel: actor.kind === "customer" ? "portal" : "note",
        direction: actor.kind === "customer" ? "inbound" : "internal",
        subject: `${service.name} · ${input.dateFrom}${dateTo !== input.dateFrom ? ` – ${dateTo}` : ""}`,
        body: "waitlist",
        staffUserId: actor.kind === "staff" ? actor.userId : null,
        branchId: service.branchId,
        sourceType: "hospital-appointments.waitlist",
        sourceId: row.id,
      });
      await audit(tx, actor, { action: "waitlist.joined", entityType: "hospital-appointments.waitlist", entityId: row.id, data: { contactId: row.contactId } });
      return row;
    });
    return { ok: true, entry };
  } catch (error) {
    if (uniqueViolation(error)) return { ok: false, error: "alreadyWaiting" };
    throw error;
  }
}

/** Takes a patient off the waitlist; a slot being held for them is released to the next patient. */
export async function leaveWaitlist(db: Database, services_: PluginServices, actor: Actor, input: { entryId: string; now?: Date }): Promise<Result<object>> {
  if (!isUuid(input.entryId) || actor.kind === "partner") return { ok: false, error: "notFound" };
  const now = input.now ?? new Date();
  const left = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(waitlistEntries)
      .set({ status: "left", updatedAt: now })
      .where(
        and(
          eq(waitlistEntries.id, input.entryId),
          eq(waitlistEntries.status, "waiting"),
          actor.kind === "customer" ? eq(waitlistEntries.contactId, actor.contactId) : undefined,
        ),
      )
      .returning();
    if (!row) return null;
    const held = await tx.select().from(appointments).where(and(eq(appointments.waitlistEntryId, row.id), eq(appointments.status, "proposed")));
    for (const offer of held) await releaseOffer(tx, services_, offer, "left", now);
    await audit(tx, actor, { action: "waitlist.left", entityType: "hospital-appointments.waitlist", entityId: row.id, data: { contactId: row.contactId } });
    return row;
  });
  return left ? { ok: true } : { ok: false, error: "notFound" };
}

/**
 * Offers a freed seat (the cancelled or released appointment `freed`) to the first matching waiting
 * patient, in the caller's transaction. Skipped: the past, patients who already hold that slot, who
 * were offered this very slot before, or who have an offer pending. Entries are locked (SKIP LOCKED)
 * so two releases at once never offer two slots to one patient.
 */
export async function offerFreedSlot(tx: Database, services_: PluginServices, freed: Appointment, now = new Date()) {
  if (freed.startAt.getTime() <= now.getTime()) return null;
  const candidates = await tx
    .select({ id: waitlistEntries.id, contactId: waitlistEntries.contactId })
    .from(waitlistEntries)
    .innerJoin(contacts, eq(contacts.id, waitlistEntries.contactId))
    .where(
      and(
        eq(waitlistEntries.status, "waiting"),
        eq(waitlistEntries.serviceId, freed.serviceId),
        sql`(${waitlistEntries.practitionerId} is null or ${waitlistEntries.practitionerId} = ${freed.practitionerId})`,
        lte(waitlistEntries.dateFrom, freed.localDate),
        sql`${waitlistEntries.dateTo} >= ${freed.localDate}`,
        sql`${contacts.mergedIntoId} is null and not ${contacts.blacklisted}`,
        sql`${waitlistEntries.contactId} <> ${freed.contactId}`,
        sql`not exists (select 1 from ${appointments} a where a.waitlist_entry_id = ${waitlistEntries.id}
              and (a.status = 'proposed' or (a.practitioner_id = ${freed.practitionerId} and a.start_at = ${freed.startAt.toISOString()}::timestamptz)))`,
        sql`not exists (select 1 from ${appointments} a where a.contact_id = ${waitlistEntries.contactId}
              and a.practitioner_id = ${freed.practitionerId} and a.start_at = ${freed.startAt.toISOString()}::timestamptz and a.status <> 'cancelled')`,
      ),
    )
    .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
    .limit(5)
    .for("update", { of: waitlistEntries, skipLocked: true });
  if (candidates.length === 0) return null;
  const settings = await appointmentSettings(tx);
  const holdExpiresAt = new Date(Math.min(now.getTime() + settings.waitlistHoldMinutes * 60_000, freed.startAt.getTime()));
  for (const candidate of candidates) {
    let offer: Appointment | null = null;
    try {
      offer = await tx.transaction(async (sp) => {
        const [row] = await sp
          .insert(appointments)
          .values({
            contactId: candidate.contactId,
            practitionerId: freed.practitionerId,
            serviceId: freed.serviceId,
            branchId: freed.branchId,
            startAt: freed.startAt,
            endAt: freed.endAt,
            localDate: freed.localDate,
            seat: freed.seat,
            queueNumber: freed.queueNumber,
            status: "proposed",
            channel: "waitlist",
            waitlistEntryId: candidate.id,
            holdExpiresAt,
          })
          .returning();
        return row;
      });
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (!constraint) throw error;
      // the seat itself was taken again: nothing to offer; the patient holds that slot: try the next one
      if (constraint.includes("slot_seat")) return null;
      continue;
    }
    const params = await messageParams(tx, offer);
    const tz = await branchTimeZone(tx, offer.branchId);
    const links = await createLinks(tx, services_, offer.id, ["accept", "decline"], holdExpiresAt);
    await recordInteraction(tx, {
      contactId: offer.contactId,
      channel: "note",
      direction: "internal",
      subject: `${params.service} · ${params.doctor} · ${params.date} ${params.time}`,
      body: "waitlist offer",
      branchId: offer.branchId,
      sourceType: "hospital-appointments.visit",
      sourceId: offer.id,
    });
    await sendToContact(tx, services_.jobs, {
      contactId: offer.contactId,
      template: "hospital-appointments.waitlistOffer",
      params: {
        ...params,
        holdUntil: `${formatLocalTime(localTimeOf(holdExpiresAt, tz), "id")} ${zoneAbbreviation(tz)}`,
        holdUntilEn: `${formatLocalTime(localTimeOf(holdExpiresAt, tz), "en")} ${zoneAbbreviation(tz)}`,
        acceptUrl: links.accept,
        declineUrl: links.decline,
      },
      purpose: "service_messages",
    });
    await audit(tx, { kind: "system" }, { action: "appointment.offered", entityType: "hospital-appointments.visit", entityId: offer.id, data: { contactId: offer.contactId, waitlistEntryId: candidate.id, holdExpiresAt: holdExpiresAt.toISOString() } });
    return offer;
  }
  return null;
}

/** Releases a held seat (declined, expired, left the list) and offers it to the next patient. */
async function releaseOffer(tx: Database, services_: PluginServices, offer: Appointment, reason: "declined" | "hold_expired" | "left", now: Date) {
  const [row] = await tx
    .update(appointments)
    .set({ status: "cancelled", cancelReason: reason, cancelledAt: now, updatedAt: now })
    .where(and(eq(appointments.id, offer.id), eq(appointments.status, "proposed")))
    .returning();
  if (!row) return null;
  await retireLinks(tx, row.id, now);
  await recordInteraction(tx, {
    contactId: row.contactId,
    channel: "note",
    direction: reason === "declined" ? "inbound" : "internal",
    subject: `#${row.queueNumber} · ${row.localDate}`,
    body: `waitlist offer ${reason}`,
    branchId: row.branchId,
    sourceType: "hospital-appointments.visit",
    sourceId: row.id,
  });
  await audit(tx, { kind: "system" }, { action: `appointment.offer_${reason}`, entityType: "hospital-appointments.visit", entityId: row.id, data: { contactId: row.contactId } });
  await offerFreedSlot(tx, services_, row, now);
  return row;
}

/** An offer the actor may answer: a customer only their own; `null` actor = the bearer of its link (checked by the caller). */
async function heldOffer(tx: Database, actor: Actor | null, appointmentId: string) {
  if (!isUuid(appointmentId) || actor?.kind === "partner") return null;
  const [row] = await tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.id, appointmentId), actor?.kind === "customer" ? eq(appointments.contactId, actor.contactId) : undefined))
    .for("update");
  return row ?? null;
}

/**
 * Accepts a held slot: it becomes a booking with its queue number and a confirmation. Refused once
 * the hold has run out (even before the job released it) or when it was released.
 */
export async function acceptOfferInTx(tx: Database, services_: PluginServices, actor: Actor | null, appointmentId: string, now = new Date()): Promise<Result<{ appointment: Appointment }>> {
  const offer = await heldOffer(tx, actor, appointmentId);
  if (!offer) return { ok: false, error: "notFound" };
  if (offer.status !== "proposed") return { ok: false, error: offer.cancelReason === "hold_expired" ? "tooLate" : "wrongStatus" };
  if (!offer.holdExpiresAt || offer.holdExpiresAt.getTime() <= now.getTime()) return { ok: false, error: "tooLate" };
  const [row] = await tx
    .update(appointments)
    .set({ status: "booked", holdExpiresAt: null, updatedAt: now })
    .where(and(eq(appointments.id, offer.id), eq(appointments.status, "proposed"), gt(appointments.holdExpiresAt, now)))
    .returning();
  if (!row) return { ok: false, error: "tooLate" };
  await retireLinks(tx, row.id, now);
  if (row.waitlistEntryId) {
    await tx.update(waitlistEntries).set({ status: "booked", appointmentId: row.id, updatedAt: now }).where(eq(waitlistEntries.id, row.waitlistEntryId));
  }
  const params = await messageParams(tx, row);
  await recordInteraction(tx, {
    contactId: row.contactId,
    channel: actor?.kind === "customer" ? "portal" : "note",
    direction: "inbound",
    subject: `${params.service} · ${params.doctor} · ${params.date} ${params.time} · #${row.queueNumber}`,
    body: "waitlist offer accepted",
    branchId: row.branchId,
    sourceType: "hospital-appointments.visit",
    sourceId: row.id,
  });
  await services_.emit(tx, visitEvents.booked, eventOf(row));
  await sendConfirmation(tx, services_, row, { template: "hospital-appointments.confirmation", params, actor });
  await audit(tx, actor ?? { kind: "system" }, { action: "appointment.booked", entityType: "hospital-appointments.visit", entityId: row.id, data: { from: "waitlist", contactId: row.contactId } });
  return { ok: true, appointment: row };
}

/** Declines a held slot: released at once to the next patient. */
export async function declineOfferInTx(tx: Database, services_: PluginServices, actor: Actor | null, appointmentId: string, now = new Date()): Promise<Result<object>> {
  const offer = await heldOffer(tx, actor, appointmentId);
  if (!offer) return { ok: false, error: "notFound" };
  if (offer.status !== "proposed") return { ok: false, error: "wrongStatus" };
  const released = await releaseOffer(tx, services_, offer, "declined", now);
  return released ? { ok: true } : { ok: false, error: "wrongStatus" };
}

/** For the patient portal: accept or decline one's own offer. */
export async function answerOffer(db: Database, services_: PluginServices, actor: Extract<Actor, { kind: "customer" }>, input: { appointmentId: string; accept: boolean; now?: Date }) {
  return db.transaction((tx) => (input.accept ? acceptOfferInTx(tx, services_, actor, input.appointmentId, input.now) : declineOfferInTx(tx, services_, actor, input.appointmentId, input.now)));
}

/** The job (every minute): holds that ran out are released and go to the next patient. */
export async function releaseExpiredHolds(db: Database, services_: PluginServices, now = new Date()) {
  const due = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(and(eq(appointments.status, "proposed"), lte(appointments.holdExpiresAt, now)))
    .orderBy(asc(appointments.holdExpiresAt))
    .limit(200);
  let released = 0;
  for (const { id } of due) {
    await db.transaction(async (tx) => {
      const [offer] = await tx.select().from(appointments).where(and(eq(appointments.id, id), eq(appointments.status, "proposed"), lte(appointments.holdExpiresAt, now))).for("update", { skipLocked: true });
      if (offer && (await releaseOffer(tx, services_, offer, "hold_expired", now))) released++;
    });
  }
  return released;
}

/** A patient's waitlist entries and the slots held for them, for /portal/appointments. */
export async function myWaitlist(db: Database, contactId: string, now = new Date()) {
  if (!isUuid(contactId)) return { entries: [], offers: [] };
  const [entries, offers] = await Promise.all([
    db
      .select({
        id: waitlistEntries.id,
        serviceName: services.name,
        serviceNameEn: services.nameEn,
        practitionerName: practitioners.name,
        dateFrom: waitlistEntries.dateFrom,
        dateTo: waitlistEntries.dateTo,
        createdAt: waitlistEntries.createdAt,
      })
      .from(waitlistEntries)
      .innerJoin(services, eq(services.id, waitlistEntries.serviceId))
      .leftJoin(practitioners, eq(practitioners.id, waitlistEntries.practitionerId))
      .where(and(eq(waitlistEntries.contactId, contactId), eq(waitlistEntries.status, "waiting")))
      .orderBy(asc(waitlistEntries.createdAt)),
    db
      .select({
        id: appointments.id,
        startAt: appointments.startAt,
        queueNumber: appointments.queueNumber,
        holdExpiresAt: appointments.holdExpiresAt,
        serviceName: services.name,
        practitionerName: practitioners.name,
        branchName: sql<string>`(select name from branches where id = ${appointments.branchId})`,
        timeZone: sql<TimeZone>`(select time_zone from branches where id = ${appointments.branchId})`,
      })
      .from(appointments)
      .innerJoin(services, eq(services.id, appointments.serviceId))
      .innerJoin(practitioners, eq(practitioners.id, appointments.practitionerId))
      .where(and(eq(appointments.contactId, contactId), eq(appointments.status, "proposed"), gt(appointments.holdExpiresAt, now)))
      .orderBy(asc(appointments.startAt)),
  ]);
  return { entries, offers };
}
