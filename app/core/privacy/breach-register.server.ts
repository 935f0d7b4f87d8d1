// The breach register (UU PDP Art 46): an incident, its 72-hour clock, the people it affected
// found from the audit log, a notice to each in their language through the outbox, the report for
// the authority, and its status until closed. Every step is audited.
import ExcelJS from "exceljs";
import { and, asc, desc, eq, isNull, ne, sql } from "drizzle-orm";
import { rowsOf, type Database } from "../../../db/client.ts";
import { contacts, privacyIncidentPeople, privacyIncidents, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { isUuid } from "../validation/ids.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { isLanguage, type Language } from "../i18n/languages.ts";
import { queueEmail, renderNoticeEmail, type JobSender } from "../messaging/email.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { formatDateTime } from "../time/format-time.ts";
import type { TimeZone } from "../time/local-time.ts";
import { branchTimeZone } from "../time/zones.server.ts";
import { breachNoticeHours, type incidentStatuses } from "./breach-register-forms.ts";

export const incidentManagePermission = "core.privacyIncident.manage";
type StaffActor = Extract<Actor, { kind: "staff" }>;
export type IncidentError = "notFound" | "windowInvalid" | "actorUnknown" | "closed" | "notReadyToClose" | "noticeMissing";
type Result<T = object> = ({ ok: true } & T) | { ok: false; error: IncidentError };


export interface IncidentScope {
  windowFrom: Date;
  windowTo: Date;
  /** Audit-log entity types; empty = every type. */
  entityTypes: string[];
  /** Only what this account did (a stolen or misused account). */
  actorUserId: string | null;
}

/**
 * The contacts whose records the audit log shows touched inside the scope, with how many entries.
 * An entry names its person directly (a contact), through an account (a customer's user), through
 * a core record that belongs to a contact (ticket, task, survey), or in its data (`contactId`).
 * Erased tombstones and merged-away records count once, as the contact they are now.
 */
export async function findAffectedPeople(db: Database, scope: IncidentScope): Promise<{ contactId: string; entries: number }[]> {
  const types = scope.entityTypes.length ? sql`and a.entity_type = any(${`{${scope.entityTypes.join(",")}}`}::text[])` : sql``;
  const actor = scope.actorUserId ? sql`and a.actor_user_id = ${scope.actorUserId}::uuid` : sql``;
  const uuid = "^[0-9a-fA-F-]{36}$";
  const rows = rowsOf<{ contact_id: string; entries: number }>(
    await db.execute(sql`
      with touched as (
        select a.entity_type, a.entity_id, a.data from audit_log a
        where a.at >= ${scope.windowFrom.toISOString()}::timestamptz and a.at <= ${scope.windowTo.toISOString()}::timestamptz ${types} ${actor}
      ), named as (
        select case
          when t.entity_type = 'contact' and t.entity_id ~ ${uuid} then t.entity_id::uuid
          when t.entity_type = 'user' and t.entity_id ~ ${uuid} then (select u.contact_id from users u where u.id = t.entity_id::uuid)
          when t.entity_type = 'ticket' and t.entity_id ~ ${uuid} then (select k.contact_id from tickets k where k.id = t.entity_id::uuid)
          when t.entity_type = 'task' and t.entity_id ~ ${uuid} then (select k.contact_id from tasks k where k.id = t.entity_id::uuid)
          when t.entity_type = 'survey' and t.entity_id ~ ${uuid} then (select k.contact_id from surveys k where k.id = t.entity_id::uuid)
          when t.data->>'contactId' ~ ${uuid} then (t.data->>'contactId')::uuid
        end as contact_id
        from touched t
      )
      select coalesce(c.merged_into_id, c.id) as contact_id, count(*)::int as entries
      from named n join contacts c on c.id = n.contact_id
      group by 1 order by 1`),
  );
  return rows.map((r) => ({ contactId: r.contact_id, entries: r.entries }));
}

/** Records an incident; its clock runs 72 hours from discovery. */
export async function recordIncident(
  db: Database,
  actor: StaffActor,
  input: {
    title: string;
    description: string;
    severity: "low" | "medium" | "high";
    discoveredAt: Date;
    windowFrom: Date;
    windowTo: Date;
    entityTypes: string[];
    dataCategories: string[];
    actorEmail?: string;
  },
): Promise<Result<{ id: string }>> {
  if (input.windowFrom > input.windowTo) return { ok: false, error: "windowInvalid" };
  return db.transaction(async (tx) => {
    let actorUserId: string | null = null;
    if (input.actorEmail) {
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.actorEmail));
      if (!user) return { ok: false as const, error: "actorUnknown" as const };
      actorUserId = user.id;
    }
    const [row] = await tx
      .insert(privacyIncidents)
      .values({
        title: input.title,
        description: input.description,
        severity: input.severity,
        discoveredAt: input.discoveredAt,
        notifyBy: new Date(input.discoveredAt.getTime() + breachNoticeHours * 3600_000),
        windowFrom: input.windowFrom,
        windowTo: input.windowTo,
        entityTypes: input.entityTypes,
        dataCategories: input.dataCategories,
        actorUserId,
        createdBy: actor.userId,
      })
      .returning({ id: privacyIncidents.id });
    await audit(tx, actor, { action: "privacy.incident.recorded", entityType: "privacy_incident", entityId: row.id, data: { severity: input.severity } });
    return { ok: true as const, id: row.id };
  });
}

export async function listIncidents(db: Database, filter: { open?: boolean } = {}) {
  return db
    .select({
      id: privacyIncidents.id,
      title: privacyIncidents.title,
      severity: privacyIncidents.severity,
      status: privacyIncidents.status,
      discoveredAt: privacyIncidents.discoveredAt,
      notifyBy: privacyIncidents.notifyBy,
      authorityNotifiedAt: privacyIncidents.authorityNotifiedAt,
      peopleNotifiedAt: privacyIncidents.peopleNotifiedAt,
      people: sql<number>`(select count(*)::int from ${privacyIncidentPeople} p where p.incident_id = ${privacyIncidents.id})`,
    })
    .from(privacyIncidents)
    .where(filter.open ? ne(privacyIncidents.status, "closed") : undefined)
    .orderBy(filter.open ? asc(privacyIncidents.notifyBy) : desc(privacyIncidents.discoveredAt))
    .limit(200);
}

export async function getIncident(db: Database, incidentId: string) {
  if (!isUuid(incidentId)) return null;
  const [incident] = await db.select().from(privacyIncidents).where(eq(privacyIncidents.id, incidentId));
  if (!incident) return null;
  const people = await db
    .select({
      id: privacyIncidentPeople.id,
      contactId: privacyIncidentPeople.contactId,
      name: contacts.fullName,
      email: contacts.email,
      language: contacts.preferredLocale,
      entries: privacyIncidentPeople.entries,
      notifiedAt: privacyIncidentPeople.notifiedAt,
      noticeSkipped: privacyIncidentPeople.noticeSkipped,
    })
    .from(privacyIncidentPeople)
    .leftJoin(contacts, eq(contacts.id, privacyIncidentPeople.contactId))
    .where(eq(privacyIncidentPeople.incidentId, incident.id))
    .orderBy(asc(contacts.fullName), asc(privacyIncidentPeople.id));
  const [actorUser] = incident.actorUserId ? await db.select({ email: users.email }).from(users).where(eq(users.id, incident.actorUserId)) : [];
  return { incident, people, actorEmail: actorUser?.email ?? null };
}

async function lockIncident(tx: Database, incidentId: string) {
  if (!isUuid(incidentId)) return null;
  const [row] = await tx.select().from(privacyIncidents).where(eq(privacyIncidents.id, incidentId)).for("update");
  return row ?? null;
}

/** Finds the affected people from the audit log and adds those not yet on the list (notified ones stay as they are). */
export async function refreshAffectedPeople(db: Database, actor: StaffActor, incidentId: string): Promise<Result<{ added: number; total: number }>> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, incidentId);
    if (!incident) return { ok: false as const, error: "notFound" as const };
    if (incident.status === "closed") return { ok: false as const, error: "closed" as const };
    const found = await findAffectedPeople(tx, incident);
    const known = new Set(
      (
        await tx.select({ contactId: privacyIncidentPeople.contactId }).from(privacyIncidentPeople).where(eq(privacyIncidentPeople.incidentId, incident.id))
      ).map((r) => r.contactId),
    );
    const fresh = found.filter((f) => !known.has(f.contactId));
    if (fresh.length)
      await tx.insert(privacyIncidentPeople).values(fresh.map((f) => ({ incidentId: incident.id, contactId: f.contactId, entries: f.entries })));
    for (const f of found.filter((f) => known.has(f.contactId))) {
      await tx
        .update(privacyIncidentPeople)
        .set({ entries: f.entries })
        .where(and(eq(privacyIncidentPeople.incidentId, incident.id), eq(privacyIncidentPeople.contactId, f.contactId)));
    }
    await tx.update(privacyIncidents).set({ updatedAt: new Date() }).where(eq(privacyIncidents.id, incident.id));
    await audit(tx, actor, {
      action: "privacy.incident.people_found",
      entityType: "privacy_incident",
      entityId: incident.id,
      data: { found: found.length, added: fresh.length },
    });
    return { ok: true as const, added: fresh.length, total: found.length };
  });
}

/**
 * Tells every affected person not yet told, by e-mail in their language, through the outbox; a
 * notice (Art 46(2)) is required in both languages first. Someone without an address is marked
 * `no_address`, for the desk to reach another way.
 */
export async function notifyAffectedPeople(
  db: Database,
  runtime: { jobs: JobSender },
  actor: StaffActor,
  incidentId: string,
  now = new Date(),
): Promise<Result<{ sent: number; skipped: number }>> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, incidentId);
    if (!incident) return { ok: false as const, error: "notFound" as const };
    if (incident.status === "closed") return { ok: false as const, error: "closed" as const };
    if (!incident.noticeId || !incident.noticeEn) return { ok: false as const, error: "noticeMissing" as const };
    const waiting = await tx
      .select({
        id: privacyIncidentPeople.id,
        contactId: privacyIncidentPeople.contactId,
        name: contacts.fullName,
        email: contacts.email,
        language: contacts.preferredLocale,
        branchId: contacts.branchId,
      })
      .from(privacyIncidentPeople)
      .leftJoin(contacts, eq(contacts.id, privacyIncidentPeople.contactId))
      .where(and(eq(privacyIncidentPeople.incidentId, incident.id), isNull(privacyIncidentPeople.notifiedAt), isNull(privacyIncidentPeople.noticeSkipped)));
    let sent = 0;
    let skipped = 0;
    for (const person of waiting) {
      if (!person.email || !person.contactId) {
        await tx.update(privacyIncidentPeople).set({ noticeSkipped: "no_address" }).where(eq(privacyIncidentPeople.id, person.id));
        skipped++;
        continue;
      }
      const language: Language = isLanguage(person.language) ? person.language : "id";
      const t = fixedT(language, "privacy");
      const email = await renderNoticeEmail("privacy.breach", language, {
        name: person.name ?? "",
        values: {
          // in the person's own branch's zone (WIB, WITA or WIT)
          discovered: formatDateTime(incident.discoveredAt, language, await branchTimeZone(tx, person.branchId)),
          categories: incident.dataCategories.map((c) => t(`dataCategories.${c}`)).join(", ") || "—",
        },
        quote: language === "en" ? incident.noticeEn : incident.noticeId,
        withNote: true,
      });
      // a legal duty, not a marketing or service message: sent whatever the person's consents
      const messageId = await queueEmail(tx, runtime.jobs, { to: person.email, template: "privacy.breach", language, email, contactId: person.contactId });
      await tx.update(privacyIncidentPeople).set({ messageId, notifiedAt: now }).where(eq(privacyIncidentPeople.id, person.id));
      sent++;
    }
    const [left] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(privacyIncidentPeople)
      .where(and(eq(privacyIncidentPeople.incidentId, incident.id), isNull(privacyIncidentPeople.notifiedAt), isNull(privacyIncidentPeople.noticeSkipped)));
    if (!left.n && !incident.peopleNotifiedAt)
      await tx.update(privacyIncidents).set({ peopleNotifiedAt: now, updatedAt: now }).where(eq(privacyIncidents.id, incident.id));
    await audit(tx, actor, { action: "privacy.incident.people_notified", entityType: "privacy_incident", entityId: incident.id, data: { sent, skipped } });
    return { ok: true as const, sent, skipped };
  });
}

/** Edits the report's texts: consequences, measures taken, and the notice in both languages. */
export async function updateIncidentDetails(
  db: Database,
  actor: StaffActor,
  incidentId: string,
  input: { consequences?: string; measures?: string; noticeId?: string; noticeEn?: string },
): Promise<Result> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, incidentId);
    if (!incident) return { ok: false as const, error: "notFound" as const };
    if (incident.status === "closed") return { ok: false as const, error: "closed" as const };
    await tx
      .update(privacyIncidents)
      .set({
        consequences: input.consequences || null,
        measures: input.measures || null,
        noticeId: input.noticeId || null,
        noticeEn: input.noticeEn || null,
        updatedAt: new Date(),
      })
      .where(eq(privacyIncidents.id, incident.id));
    await audit(tx, actor, { action: "privacy.incident.updated", entityType: "privacy_incident", entityId: incident.id });
    return { ok: true as const };
  });
}

/** Records that the report went to the authority (its reference); the first time counts. */
export async function recordAuthorityReport(db: Database, actor: StaffActor, incidentId: string, reference: string, now = new Date()): Promise<Result> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, incidentId);
    if (!incident) return { ok: false as const, error: "notFound" as const };
    if (incident.status === "closed") return { ok: false as const, error: "closed" as const };
    await tx
      .update(privacyIncidents)
      .set({ authorityNotifiedAt: incident.authorityNotifiedAt ?? now, authorityReference: reference, updatedAt: now })
      .where(eq(privacyIncidents.id, incident.id));
    await audit(tx, actor, { action: "privacy.incident.authority_notified", entityType: "privacy_incident", entityId: incident.id, data: { reference } });
    return { ok: true as const };
  });
}

/** Moves an incident along; it closes only once the authority and every reachable person were told. */
export async function setIncidentStatus(
  db: Database,
  actor: StaffActor,
  incidentId: string,
  status: (typeof incidentStatuses)[number],
  now = new Date(),
): Promise<Result> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, incidentId);
    if (!incident) return { ok: false as const, error: "notFound" as const };
    if (incident.status === "closed") return { ok: false as const, error: "closed" as const };
    if (status === "closed") {
      const [waiting] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(privacyIncidentPeople)
        .where(and(eq(privacyIncidentPeople.incidentId, incident.id), isNull(privacyIncidentPeople.notifiedAt), isNull(privacyIncidentPeople.noticeSkipped)));
      if (!incident.authorityNotifiedAt || waiting.n > 0) return { ok: false as const, error: "notReadyToClose" as const };
    }
    await tx
      .update(privacyIncidents)
      .set({ status, closedAt: status === "closed" ? now : null, updatedAt: now })
      .where(eq(privacyIncidents.id, incident.id));
    await audit(tx, actor, {
      action: "privacy.incident.status_changed",
      entityType: "privacy_incident",
      entityId: incident.id,
      data: { from: incident.status, to: status },
    });
    return { ok: true as const };
  });
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The report for the authority (UU PDP Art 46(2)) as label/value lines, in one language. */
export function incidentReportLines(detail: NonNullable<Awaited<ReturnType<typeof getIncident>>>, language: Language, timeZone: TimeZone, t: Translate) {
  const { incident, people } = detail;
  const at = (d: Date | null) => (d ? formatDateTime(d, language, timeZone) : "—");
  const notified = people.filter((p) => p.notifiedAt).length;
  return [
    [t("breach.report.title"), incident.title],
    [t("breach.report.severity"), t(`breach.severities.${incident.severity}`)],
    [t("breach.report.status"), t(`breach.statuses.${incident.status}`)],
    [t("breach.report.discoveredAt"), at(incident.discoveredAt)],
    [t("breach.report.notifyBy"), at(incident.notifyBy)],
    [t("breach.report.window"), `${at(incident.windowFrom)} – ${at(incident.windowTo)}`],
    [t("breach.report.description"), incident.description],
    [t("breach.report.dataCategories"), incident.dataCategories.map((c) => t(`dataCategories.${c}`)).join(", ") || "—"],
    [t("breach.report.people"), String(people.length)],
    [t("breach.report.peopleNotified"), `${notified} / ${people.length} · ${at(incident.peopleNotifiedAt)}`],
    [t("breach.report.consequences"), incident.consequences ?? "—"],
    [t("breach.report.measures"), incident.measures ?? "—"],
    [t("breach.report.authorityNotifiedAt"), at(incident.authorityNotifiedAt)],
    [t("breach.report.authorityReference"), incident.authorityReference ?? "—"],
  ] as [string, string][];
}

/** The report as XLSX: the report sheet, and the affected people (names and how each was told). */
export async function incidentReportWorkbook(
  detail: NonNullable<Awaited<ReturnType<typeof getIncident>>>,
  language: Language,
  timeZone: TimeZone,
  t: Translate,
) {
  const workbook = new ExcelJS.Workbook();
  const report = workbook.addWorksheet(t("breach.report.sheet"));
  report.columns = [{ width: 34 }, { width: 90 }];
  for (const line of incidentReportLines(detail, language, timeZone, t)) report.addRow(line);
  report.getColumn(1).font = { bold: true };
  report.getColumn(2).alignment = { wrapText: true, vertical: "top" };
  const people = workbook.addWorksheet(t("breach.report.peopleSheet"));
  people.columns = [
    { header: t("breach.people.name"), width: 32 },
    { header: t("breach.people.entries"), width: 12 },
    { header: t("breach.people.language"), width: 10 },
    { header: t("breach.people.notice"), width: 28 },
  ];
  people.getRow(1).font = { bold: true };
  for (const p of detail.people) {
    people.addRow([
      p.name ?? "—",
      p.entries,
      p.language ?? "—",
      p.notifiedAt
        ? formatDateTime(p.notifiedAt, language, timeZone)
        : p.noticeSkipped
          ? t(`breach.people.skipped.${p.noticeSkipped}`)
          : t("breach.people.waiting"),
    ]);
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
