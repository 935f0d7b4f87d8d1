// Referrals (rujukan): incoming from partner clinics, outgoing from our doctors. Each change is one
// transaction writing the referral, its history row, the patient's timeline entry and an event.
// Who may act depends on the side: the receiving side accepts, rejects, completes and back-refers.
import { and, desc, eq, sql } from "drizzle-orm";
import { isUuid } from "../../app/plugin-api/index.ts";
import type { Actor, Database, EventPayload, PluginServices } from "../../app/plugin-api/index.ts";
import { audit, findOrCreatePatientByIdentifiers, notifyUsers, pluginSettings, recordInteraction, type UserNoticeAudience } from "../../app/plugin-api/server.ts";
import { branches, contacts, partnerOrganisations, users } from "../../app/plugin-api/schema.ts";
import type { incomingSchema, outgoingSchema } from "./referral-forms.ts";
import { referralHistory, referrals, type referralStatuses } from "./schema.ts";
import type { z } from "../../app/plugin-api/index.ts";
import { referralChangedEvent, type ReferralChangedV1 } from "./events.ts";

export type { ReferralChangedV1 };

export type ReferralStatus = (typeof referralStatuses)[number];
export type ReferralError = "notFound" | "notAllowed" | "wrongStatus" | "identifierConflict" | "reasonRequired" | "summaryRequired" | "partnerInactive";
type R<T = object> = ({ ok: true } & T) | { ok: false; error: ReferralError };

/** Who hears about referrals from partners (the referral desk); admins grant it to any role. */
export const referralNotifyPermission = "hospital-referrals.referral.notify";


/** The referral desk's shared mailbox from the settings, if one is set. */
async function referralInbox(db: Database) {
  const saved = await pluginSettings(db, "hospital-referrals");
  const email = typeof saved.inboxEmail === "string" ? saved.inboxEmail.trim().toLowerCase() : "";
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

export async function overdueHours(db: Database) {
  const saved = await pluginSettings(db, "hospital-referrals");
  const n = Number(saved.overdueHours);
  return Number.isFinite(n) && n > 0 ? n : 48;
}

async function record(
  tx: Database,
  services: PluginServices,
  actor: Actor,
  row: typeof referrals.$inferSelect,
  note: string | null,
) {
  const actorKind = actor.kind === "staff" ? "staff" : actor.kind === "partner" ? "partner" : "system";
  const actorUserId = actor.kind === "staff" || actor.kind === "partner" ? actor.userId : null;
  await tx.insert(referralHistory).values({ referralId: row.id, status: row.status, actorKind, actorUserId, note });
  await recordInteraction(tx, {
    contactId: row.contactId,
    channel: "note",
    direction: actor.kind === "partner" ? "inbound" : "internal",
    subject: `${row.number} · ${row.icd10Code} ${row.icd10Text}`,
    body: `${row.direction}:${row.status}${note ? ` — ${note}` : ""}`,
    staffUserId: actor.kind === "staff" ? actor.userId : null,
    branchId: row.branchId,
    sourceType: "hospital-referrals.referral",
    sourceId: row.id,
  });
  const payload: ReferralChangedV1 = { version: 1, referralId: row.id, number: row.number, direction: row.direction, status: row.status, contactId: row.contactId, partnerOrgId: row.partnerOrgId };
  await services.emit(tx, referralChangedEvent, payload);
  await audit(tx, actor, { action: `referral.${row.status}`, entityType: "hospital-referrals.referral", entityId: row.id, data: { contactId: row.contactId } });
  await notifyOtherSide(tx, services, actor, row);
}

/** "Siti Rahmawati" -> "S. R.": enough for the reader to know whom it is about, no more (UU PDP). */
export function patientInitials(fullName: string) {
  const words = fullName.trim().split(/\s+/).filter((w) => /\p{L}/u.test(w));
  return words.length ? words.slice(0, 3).map((w) => `${[...w.replace(/[^\p{L}]/gu, "")][0]?.toUpperCase() ?? ""}.`).join(" ") : "-";
}

/**
 * Every change is told to the other side by e-mail, in the same transaction (a rolled-back change
 * sends nothing). A change by a partner goes to our referral desk (the notify permission, at the
 * referral's branch) and, for our own outgoing referral, to the doctor who wrote it; a change by us
 * (or by a visit booked for it) goes to the partner organisation's users. The e-mail carries the
 * number, the patient's initials, the status and a rejection's reason — never the diagnosis or NIK.
 */
async function notifyOtherSide(tx: Database, services: PluginServices, actor: Actor, row: typeof referrals.$inferSelect) {
  if (row.status === "draft") return;
  const [names] = await tx
    .select({ patientName: contacts.fullName, partnerName: partnerOrganisations.name })
    .from(contacts)
    .innerJoin(partnerOrganisations, eq(partnerOrganisations.id, row.partnerOrgId))
    .where(eq(contacts.id, row.contactId));
  const params = { number: row.number, initials: patientInitials(names?.patientName ?? ""), partner: names?.partnerName ?? "", reason: row.rejectionReason ?? "" };
  const localizedParams = { status: `hospital-referrals:status.${row.status}`, urgency: `hospital-referrals:urgency.${row.urgency}` };
  const excludeUserIds = actor.kind === "staff" || actor.kind === "partner" ? [actor.userId] : [];
  if (actor.kind === "partner") {
    const audiences: UserNoticeAudience[] = [{ kind: "staffWithPermission", permission: referralNotifyPermission, branchId: row.branchId }];
    const inbox = await referralInbox(tx);
    if (inbox) audiences.push({ kind: "address", email: inbox, language: "id" });
    if (row.direction === "outgoing" && row.doctorUserId) audiences.unshift({ kind: "staffUsers", userIds: [row.doctorUserId] });
    const template =
      row.direction === "incoming" ? "hospital-referrals.staffIncomingNew" : row.status === "rejected" ? "hospital-referrals.staffOutgoingRejected" : "hospital-referrals.staffOutgoingUpdate";
    await notifyUsers(tx, services.jobs, { audiences, template, params, localizedParams, path: `/staff/referrals/${row.id}`, excludeUserIds });
    return;
  }
  const template =
    row.direction === "outgoing" && row.status === "sent"
      ? "hospital-referrals.partnerOutgoingNew"
      : row.status === "rejected"
        ? "hospital-referrals.partnerIncomingRejected"
        : row.direction === "outgoing"
          ? "hospital-referrals.partnerOutgoingUpdate"
          : "hospital-referrals.partnerIncomingUpdate";
  await notifyUsers(tx, services.jobs, {
    audiences: [{ kind: "partnerOrganisation", partnerOrgId: row.partnerOrgId }],
    template,
    params,
    localizedParams,
    path: `/partner/referrals/${row.id}`,
    excludeUserIds,
  });
}

/** A partner user submits an incoming referral for a patient identified by NIK or BPJS number. */
export async function submitIncoming(db: Database, services: PluginServices, actor: Extract<Actor, { kind: "partner" }>, input: z.infer<typeof incomingSchema>): Promise<R<{ id: string }>> {
  const [org] = await db.select({ active: partnerOrganisations.active }).from(partnerOrganisations).where(eq(partnerOrganisations.id, actor.partnerOrgId));
  if (!org?.active) return { ok: false, error: "partnerInactive" };
  return db.transaction(async (tx) => {
    const match = await findOrCreatePatientByIdentifiers(tx, actor, { nik: input.nik, bpjs: input.bpjs, fullName: input.fullName, birthDate: input.birthDate, phone: input.phone, source: "partner" });
    if ("error" in match) return { ok: false as const, error: match.error === "identifierConflict" ? ("identifierConflict" as const) : ("notFound" as const) };
    const now = new Date();
    const [row] = await tx
      .insert(referrals)
      .values({
        direction: "incoming",
        status: "sent",
        contactId: match.contactId,
        partnerOrgId: actor.partnerOrgId,
        createdByUserId: actor.userId,
        reason: input.reason,
        icd10Code: input.icd10Code,
        icd10Text: input.icd10Text,
        urgency: input.urgency,
        targetService: input.targetService,
        serviceType: input.serviceType,
        notes: input.notes || null,
        sentAt: now,
      })
      .returning();
    await record(tx, services, actor, row, null);
    return { ok: true as const, id: row.id };
  });
}

/** Our doctor writes an outgoing referral to a partner, as a draft or sent at once. */
export async function createOutgoing(db: Database, services: PluginServices, actor: Extract<Actor, { kind: "staff" }>, input: z.infer<typeof outgoingSchema>): Promise<R<{ id: string }>> {
  const [org] = await db.select({ active: partnerOrganisations.active }).from(partnerOrganisations).where(eq(partnerOrganisations.id, input.partnerOrgId));
  if (!org) return { ok: false, error: "notFound" };
  if (!org.active) return { ok: false, error: "partnerInactive" };
  const [contact] = await db.select({ id: contacts.id, branchId: contacts.branchId }).from(contacts).where(eq(contacts.id, input.contactId));
  if (!contact) return { ok: false, error: "notFound" };
  return db.transaction(async (tx) => {
    const send = input.intent === "send";
    const [row] = await tx
      .insert(referrals)
      .values({
        direction: "outgoing",
        status: send ? "sent" : "draft",
        contactId: contact.id,
        partnerOrgId: input.partnerOrgId,
        branchId: actor.branchId ?? contact.branchId,
        doctorUserId: actor.userId,
        createdByUserId: actor.userId,
        reason: input.reason,
        icd10Code: input.icd10Code,
        icd10Text: input.icd10Text,
        urgency: input.urgency,
        targetService: input.targetService,
        serviceType: input.serviceType,
        notes: input.notes || null,
        sentAt: send ? new Date() : null,
      })
      .returning();
    await record(tx, services, actor, row, null);
    return { ok: true as const, id: row.id };
  });
}

/** The referral as the actor may see it: partners only their organisation's, staff all (with the permission checked by the route). */
export async function referralFor(db: Database, actor: Actor, referralId: string) {
  if (!isUuid(referralId)) return null;
  const scope =
    actor.kind === "partner"
      ? and(eq(referrals.id, referralId), eq(referrals.partnerOrgId, actor.partnerOrgId), sql`${referrals.status} <> 'draft'`)
      : actor.kind === "staff" || actor.kind === "system"
        ? eq(referrals.id, referralId)
        : sql`false`;
  const [row] = await db.select().from(referrals).where(scope);
  return row ?? null;
}

type Action = "send" | "accept" | "reject" | "complete" | "backRefer";
const rules: Record<Action, { from: ReferralStatus[]; to: ReferralStatus; by: "sender" | "receiver" }> = {
  send: { from: ["draft"], to: "sent", by: "sender" },
  accept: { from: ["sent"], to: "accepted", by: "receiver" },
  reject: { from: ["sent"], to: "rejected", by: "receiver" },
  complete: { from: ["accepted", "scheduled"], to: "completed", by: "receiver" },
  backRefer: { from: ["accepted", "scheduled", "completed"], to: "back_referred", by: "receiver" },
};

/** Moves a referral on. Incoming: we receive (staff act). Outgoing: the partner receives. */
export async function actOnReferral(db: Database, services: PluginServices, actor: Actor, input: { referralId: string; action: Action; note?: string | null }): Promise<R> {
  const row = await referralFor(db, actor, input.referralId);
  if (!row) return { ok: false, error: "notFound" };
  const rule = rules[input.action];
  const receiverKind = row.direction === "incoming" ? "staff" : "partner";
  const senderKind = row.direction === "incoming" ? "partner" : "staff";
  if (actor.kind !== (rule.by === "receiver" ? receiverKind : senderKind)) return { ok: false, error: "notAllowed" };
  if (!rule.from.includes(row.status)) return { ok: false, error: "wrongStatus" };
  const note = input.note?.trim() || null;
  if (input.action === "reject" && !note) return { ok: false, error: "reasonRequired" };
  if (input.action === "backRefer" && !note) return { ok: false, error: "summaryRequired" };
  const now = new Date();
  const stamps =
    input.action === "send"
      ? { sentAt: now }
      : input.action === "accept"
        ? { decidedAt: now, doctorUserId: row.doctorUserId ?? (actor.kind === "staff" ? actor.userId : null) }
        : input.action === "reject"
          ? { decidedAt: now, rejectionReason: note }
          : input.action === "complete"
            ? { completedAt: now }
            : { backReferredAt: now, backReferralSummary: note, completedAt: row.completedAt ?? now };
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(referrals)
      .set({ status: rule.to, ...stamps, updatedAt: now })
      .where(and(eq(referrals.id, row.id), eq(referrals.status, row.status)))
      .returning();
    if (!updated) return { ok: false as const, error: "wrongStatus" as const };
    await record(tx, services, actor, updated, note);
    return { ok: true as const };
  });
}

/** From the appointments plugin's events: an incoming referral booked into a visit is scheduled; a fulfilled visit completes it. */
export async function linkVisit(db: Database, services: PluginServices, payload: EventPayload<"appointments.visit.booked">, kind: "booked" | "fulfilled" | "cancelled") {
  if (payload.sourceType !== "hospital-referrals.referral" || !isUuid(payload.sourceId)) return;
  const row = await referralFor(db, { kind: "system" }, payload.sourceId);
  if (!row || row.direction !== "incoming") return;
  const now = new Date();
  let set: Partial<typeof referrals.$inferInsert> | null = null;
  if (kind === "booked" && (row.status === "accepted" || row.status === "scheduled"))
    set = { status: "scheduled", appointmentId: payload.appointmentId, scheduledFor: new Date(payload.startAt) };
  else if (kind === "fulfilled" && row.status === "scheduled" && row.appointmentId === payload.appointmentId) set = { status: "completed", completedAt: now };
  else if (kind === "cancelled" && row.status === "scheduled" && row.appointmentId === payload.appointmentId && !payload.rescheduledFromId)
    set = { status: "accepted", appointmentId: null, scheduledFor: null };
  if (!set) return;
  const [updated] = await db.update(referrals).set({ ...set, updatedAt: now }).where(eq(referrals.id, row.id)).returning();
  await record(db, services, { kind: "system" }, updated, null);
}

export interface ReferralListFilter {
  direction?: "incoming" | "outgoing";
  status?: ReferralStatus | null;
  partnerOrgId?: string | null;
}

function listQuery(db: Database, hours: number) {
  return db
    .select({
      id: referrals.id,
      number: referrals.number,
      direction: referrals.direction,
      status: referrals.status,
      urgency: referrals.urgency,
      icd10Code: referrals.icd10Code,
      icd10Text: referrals.icd10Text,
      targetService: referrals.targetService,
      contactId: referrals.contactId,
      contactName: contacts.fullName,
      partnerName: partnerOrganisations.name,
      createdAt: referrals.createdAt,
      sentAt: referrals.sentAt,
      scheduledFor: referrals.scheduledFor,
      // not acted on in time: sent and not yet decided, or accepted and not yet scheduled
      overdue: sql<boolean>`(${referrals.status} = 'sent' and ${referrals.sentAt} < now() - make_interval(hours => ${hours}))
        or (${referrals.status} = 'accepted' and ${referrals.decidedAt} < now() - make_interval(hours => ${hours}))`,
    })
    .from(referrals)
    .innerJoin(contacts, eq(contacts.id, referrals.contactId))
    .innerJoin(partnerOrganisations, eq(partnerOrganisations.id, referrals.partnerOrgId));
}

/** Staff inbox (incoming) or outbox (outgoing), filtered in SQL, overdue first. */
export async function listForStaff(db: Database, filter: ReferralListFilter) {
  const hours = await overdueHours(db);
  return listQuery(db, hours)
    .where(
      and(
        eq(referrals.direction, filter.direction ?? "incoming"),
        filter.status ? eq(referrals.status, filter.status) : undefined,
        isUuid(filter.partnerOrgId) ? eq(referrals.partnerOrgId, filter.partnerOrgId) : undefined,
      ),
    )
    .orderBy(desc(sql`(${referrals.status} = 'sent' and ${referrals.sentAt} < now() - make_interval(hours => ${hours}))`), desc(referrals.createdAt))
    .limit(200);
}

/** A partner sees only referrals involving its own organisation (never drafts of ours). */
export async function listForPartner(db: Database, actor: Extract<Actor, { kind: "partner" }>) {
  const hours = await overdueHours(db);
  return listQuery(db, hours)
    .where(and(eq(referrals.partnerOrgId, actor.partnerOrgId), sql`${referrals.status} <> 'draft'`))
    .orderBy(desc(referrals.createdAt))
    .limit(200);
}

export async function historyOf(db: Database, referralId: string) {
  return db
    .select({ status: referralHistory.status, actorKind: referralHistory.actorKind, actorName: users.name, note: referralHistory.note, at: referralHistory.at })
    .from(referralHistory)
    .leftJoin(users, eq(users.id, referralHistory.actorUserId))
    .where(eq(referralHistory.referralId, referralId))
    .orderBy(referralHistory.at, referralHistory.id);
}

/** Referrals of one contact, for the contact 360 panel. */
export async function referralsOfContact(db: Database, contactId: string) {
  if (!isUuid(contactId)) return [];
  return listQuery(db, 48).where(eq(referrals.contactId, contactId)).orderBy(desc(referrals.createdAt)).limit(10);
}

export async function reassignReferrals(db: Database, from: string, to: string) {
  if (!isUuid(from) || !isUuid(to)) return;
  await db.update(referrals).set({ contactId: to, updatedAt: new Date() }).where(eq(referrals.contactId, from));
}

/** One referral with names and its history, scoped like referralFor. */
export async function referralDetail(db: Database, actor: Actor, referralId: string) {
  const row = await referralFor(db, actor, referralId);
  if (!row) return null;
  const [names] = await db
    .select({ patientName: contacts.fullName, partnerName: partnerOrganisations.name, hospitalName: branches.name })
    .from(contacts)
    .innerJoin(partnerOrganisations, eq(partnerOrganisations.id, row.partnerOrgId))
    .leftJoin(branches, eq(branches.id, sql`${row.branchId}::uuid`))
    .where(eq(contacts.id, row.contactId));
  const referral = { ...row, patientName: names?.patientName ?? "", partnerName: names?.partnerName ?? "", hospitalName: names?.hospitalName ?? null };
  return { referral, history: await historyOf(db, row.id) };
}

export async function partnerOptions(db: Database) {
  return db
    .select({ id: partnerOrganisations.id, name: partnerOrganisations.name, type: partnerOrganisations.type })
    .from(partnerOrganisations)
    .where(and(eq(partnerOrganisations.active, true), sql`${partnerOrganisations.type} in ('clinic', 'hospital')`))
    .orderBy(partnerOrganisations.name);
}
