// The figures an operator watches (issue 17), read from the database so that every app instance
// answers the same: job queues (pg-boss's tables), event delivery lag per handler, the message
// outbox per channel, sign-in failures, database connections and the last backup. /metrics,
// the status page and the alert job all read them from here.
import { and, count, eq, gte, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Database, type DatabaseHandle } from "../../../db/client.ts";
import { auditLog, messageChannels } from "../../../db/schema/index.ts";
import { widenedXid } from "../events/event-bus.server.ts";
import { JOB_SCHEMA } from "../jobs/job-queue.server.ts";
import { readSetting } from "../settings/app-settings.server.ts";
import type { OperationsConfig } from "../config/config.server.ts";

export interface QueueFigure {
  queue: string;
  /** Jobs due now and not yet picked up. */
  waiting: number;
  active: number;
  /** Jobs that failed for good in the last 24 hours. */
  failed24h: number;
  /** How long the oldest due job has waited since it became due; 0 when none waits. */
  oldestWaitSeconds: number;
}

export interface HandlerFigure {
  handler: string;
  event: string;
  /** Events past this handler's subscriber cursor. */
  pending: number;
  /** Age of the oldest of those; 0 when the handler is up to date. */
  lagSeconds: number;
}

export interface ChannelFigure {
  channel: (typeof messageChannels)[number];
  /** Sent, delivered or read, all time. */
  sent: number;
  failed: number;
  queued: number;
  sentLastHour: number;
  failedLastHour: number;
}

export interface BackupFigure {
  enabled: boolean;
  lastAt: Date | null;
  lastFile: string | null;
  lastBytes: number | null;
  /** Hours since the last backup; null when none was recorded. */
  ageHours: number | null;
  maxAgeHours: number;
}

export interface DatabaseFigure {
  kind: "pglite" | "postgres";
  /** Connections this app's processes hold on the database (PostgreSQL), by state. */
  connections: { active: number; idle: number; total: number };
  /** The pool size of one process (postgres.js `max`; PGlite is one connection). */
  poolMax: number;
}

/**
 * What holds back event delivery (PostgreSQL): the event log is handed out only below the oldest
 * transaction of this database still open that writes (see the event bus's horizon), so one left
 * open ("idle in transaction", a long import, a console session) stops every handler.
 */
export interface HorizonFigure {
  /** The oldest open writing transaction of this database; null when none (or on PGlite). */
  holder: { pid: number; application: string; state: string; ageSeconds: number } | null;
  /** Committed events that wait behind it: no handler gets them before it ends. */
  waiting: number;
}

export interface OperationsFigures {
  at: Date;
  queues: QueueFigure[];
  handlers: HandlerFigure[];
  horizon: HorizonFigure;
  channels: ChannelFigure[];
  signInFailures24h: number;
  database: DatabaseFigure;
  backup: BackupFigure;
}

const num = (v: unknown) => Number(v ?? 0);

export async function queueFigures(db: Database, now: Date): Promise<QueueFigure[]> {
  const at = now.toISOString();
  const rows = rowsOf<{ name: string; waiting: string; active: string; failed: string; oldest: string | null }>(
    await db.execute(sql`
      select q.name,
        count(j.id) filter (where j.state in ('created', 'retry') and j.start_after <= ${at}::timestamptz) as waiting,
        count(j.id) filter (where j.state = 'active') as active,
        count(j.id) filter (where j.state = 'failed' and j.completed_on > ${at}::timestamptz - interval '24 hours') as failed,
        extract(epoch from ${at}::timestamptz - min(j.start_after) filter (where j.state in ('created', 'retry') and j.start_after <= ${at}::timestamptz)) as oldest
      from ${sql.raw(JOB_SCHEMA)}.queue q
      left join ${sql.raw(JOB_SCHEMA)}.job j on j.name = q.name and (j.state < 'completed' or j.state = 'failed')
      group by q.name
      order by q.name`),
  );
  return rows.map((r) => ({
    queue: r.name,
    waiting: num(r.waiting),
    active: num(r.active),
    failed24h: num(r.failed),
    oldestWaitSeconds: Math.max(0, Math.round(num(r.oldest))),
  }));
}

/**
 * Delivery lag per handler, as delivery works today: an event is delivered to a handler when an
 * event_deliveries row names both. (When delivery moves to per-handler positions in the event log,
 * only this function changes: lag = age of the first event after the handler's position.)
 */
/**
 * How far each event subscriber (a plugin's handlers, or a core handler) is behind the event log:
 * events past its cursor and the age of the oldest of them (see ADR 012). `handlers` names the
 * handlers registered now; a subscriber's figure is reported under each of its handler ids.
 */
export async function eventLag(db: Database, handlers: { id: string; event: string }[], now: Date): Promise<HandlerFigure[]> {
  if (handlers.length === 0) return [];
  const at = now.toISOString();
  const rows = rowsOf<{ subscriber: string; events: string[] | string; pending: string; oldest: string | null }>(
    await db.execute(sql`
      select c.subscriber, c.events, count(e.id) as pending, extract(epoch from ${at}::timestamptz - min(e.occurred_at)) as oldest
      from event_cursors c
      left join domain_events e on e.name = any(c.events) and (e.tx_id, e.id) > (c.tx_id, c.event_id)
      group by c.subscriber, c.events
      order by c.subscriber`),
  );
  const bySubscriberEvent = new Map<string, { pending: number; lagSeconds: number }>();
  for (const r of rows) {
    const events = Array.isArray(r.events) ? r.events : String(r.events).replace(/^\{|\}$/g, "").split(",");
    for (const event of events) bySubscriberEvent.set(`${r.subscriber}|${event}`, { pending: num(r.pending), lagSeconds: Math.max(0, Math.round(num(r.oldest))) });
  }
  return handlers.map((h) => {
    const subscriber = h.id.split(":")[0];
    const figure = bySubscriberEvent.get(`${subscriber}|${h.event}`) ?? bySubscriberEvent.get(`${h.id}|${h.event}`) ?? { pending: 0, lagSeconds: 0 };
    return { handler: h.id, event: h.event, ...figure };
  });
}

// the holder's age on the database's own clock: it is a fact about the server, not about the scrape
export async function horizonFigure(handle: DatabaseHandle): Promise<HorizonFigure> {
  if (handle.kind === "pglite") return { holder: null, waiting: 0 };
  const [row] = await handle.rows<{ pid: number; application: string; state: string | null; age: string; waiting: string }>(sql`
    with snap as (select (pg_snapshot_xmax(pg_current_snapshot())::text)::bigint as xmax),
    oldest as (
      select a.pid, coalesce(nullif(a.application_name, ''), a.usename) as application, a.state, a.xact_start,
        ${widenedXid(sql`(a.backend_xid::text)::bigint`, sql`snap.xmax`)} as xid
      from pg_stat_activity a, snap
      where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_xid is not null
      order by xid limit 1
    )
    select pid, application, state, extract(epoch from clock_timestamp() - xact_start) as age,
      (select count(*) from domain_events e where e.tx_id > oldest.xid) as waiting
    from oldest`);
  if (!row) return { holder: null, waiting: 0 };
  return {
    holder: { pid: Number(row.pid), application: row.application ?? "", state: row.state ?? "", ageSeconds: Math.max(0, Math.round(num(row.age))) },
    waiting: num(row.waiting),
  };
}

export async function channelFigures(db: Database, now: Date): Promise<ChannelFigure[]> {
  const at = now.toISOString();
  const rows = rowsOf<{ channel: string; sent: string; failed: string; queued: string; sent_hour: string; failed_hour: string }>(
    await db.execute(sql`
      select channel,
        count(*) filter (where status in ('sent', 'delivered', 'read')) as sent,
        count(*) filter (where status = 'failed') as failed,
        count(*) filter (where status = 'queued') as queued,
        count(*) filter (where status in ('sent', 'delivered', 'read') and created_at > ${at}::timestamptz - interval '1 hour') as sent_hour,
        count(*) filter (where status = 'failed' and created_at > ${at}::timestamptz - interval '1 hour') as failed_hour
      from messages group by channel`),
  );
  const byChannel = new Map(rows.map((r) => [r.channel, r]));
  return messageChannels.map((channel) => {
    const r = byChannel.get(channel);
    return {
      channel,
      sent: num(r?.sent),
      failed: num(r?.failed),
      queued: num(r?.queued),
      sentLastHour: num(r?.sent_hour),
      failedLastHour: num(r?.failed_hour),
    };
  });
}

export async function signInFailures(db: Database, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(and(eq(auditLog.action, "auth.sign_in_failed"), gte(auditLog.at, new Date(now.getTime() - 24 * 3600_000))));
  return Number(row.n);
}

/** The application name our PostgreSQL connections carry (db/client.ts sets it). */
export const appConnectionName = "nusa-crm";

export async function databaseFigures(handle: DatabaseHandle): Promise<DatabaseFigure> {
  if (handle.kind === "pglite") return { kind: "pglite", connections: { active: 1, idle: 0, total: 1 }, poolMax: 1 };
  const [row] = await handle.rows<{ active: string; idle: string; total: string }>(sql`
    select count(*) filter (where state = 'active') as active, count(*) filter (where state like 'idle%') as idle, count(*) as total
    from pg_stat_activity where datname = current_database() and application_name = ${appConnectionName}`);
  return { kind: "postgres", connections: { active: num(row?.active), idle: num(row?.idle), total: num(row?.total) }, poolMax: handle.poolMax ?? 10 };
}

export const lastBackupKey = "operations.lastBackup";
export const lastBackupSchema = z.object({
  at: z.string().datetime().nullable().default(null),
  file: z.string().nullable().default(null),
  bytes: z.number().nullable().default(null),
});

/** Remembered in the database, so every instance and the status page know it. */
export async function recordBackup(db: Database, backup: { at: Date; file: string; bytes: number }) {
  const value = { at: backup.at.toISOString(), file: backup.file, bytes: backup.bytes };
  await db.execute(sql`
    insert into app_settings (key, value) values (${lastBackupKey}, ${JSON.stringify(value)}::jsonb)
    on conflict (key) do update set value = excluded.value, updated_at = now()`);
}

export async function backupFigure(db: Database, ops: OperationsConfig, now: Date): Promise<BackupFigure> {
  const last = await readSetting(db, lastBackupKey, lastBackupSchema);
  const lastAt = last.at ? new Date(last.at) : null;
  return {
    enabled: ops.backupDir !== null,
    lastAt,
    lastFile: last.file,
    lastBytes: last.bytes,
    ageHours: lastAt ? Math.max(0, (now.getTime() - lastAt.getTime()) / 3600_000) : null,
    maxAgeHours: ops.backupMaxAgeHours,
  };
}

export async function collectOperationsFigures(
  handle: DatabaseHandle,
  input: { handlers: { id: string; event: string }[]; operations: OperationsConfig; now?: Date },
): Promise<OperationsFigures> {
  const now = input.now ?? new Date();
  const db = handle.db;
  // one after another: on PGlite there is one connection anyway, on PostgreSQL this is a scrape
  const queues = await queueFigures(db, now);
  const handlers = await eventLag(db, input.handlers, now);
  const horizon = await horizonFigure(handle);
  const channels = await channelFigures(db, now);
  const signIns = await signInFailures(db, now);
  const database = await databaseFigures(handle);
  const backup = await backupFigure(db, input.operations, now);
  return { at: now, queues, handlers, horizon, channels, signInFailures24h: signIns, database, backup };
}
