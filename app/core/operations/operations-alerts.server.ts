// Alerts an admin sees (issue 17): every few minutes a cron job reads the operations figures and
// e-mails the admins when a queue or an event handler falls behind, a message channel keeps
// failing, or the last backup is late. Each alert is sent once per episode: the alerts firing are
// remembered in app_settings; an alert is mailed when it starts and again only after it has
// cleared and started anew.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, DatabaseHandle } from "../../../db/client.ts";
import { roles, userRoles, users } from "../../../db/schema/index.ts";
import type { AppConfig, OperationsConfig } from "../config/config.server.ts";
import type { JobSender } from "../messaging/email.server.ts";
import { notifyUsers, type UserNoticeAudience } from "../messaging/user-notices.server.ts";
import { readSetting } from "../settings/app-settings.server.ts";
import { collectOperationsFigures, type HorizonFigure, type OperationsFigures } from "./operations-figures.server.ts";

export const operationsAlertQueue = "core.operations.alerts";
export const operationsAlertCron = "*/5 * * * *";
export const alertStateKey = "operations.alertState";
export const statusPagePath = "/staff/settings/status";

export type AlertKind = "queueBehind" | "handlerBehind" | "horizonHeld" | "channelFailing" | "backupLate";

export interface Alert {
  /** One per thing watched: "queue:<name>", "handler:<id>", "horizon", "channel:<name>", "backup". */
  key: string;
  kind: AlertKind;
  params: Record<string, string | number>;
  localizedParams?: Record<string, string>;
}

const stateSchema = z.object({
  active: z.record(z.object({ since: z.string() })).default({}),
  /** With backups on and none recorded yet, the last backup counts as late this long after this. */
  backupWatchSince: z.string().nullable().default(null),
});
type AlertState = z.infer<typeof stateSchema>;

/** A transaction open as long as a handler may lag, with committed events waiting behind it. */
export function isHorizonHeld(horizon: HorizonFigure, ops: OperationsConfig): boolean {
  return horizon.holder !== null && horizon.waiting > 0 && horizon.holder.ageSeconds >= ops.alertEventLagMinutes * 60;
}

/** The alerts the figures call for now. */
export function evaluateAlerts(f: OperationsFigures, ops: OperationsConfig, state: Pick<AlertState, "backupWatchSince"> = { backupWatchSince: null }): Alert[] {
  const alerts: Alert[] = [];
  for (const q of f.queues) {
    if (q.oldestWaitSeconds >= ops.alertQueueMinutes * 60) {
      alerts.push({ key: `queue:${q.queue}`, kind: "queueBehind", params: { queue: q.queue, minutes: Math.floor(q.oldestWaitSeconds / 60), waiting: q.waiting } });
    }
  }
  for (const h of f.handlers) {
    if (h.lagSeconds >= ops.alertEventLagMinutes * 60) {
      alerts.push({ key: `handler:${h.handler}`, kind: "handlerBehind", params: { handler: h.handler, minutes: Math.floor(h.lagSeconds / 60), pending: h.pending } });
    }
  }
  const holder = f.horizon.holder;
  if (holder && isHorizonHeld(f.horizon, ops)) {
    alerts.push({
      key: "horizon",
      kind: "horizonHeld",
      params: { pid: holder.pid, application: holder.application, state: holder.state, minutes: Math.floor(holder.ageSeconds / 60), waiting: f.horizon.waiting },
    });
  }
  for (const c of f.channels) {
    // keeps failing: many failures within the hour and not one message through
    if (c.failedLastHour >= ops.alertChannelFailures && c.sentLastHour === 0) {
      alerts.push({
        key: `channel:${c.channel}`,
        kind: "channelFailing",
        params: { failed: c.failedLastHour },
        localizedParams: { channel: `operations:channels.${c.channel}` },
      });
    }
  }
  if (f.backup.enabled) {
    const since = f.backup.lastAt ?? (state.backupWatchSince ? new Date(state.backupWatchSince) : null);
    const hours = since ? (f.at.getTime() - since.getTime()) / 3600_000 : 0;
    if (hours > f.backup.maxAgeHours) {
      alerts.push({ key: "backup", kind: "backupLate", params: { hours: Math.floor(hours), maxHours: f.backup.maxAgeHours } });
    }
  }
  return alerts;
}

/** Active staff users whose role holds every permission. */
export async function adminUserIds(db: Database): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: users.id })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(eq(users.kind, "staff"), eq(users.active, true), eq(roles.allPermissions, true)));
  return rows.map((r) => r.id);
}

async function writeState(db: Database, state: AlertState) {
  await db.execute(sql`
    insert into app_settings (key, value) values (${alertStateKey}, ${JSON.stringify(state)}::jsonb)
    on conflict (key) do update set value = excluded.value, updated_at = now()`);
}

export interface AlertRunResult {
  firing: string[];
  /** Alerts that started in this run and were mailed. */
  notified: string[];
  /** Alerts of the previous run that have cleared. */
  cleared: string[];
}

/** The cron job's body: reads the figures, mails alerts that started, forgets those that ended. */
export async function runOperationsAlerts(
  handle: DatabaseHandle,
  runtime: { jobs: JobSender; config: Pick<AppConfig, "operations">; handlers: { id: string; event: string }[] },
  now = new Date(),
): Promise<AlertRunResult> {
  const db = handle.db;
  const ops = runtime.config.operations;
  const state = await readSetting(db, alertStateKey, stateSchema);
  const figures = await collectOperationsFigures(handle, { handlers: runtime.handlers, operations: ops, now });
  const backupWatchSince = ops.backupDir && !figures.backup.lastAt ? (state.backupWatchSince ?? now.toISOString()) : null;
  const alerts = evaluateAlerts(figures, ops, { backupWatchSince });
  const firing = new Set(alerts.map((a) => a.key));
  const started = alerts.filter((a) => !state.active[a.key]);
  const cleared = Object.keys(state.active).filter((key) => !firing.has(key));
  const next: AlertState = {
    active: Object.fromEntries(alerts.map((a) => [a.key, state.active[a.key] ?? { since: now.toISOString() }])),
    backupWatchSince,
  };
  const changed = started.length > 0 || cleared.length > 0 || next.backupWatchSince !== state.backupWatchSince;
  if (changed) {
    const admins = started.length ? await adminUserIds(db) : [];
    // the notices and the state commit together: a failed run neither mails twice nor forgets to mail
    await db.transaction(async (tx) => {
      await writeState(tx, next);
      if (admins.length === 0) return;
      const audiences: UserNoticeAudience[] = [];
      for (let i = 0; i < admins.length && audiences.length < 5; i += 50) audiences.push({ kind: "staffUsers", userIds: admins.slice(i, i + 50) });
      for (const alert of started) {
        await notifyUsers(tx, runtime.jobs, {
          audiences,
          template: `operations.${alert.kind}`,
          params: alert.params,
          localizedParams: alert.localizedParams,
          path: statusPagePath,
        });
      }
    });
  }
  return { firing: [...firing], notified: started.map((a) => a.key), cleared };
}

/** Which alerts are firing now, for the status page. */
export async function activeAlerts(db: Database): Promise<Record<string, { since: string }>> {
  return (await readSetting(db, alertStateKey, stateSchema)).active;
}
