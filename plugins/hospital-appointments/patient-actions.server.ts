// What a patient does from a message, without signing in: taps a link (confirm / cancel a visit,
// accept / decline an offered slot) or replies on WhatsApp ("1" / "2", or a quick-reply button).
// Confirming twice, or a webhook delivered twice, changes nothing the second time.
import { and, asc, eq, gt, or, sql } from "drizzle-orm";
import type { Actor, Database, DomainEvent, PluginServices, WhatsAppReceivedV1 } from "../../app/plugin-api/index.ts";
import { audit, recordInteraction, sendToContact } from "../../app/plugin-api/server.ts";
import { branches, contacts } from "../../app/plugin-api/schema.ts";
import { cancelInTx, ownAppointment } from "./booking.server.ts";
import { appointmentSettings, messageParams, type BookingError } from "./visit.server.ts";
import { inspectLink, useLink, type LinkAction, type LinkState } from "./links.server.ts";
import { appointments, practitioners, services } from "./schema.ts";
import { acceptOfferInTx, declineOfferInTx } from "./waitlist.server.ts";
import type { TimeZone } from "../../app/plugin-api/index.ts";

type Appointment = typeof appointments.$inferSelect;
type Via = "whatsapp" | "email" | "portal";

/** Records that the patient will come; false when it was already confirmed or is no longer booked. */
export async function confirmVisitInTx(tx: Database, a: Appointment, via: Via, now = new Date()) {
  const [row] = await tx
    .update(appointments)
    .set({ confirmedAt: now, updatedAt: now })
    .where(and(eq(appointments.id, a.id), eq(appointments.status, "booked"), sql`${appointments.confirmedAt} is null`))
    .returning();
  if (!row) return false;
  await recordInteraction(tx, {
    contactId: row.contactId,
    channel: via,
    direction: "inbound",
    subject: `#${row.queueNumber} · ${row.localDate}`,
    body: "confirmed",
    branchId: row.branchId,
    sourceType: "hospital-appointments.visit",
    sourceId: row.id,
  });
  await audit(tx, { kind: "system" }, { action: "appointment.confirmed", entityType: "hospital-appointments.visit", entityId: row.id, data: { via, contactId: row.contactId } });
  return true;
}

/** A signed-in patient confirms their own booked visit in the portal; confirming twice changes nothing. */
export async function confirmOwnVisit(db: Database, actor: Extract<Actor, { kind: "customer" }>, appointmentId: string, now = new Date()): Promise<{ ok: true } | { ok: false; error: BookingError }> {
  const own = await ownAppointment(db, actor, appointmentId);
  if (!own) return { ok: false, error: "notFound" };
  return db.transaction(async (tx) => {
    const [a] = await tx.select().from(appointments).where(eq(appointments.id, own.id)).for("update");
    if (!a || a.status !== "booked") return { ok: false as const, error: "wrongStatus" as const };
    if (!a.confirmedAt) await confirmVisitInTx(tx, a, "portal", now);
    return { ok: true as const };
  });
}

/** A patient's own cancellation from a message: the portal's cut-off applies. */
async function patientCancelInTx(tx: Database, services_: PluginServices, a: Appointment, via: Via, now: Date): Promise<BookingError | null> {
  if (a.status !== "booked") return "wrongStatus";
  const settings = await appointmentSettings(tx);
  if (a.startAt.getTime() - now.getTime() < settings.cancelCutoffHours * 3600_000) return "tooLate";
  const done = await cancelInTx(tx, services_, { kind: "system" }, a, "patient", { notify: true, channel: via, now });
  return done ? null : "wrongStatus";
}

// ---- links --------------------------------------------------------------------------------

export interface LinkVisit {
  action: LinkAction;
  status: Appointment["status"];
  startAt: Date;
  timeZone: TimeZone;
  queueNumber: number;
  serviceName: string;
  serviceNameEn: string | null;
  practitionerName: string;
  branchName: string;
  confirmedAt: Date | null;
  holdExpiresAt: Date | null;
  language: "id" | "en";
}

/** The page behind a link (GET): its state and the visit, changing nothing. */
export async function linkPage(db: Database, token: string, now = new Date()): Promise<{ state: LinkState; visit: LinkVisit | null }> {
  const { state, link } = await inspectLink(db, token, now);
  if (!link) return { state, visit: null };
  const [visit] = await db
    .select({
      status: appointments.status,
      startAt: appointments.startAt,
      timeZone: branches.timeZone,
      queueNumber: appointments.queueNumber,
      serviceName: services.name,
      serviceNameEn: services.nameEn,
      practitionerName: practitioners.name,
      branchName: branches.name,
      confirmedAt: appointments.confirmedAt,
      holdExpiresAt: appointments.holdExpiresAt,
      language: contacts.preferredLocale,
    })
    .from(appointments)
    .innerJoin(services, eq(services.id, appointments.serviceId))
    .innerJoin(practitioners, eq(practitioners.id, appointments.practitionerId))
    .innerJoin(branches, eq(branches.id, appointments.branchId))
    .innerJoin(contacts, eq(contacts.id, appointments.contactId))
    .where(eq(appointments.id, link.appointmentId));
  if (!visit) return { state: "invalid", visit: null };
  return { state, visit: { ...visit, action: link.action, timeZone: visit.timeZone as TimeZone } };
}

export type LinkOutcome = { ok: true; action: LinkAction } | { ok: false; state: LinkState | BookingError };

class Refused extends Error {
  constructor(readonly reason: BookingError) {
    super(reason);
  }
}

/** The link's action (POST), once: the link is used up in the same transaction as the change. */
export async function followLink(db: Database, services_: PluginServices, token: string, now = new Date()): Promise<LinkOutcome> {
  try {
    return await db.transaction(async (tx) => {
      const link = await useLink(tx, token, now);
      if (!link) {
        const { state } = await inspectLink(tx, token, now);
        return { ok: false as const, state };
      }
      const [a] = await tx.select().from(appointments).where(eq(appointments.id, link.appointmentId)).for("update");
      if (!a) return { ok: false as const, state: "invalid" as const };
      let error: BookingError | null = null;
      if (link.action === "confirm") {
        if (a.status !== "booked") error = "wrongStatus";
        else await confirmVisitInTx(tx, a, "portal", now);
      } else if (link.action === "cancel") {
        error = await patientCancelInTx(tx, services_, a, "portal", now);
      } else if (link.action === "accept") {
        const result = await acceptOfferInTx(tx, services_, null, a.id, now);
        if (!result.ok) error = result.error;
      } else {
        const result = await declineOfferInTx(tx, services_, null, a.id, now);
        if (!result.ok) error = result.error;
      }
      // nothing changed: roll back so the link is not spent on a refusal
      if (error) throw new Refused(error);
      return { ok: true as const, action: link.action };
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, state: error.reason };
    throw error;
  }
}

// ---- WhatsApp replies -----------------------------------------------------------------------

const confirmWords = new Set(["1", "ya", "iya", "y", "yes", "konfirmasi", "confirm", "hadir", "ok"]);
const cancelWords = new Set(["2", "batal", "cancel", "batalkan", "no", "tidak"]);

/** What a reply means: "confirm", "cancel", or null (left for staff). Buttons' payloads and words alike. */
export function replyIntent(text: string | null, buttonPayload: string | null): "confirm" | "cancel" | null {
  for (const raw of [buttonPayload, text]) {
    if (!raw) continue;
    const word = raw
      .toLowerCase()
      .replace(/^hospital-appointments[.:]/, "")
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
    if (confirmWords.has(word)) return "confirm";
    if (cancelWords.has(word)) return "cancel";
  }
  return null;
}

/** The visit a reply is about: the one whose confirmation or reminder it quotes, else the next one we messaged about. */
async function visitRepliedTo(tx: Database, contactId: string, contextMessageId: string | null, now: Date) {
  const base = and(eq(appointments.contactId, contactId), eq(appointments.status, "booked"), gt(appointments.startAt, now));
  if (contextMessageId) {
    const [quoted] = await tx
      .select()
      .from(appointments)
      .where(and(base, or(eq(appointments.confirmationMessageId, contextMessageId), eq(appointments.reminderMessageId, contextMessageId))))
      .for("update");
    if (quoted) return quoted;
  }
  const [next] = await tx
    .select()
    .from(appointments)
    .where(and(base, sql`(${appointments.reminderSentAt} is not null or ${appointments.confirmationMessageId} is not null)`))
    .orderBy(asc(appointments.startAt))
    .limit(1)
    .for("update");
  return next ?? null;
}

/** Handles `core.whatsapp.received`: "1"/"YA" confirms, "2"/"BATAL" cancels, and the patient gets a short answer. */
export async function handleWhatsAppReply(event: DomainEvent<WhatsAppReceivedV1>, ctx: { db: Database; services: PluginServices }, now = new Date()) {
  const payload = event.payload;
  const intent = replyIntent(payload.text ?? null, payload.buttonPayload ?? null);
  if (!intent) return; // on the timeline already: staff answer it
  const visit = await visitRepliedTo(ctx.db, payload.contactId, payload.contextMessageId ?? null, now);
  if (!visit) return;
  const system: Actor = { kind: "system" };
  if (intent === "confirm") {
    if (await confirmVisitInTx(ctx.db, visit, "whatsapp", now)) {
      const [row] = await ctx.db.select().from(appointments).where(eq(appointments.id, visit.id));
      await sendToContact(ctx.db, ctx.services.jobs, { contactId: visit.contactId, template: "hospital-appointments.replyConfirmed", params: await messageParams(ctx.db, row), purpose: "service_messages", actor: system });
    }
    return;
  }
  const error = await patientCancelInTx(ctx.db, ctx.services, visit, "whatsapp", now);
  if (error === "tooLate") {
    const settings = await appointmentSettings(ctx.db);
    await sendToContact(ctx.db, ctx.services.jobs, {
      contactId: visit.contactId,
      template: "hospital-appointments.replyTooLate",
      params: { ...(await messageParams(ctx.db, visit)), hours: settings.cancelCutoffHours },
      purpose: "service_messages",
      actor: system,
    });
  }
  // a successful cancel already sent the "cancelled" message
}
