// One person's data, all of it: export (UU PDP Art 7, 13) with the trail of its processing from
// the audit log, and erasure (Art 8) with a legal hold where a law requires keeping a record.
import { strToU8, zipSync } from "fflate";
import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { auditLog, userRoles } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import type { ErasureMode, ErasureOutcome, PersonalDataSubject } from "./personal-data.server.ts";
import { isUuid } from "../validation/ids.ts";

export interface TrailEntry {
  at: Date;
  actorKind: string;
  /** The staff member's roles, never their name (the person sees which role acted). */
  actorRoles: string[];
  action: string;
  /** Why, when the entry says (e.g. a purpose, a request). */
  reason: string | null;
}


/** The ids of the person's rows in every table a handler covers (their tickets, visits, referrals …). */
export function recordIdsOf(tables: Record<string, Record<string, unknown>[]>, subject: PersonalDataSubject): string[] {
  const ids = new Set<string>();
  for (const rows of Object.values(tables)) for (const row of rows) if (typeof row.id === "string" && isUuid(row.id)) ids.add(row.id);
  for (const own of [subject.contactId, subject.userId]) if (own) ids.delete(own);
  return [...ids];
}

/** The ids of the person's rows, found through the personal-data handlers. */
export async function subjectRecordIds(db: Database, registry: PluginRegistry, subject: PersonalDataSubject): Promise<string[]> {
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const handler of registry.personalDataHandlers()) tables[handler.table] = await handler.export(subject, db);
  return recordIdsOf(tables, subject);
}

/**
 * Who viewed or changed the person's records, when and why, newest first: entries about their
 * contact or account, about any of their other records (`recordIds`: a visit, a referral, a ticket;
 * whatever the entry's type), and reads of them through the FHIR API.
 */
export async function processingTrail(db: Database, subject: PersonalDataSubject, limit = 5000, recordIds: string[] = []): Promise<TrailEntry[]> {
  const own = [subject.contactId, subject.userId].filter((id): id is string => Boolean(id));
  const about = [
    subject.contactId ? and(eq(auditLog.entityType, "contact"), eq(auditLog.entityId, subject.contactId)) : undefined,
    subject.userId ? and(eq(auditLog.entityType, "user"), eq(auditLog.entityId, subject.userId)) : undefined,
    recordIds.length ? inArray(auditLog.entityId, recordIds) : undefined,
    // FHIR reads are recorded against the API token, with the resource read in the entry's data
    own.length || recordIds.length
      ? and(eq(auditLog.entityType, "api_token"), eq(auditLog.action, "fhir.read"), inArray(sql<string>`split_part(${auditLog.data}->>'resource', '/', 2)`, [...own, ...recordIds]))
      : undefined,
  ].filter(Boolean);
  if (!about.length) return [];
  const rows = await db
    .select({ at: auditLog.at, actorKind: auditLog.actorKind, actorUserId: auditLog.actorUserId, action: auditLog.action, data: auditLog.data })
    .from(auditLog)
    .where(or(...about))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
  const staffIds = [...new Set(rows.filter((r) => r.actorKind === "staff" && r.actorUserId).map((r) => r.actorUserId!))];
  const roles = staffIds.length ? await db.select({ userId: userRoles.userId, roleId: userRoles.roleId }).from(userRoles).where(inArray(userRoles.userId, staffIds)) : [];
  return rows.map((r) => {
    const data = r.data ?? {};
    const reason = ["purpose", "reason", "source", "template", "kind"].map((k) => data[k]).find((v) => typeof v === "string") as string | undefined;
    return {
      at: r.at,
      actorKind: r.actorKind === "customer" && r.actorUserId === subject.userId ? "self" : r.actorKind,
      actorRoles: r.actorKind === "staff" ? roles.filter((x) => x.userId === r.actorUserId).map((x) => x.roleId).sort() : [],
      action: r.action,
      reason: reason ?? null,
    };
  });
}

export interface PersonalDataExport {
  exportedAt: string;
  subject: PersonalDataSubject;
  tables: Record<string, Record<string, unknown>[]>;
  trail: TrailEntry[];
}

/** Everything every handler finds about the person, table by table, and the trail. */
export async function collectPersonalData(db: Database, registry: PluginRegistry, subject: PersonalDataSubject, now = new Date()): Promise<PersonalDataExport> {
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const handler of registry.personalDataHandlers()) {
    const rows = await handler.export(subject, db);
    if (rows.length) tables[handler.table] = rows;
  }
  return { exportedAt: now.toISOString(), subject, tables, trail: await processingTrail(db, subject, 5000, recordIdsOf(tables, subject)) };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  // a leading = + - @ would run as a formula in a spreadsheet
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(rows: Record<string, unknown>[]): string {
  if (!rows.length) return "";
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [columns.join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";
}

/** The export as a zip: data.json, one CSV per table, trail.csv, and any extra files (e.g. a FHIR Bundle). */
export function personalDataZip(data: PersonalDataExport, extra: Record<string, unknown> = {}): Uint8Array {
  const json = (value: unknown) => strToU8(JSON.stringify(value, null, 2));
  const files: Record<string, Uint8Array> = { "data.json": json(data), "trail.csv": strToU8(toCsv(data.trail.map((t) => ({ ...t, actorRoles: t.actorRoles.join(" ") })))) };
  for (const [table, rows] of Object.entries(data.tables)) files[`csv/${table}.csv`] = strToU8(toCsv(rows));
  for (const [name, value] of Object.entries(extra)) files[name] = json(value);
  return zipSync(files, { level: 6 });
}

/** Records that a person's data was exported (who asked, for whom). */
export async function auditExport(db: Database, actor: Actor, subject: PersonalDataSubject, ip: string | null) {
  await audit(db, actor, {
    action: "privacy.data.exported",
    entityType: subject.contactId ? "contact" : "user",
    entityId: (subject.contactId ?? subject.userId)!,
    data: { reason: "access_request" },
    ip,
  });
}

export interface ErasureReport {
  mode: ErasureMode;
  tables: (ErasureOutcome & { table: string })[];
  /** Laws under which records were kept. */
  holds: string[];
}

/**
 * Erases a person in one transaction: every handler in turn (the person's own rows last), with
 * rows of purposes under a legal hold kept as they are. Audited with what it did per table.
 */
export async function erasePersonalData(db: Database, registry: PluginRegistry, actor: Actor, subject: PersonalDataSubject, mode: ErasureMode): Promise<ErasureReport> {
  const purposes = new Map(registry.purposes().map((p) => [p.id, p]));
  const handlers = registry.personalDataHandlers();
  const ordered = [...handlers.filter((h) => !h.last), ...handlers.filter((h) => h.last)];
  return db.transaction(async (tx) => {
    const report: ErasureReport = { mode, tables: [], holds: [] };
    // a record kept under a legal hold keeps who it is about: the identity rows are held with it
    let identityHold: string | null = null;
    for (const handler of ordered) {
      const hold = purposes.get(handler.purpose)?.legalHold;
      if (hold && !identityHold && (await handler.export(subject, tx)).length) identityHold = hold.law;
    }
    for (const handler of ordered) {
      const hold = purposes.get(handler.purpose)?.legalHold ?? (handler.identity && identityHold ? { law: identityHold } : undefined);
      const outcome = await handler.erase(subject, { db: tx, mode, held: Boolean(hold) });
      if (outcome.deleted || outcome.anonymised || outcome.held) report.tables.push({ table: handler.table, ...outcome });
      if (outcome.held && hold && !report.holds.includes(hold.law)) report.holds.push(hold.law);
    }
    await audit(tx, actor, {
      action: "privacy.data.erased",
      entityType: subject.contactId ? "contact" : "user",
      entityId: (subject.contactId ?? subject.userId)!,
      data: { mode, tables: report.tables, holds: report.holds },
    });
    return report;
  });
}
