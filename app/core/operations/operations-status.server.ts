// The status page's data (/staff/settings/status): the operations figures with the alerts now
// firing, shaped for the page. Admins only (the route checks core.settings.manage).
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { activeAlerts, isHorizonHeld } from "./operations-alerts.server.ts";
import { collectOperationsFigures } from "./operations-figures.server.ts";

export async function loadOperationsStatus(runtime: Pick<AppRuntime, "database" | "registry" | "config">, now = new Date()) {
  const ops = runtime.config.operations;
  const figures = await collectOperationsFigures(runtime.database, { handlers: runtime.registry.eventHandlerIds(), operations: ops, now });
  const alerts = await activeAlerts(runtime.database.db);
  const since = (key: string) => alerts[key]?.since ?? null;
  return {
    at: figures.at.toISOString(),
    alertCount: Object.keys(alerts).length,
    queues: figures.queues.map((q) => ({
      ...q,
      behind: q.oldestWaitSeconds >= ops.alertQueueMinutes * 60,
      alertSince: since(`queue:${q.queue}`),
    })),
    handlers: figures.handlers.map((h) => ({
      ...h,
      behind: h.lagSeconds >= ops.alertEventLagMinutes * 60,
      alertSince: since(`handler:${h.handler}`),
    })),
    horizon: {
      ...figures.horizon,
      held: isHorizonHeld(figures.horizon, ops),
      alertSince: since("horizon"),
    },
    channels: figures.channels.map((c) => ({
      ...c,
      failing: c.failedLastHour >= ops.alertChannelFailures && c.sentLastHour === 0,
      alertSince: since(`channel:${c.channel}`),
    })),
    signInFailures24h: figures.signInFailures24h,
    database: figures.database,
    backup: {
      enabled: figures.backup.enabled,
      lastAt: figures.backup.lastAt?.toISOString() ?? null,
      lastFile: figures.backup.lastFile,
      lastBytes: figures.backup.lastBytes,
      ageHours: figures.backup.ageHours === null ? null : Math.floor(figures.backup.ageHours),
      maxAgeHours: figures.backup.maxAgeHours,
      late: figures.backup.enabled && figures.backup.ageHours !== null && figures.backup.ageHours > figures.backup.maxAgeHours,
      alertSince: since("backup"),
    },
  };
}
