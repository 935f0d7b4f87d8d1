// The audit log read back: who did what to which record, filtered, newest first, keyset-paged.
// Reading it is itself audited (core.audit.read is a sensitive permission).
import { and, desc, eq, gte, ilike, like, lt, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { auditLog, users } from "../../../db/schema/index.ts";
import type { Actor } from "../plugins/contract.ts";
import { rangeInstants, type TimeZone } from "../time/local-time.ts";
import { audit } from "./audit.server.ts";
import type { AuditFilter } from "./audit-forms.ts";

export const auditPageSize = 50;
/** An export holds at most this many entries; a narrower filter takes the rest. */
export const auditExportLimit = 50_000;

export interface AuditRow {
  id: number;
  at: Date;
  actorKind: string;
  actorUserId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  ip: string | null;
  data: Record<string, unknown> | null;
}

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function conditions(filter: AuditFilter, tz: TimeZone): SQL[] {
  const where: SQL[] = [];
  if (filter.actorKind) where.push(eq(auditLog.actorKind, filter.actorKind));
  if (filter.actor) {
    const pattern = `%${escapeLike(filter.actor)}%`;
    where.push(or(ilike(users.email, pattern), ilike(users.name, pattern), sql`${auditLog.actorUserId}::text = ${filter.actor}`)!);
  }
  if (filter.action) where.push(or(eq(auditLog.action, filter.action), like(auditLog.action, `${escapeLike(filter.action.replace(/\.$/, ""))}.%`))!);
  if (filter.entityType) where.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) where.push(eq(auditLog.entityId, filter.entityId));
  if (filter.from || filter.to) {
    const { start, end } = rangeInstants({ from: filter.from ?? filter.to!, to: filter.to ?? filter.from! }, tz);
    if (filter.from) where.push(gte(auditLog.at, start));
    if (filter.to) where.push(lt(auditLog.at, end));
  }
  return where;
}

const columns = {
  id: auditLog.id,
  at: auditLog.at,
  actorKind: auditLog.actorKind,
  actorUserId: auditLog.actorUserId,
  actorEmail: users.email,
  actorName: users.name,
  action: auditLog.action,
  entityType: auditLog.entityType,
  entityId: auditLog.entityId,
  ip: auditLog.ip,
  data: auditLog.data,
};

async function select(db: Database, filter: AuditFilter, tz: TimeZone, limit: number, before?: number): Promise<AuditRow[]> {
  const where = conditions(filter, tz);
  if (before !== undefined) where.push(lt(auditLog.id, before));
  return db
    .select(columns)
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit);
}

/** One page of entries matching the filter, newest first; `next` is the keyset cursor of the following page. */
export async function auditPage(db: Database, actor: Actor, filter: AuditFilter, options: { tz: TimeZone; ip?: string | null; pageSize?: number }) {
  const size = options.pageSize ?? auditPageSize;
  const rows = await select(db, filter, options.tz, size + 1, filter.before ? Number(filter.before) : undefined);
  const more = rows.length > size;
  const page = more ? rows.slice(0, size) : rows;
  await audit(db, actor, { action: "audit.viewed", data: { filter: withoutCursor(filter), page: filter.before ?? null, rows: page.length }, ip: options.ip ?? null });
  return { rows: page, next: more ? String(page[page.length - 1].id) : null };
}

/** Every entry matching the filter (up to auditExportLimit) for a file; the export is audited with its filter and size. */
export async function auditExportRows(db: Database, actor: Actor, filter: AuditFilter, options: { tz: TimeZone; format: "csv" | "xlsx"; ip?: string | null }) {
  const rows = await select(db, filter, options.tz, auditExportLimit);
  await audit(db, actor, { action: "audit.exported", data: { filter: withoutCursor(filter), format: options.format, rows: rows.length, truncated: rows.length === auditExportLimit }, ip: options.ip ?? null });
  return rows;
}

function withoutCursor(filter: AuditFilter) {
  const { before: _before, ...rest } = filter;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}
