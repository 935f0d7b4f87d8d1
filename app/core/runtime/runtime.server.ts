import { openDatabase, openPostgres, type Database, type DatabaseHandle } from "../../../db/client.ts";
import type { AppConfig } from "../config/config.server.ts";
import { rfmSnapshotCron, rfmSnapshotQueue, runRfmSnapshotJob, type SnapshotJobData } from "../analytics/rfm-snapshots.server.ts";
import { modelCheckQueue, runModelCheckJob } from "../analytics/model-check.server.ts";
import { accountEmailQueue, deliverAccountEmail } from "../auth/account-emails.server.ts";
import { sealPlainTotpSecrets } from "../auth/mfa.server.ts";
import { cleanUpSignInTables, sessionHousekeepingCron, sessionHousekeepingQueue } from "../auth/session-housekeeping.server.ts";
import { createEventBus, type EventBus } from "../events/event-bus.server.ts";
import { registerNamespaces } from "../i18n/i18n.server.ts";
import { createJobQueue, type JobQueue } from "../jobs/job-queue.server.ts";
import type { Logger } from "../logging/logger.server.ts";
import { createEmailTransport, deliverEmail, emailMaxAttempts, sendMessageQueue, type EmailTransport } from "../messaging/email.server.ts";
import { deliverUserNotice, userNoticeQueue } from "../messaging/user-notices.server.ts";
import { deliverWhatsApp, whatsappMaxAttempts, whatsappRetryDelaySeconds, whatsappSendQueue } from "../messaging/whatsapp.server.ts";
import { backupQueue, runScheduledBackup } from "../operations/backup-schedule.server.ts";
import { operationsAlertCron, operationsAlertQueue, runOperationsAlerts } from "../operations/operations-alerts.server.ts";
import type { InstalledPlugin, PluginServices } from "../plugins/contract.ts";
import { PluginRegistry } from "../plugins/registry.server.ts";
import {
  claimDueRuns,
  deliverReport,
  reportDeliveryMaxAttempts,
  reportDeliveryQueue,
  reportRunQueue,
  reportScheduleTickCron,
  reportScheduleTickQueue,
  runSubscription,
} from "../report-schedules/scheduled-runs.server.ts";
import { escalateDueRequests, requestEscalationCron, requestEscalationQueue } from "../privacy/request-desk.server.ts";
import { applyRetention, retentionCron, retentionQueue } from "../privacy/retention.server.ts";
import { kpiRollupCron, kpiRollupQueue, refreshKpiRollups } from "../reports/kpi-rollup.server.ts";
import { allKpis } from "../reports/kpis.server.ts";
import { campaignBatchQueue, runCampaignBatch } from "../segments/segment-campaigns.server.ts";
import { sendSurvey, surveySendQueue } from "../surveys/surveys.server.ts";
import { remindDueTasks, taskReminderCron, taskReminderQueue } from "../tasks/task-reminders.server.ts";
import { closeStaleResolvedTickets, ticketAutoCloseCron, ticketAutoCloseQueue } from "../tickets/ticket-auto-close.server.ts";
import { escalateBreachedTickets, ticketEscalationCron, ticketEscalationQueue } from "../tickets/ticket-escalation.server.ts";

/** Everything a request, job or test needs, built once per process. */
export interface AppRuntime {
  config: AppConfig;
  logger: Logger;
  database: DatabaseHandle;
  db: Database;
  /**
   * Where reports, exports and analytics read (ADR 024): the replica of DATABASE_READ_URL, else the
   * primary itself. It may lag behind: a screen that shows what its user just wrote reads `db`.
   */
  readDb: Database;
  /** The handle behind readDb: `database` itself when there is no replica. */
  readDatabase: DatabaseHandle;
  registry: PluginRegistry;
  jobs: JobQueue;
  bus: EventBus;
  email: EmailTransport;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: AppConfig;
  logger: Logger;
  plugins: InstalledPlugin[];
  /** An already open database (tests); otherwise opened from config. */
  database?: DatabaseHandle;
  /** An already open read database (tests); otherwise the replica of config.databaseReadUrl, or the primary. */
  readDatabase?: DatabaseHandle;
  /** Run queue workers in this process (servers yes; tests drain by hand). */
  workers: boolean;
  pollingIntervalSeconds?: number;
}

export async function startRuntime(options: StartOptions): Promise<AppRuntime> {
  const { config, logger } = options;
  const registry = await PluginRegistry.load(options.plugins);
  registerNamespaces(registry.locales());
  const database = options.database ?? (await openDatabase(config));
  // a replica opened here is closed with the runtime; one given by the caller stays the caller's
  let ownReplica: DatabaseHandle | undefined;
  try {
    if (!options.readDatabase && config.databaseReadUrl) ownReplica = await openPostgres(config.databaseReadUrl);
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }
  const readDatabase = options.readDatabase ?? ownReplica ?? database;
  try {
    if (!options.database) await database.migrate();
    await registry.sync(database.db, config.initialPlugins);
    if (config.secretsKeyIsDevelopmentDefault && config.env !== "test") {
      logger.warn("SECRETS_KEY is not set: TOTP secrets are sealed with the public development key. Set SECRETS_KEY (openssl rand -base64 32) before real users enrol.");
    }
    // TOTP secrets stored in clear before they were sealed (issue 12): sealed once, at start
    const sealed = await sealPlainTotpSecrets(database.db, config.secretsKey);
    if (sealed) logger.info({ sealed }, "TOTP secrets sealed with SECRETS_KEY");
    const jobs = createJobQueue(database, { logger, workers: options.workers, pollingIntervalSeconds: options.pollingIntervalSeconds });
    // plugins' handlers and jobs get the queue and the bus (the bus is created below; emit reads it late)
    const services: PluginServices = {
      jobs,
      emit: (db, event, payload) => bus.emit(db, event, payload),
      emitMany: (db, event, payloads) => bus.emitMany(db, event, payloads),
      appOrigin: config.appOrigin,
    };
    const bus: EventBus = createEventBus({
      handle: database,
      jobs,
      logger,
      handlers: registry.eventHandlers(services),
      definitions: registry.eventDefinitions(),
      isEnabled: (pluginId) => registry.isEnabled(database.db, pluginId),
    });
    const email = createEmailTransport(config.smtpUrl);
    jobs.define(
      sendMessageQueue,
      async (data, ctx) => deliverEmail(ctx.db, email, config.mailFrom, String(data.messageId), ctx.logger, config.appOrigin),
      { retryLimit: emailMaxAttempts - 1, retryDelay: 30, retryBackoff: true },
    );
    jobs.define(whatsappSendQueue, async (data, ctx) => deliverWhatsApp(ctx.db, String(data.messageId), ctx.logger, jobs), {
      retryLimit: whatsappMaxAttempts - 1,
      retryDelay: whatsappRetryDelaySeconds,
      retryBackoff: true,
    });
    // tickets, tasks and surveys (issue 3): SLA escalation and task reminders by cron, survey e-mails on demand
    jobs.define(ticketEscalationQueue, async (_data, ctx) => void (await escalateBreachedTickets(ctx.db, { jobs, config }, ctx.logger)), {
      cron: ticketEscalationCron,
    });
    jobs.define(ticketAutoCloseQueue, async (_data, ctx) => void (await closeStaleResolvedTickets(ctx.db, jobs)), { cron: ticketAutoCloseCron });
    jobs.define(taskReminderQueue, async (_data, ctx) => void (await remindDueTasks(ctx.db, { jobs, config })), { cron: taskReminderCron });
    jobs.define(surveySendQueue, async (data, ctx) => sendSurvey(ctx.db, { jobs, config }, String(data.surveyId)), {
      retryLimit: 5,
      retryDelay: 30,
      retryBackoff: true,
    });
    // work notices to staff and partner users (plugin-api notifyUsers): recipients and e-mails made here
    jobs.define(userNoticeQueue, async (data, ctx) => void (await deliverUserNotice(ctx.db, { jobs, config }, data)), {
      retryLimit: 5,
      retryDelay: 30,
      retryBackoff: true,
    });
    // account e-mails typed in by anyone (issue 12, 9b): looked up and rendered here, not in the request
    jobs.define(accountEmailQueue, async (data, ctx) => void (await deliverAccountEmail(ctx.db, { jobs, config }, data)), { retryLimit: 5, retryDelay: 30, retryBackoff: true });
    // ended sessions, old sign-in attempts and expired links (issue 12): rows past their end, deleted hourly
    jobs.define(sessionHousekeepingQueue, async (_data, ctx) => {
      const removed = await cleanUpSignInTables(ctx.db);
      if (removed.sessions || removed.attempts || removed.tokens) ctx.logger.info(removed, "sign-in tables cleaned up");
    }, { cron: sessionHousekeepingCron, retryLimit: 0 });
    jobs.define(campaignBatchQueue, async (data, ctx) => void (await runCampaignBatch(ctx.db, jobs, String(data.campaignId))), { retryLimit: 5, retryDelay: 30, retryBackoff: true });
    // privacy (issue 12): the request desk's escalation a day before the deadline, nightly retention
    jobs.define(requestEscalationQueue, async (_data, ctx) => void (await escalateDueRequests(ctx.db, { jobs, config })), { cron: requestEscalationCron });
    jobs.define(
      retentionQueue,
      async (_data, ctx) => {
        const run = await applyRetention(ctx.db, registry);
        if (run.destroyed.length) ctx.logger.info({ destroyed: run.destroyed.map(({ table, rows }) => ({ table, rows })) }, "retention applied");
      },
      { cron: retentionCron, retryLimit: 1, retryDelay: 600, expireInSeconds: 3600 },
    );
    // operations (issue 17): the scheduled backup and the alert e-mails to admins
    const operations = config.operations;
    if (operations.backupDir) {
      jobs.define(backupQueue, async (_data, ctx) => {
        const result = await runScheduledBackup(database, operations);
        if (result) ctx.logger.info({ file: result.file, bytes: result.bytes, removed: result.removed.length }, "scheduled backup written");
      }, { cron: operations.backupCron, retryLimit: 1, retryDelay: 600, expireInSeconds: 4 * 3600 });
    }
    jobs.define(operationsAlertQueue, async () => void (await runOperationsAlerts(database, { jobs, config, handlers: registry.eventHandlerIds() })), {
      cron: operationsAlertCron,
      retryLimit: 0,
    });
    // customer analytics (issue 10): the nightly RFM snapshot, and an admin's on demand (keyed apart so neither drops the other)
    jobs.define<SnapshotJobData>(
      rfmSnapshotQueue,
      async (data, ctx) => {
        const outcome = await runRfmSnapshotJob(ctx.db, registry, data);
        if (outcome) ctx.logger.info(outcome, "RFM snapshot computed");
      },
      { cron: rfmSnapshotCron, policy: "stately", retryLimit: 1, retryDelay: 600, expireInSeconds: 2 * 3600 },
    );
    // customer analytics (issue 10): the model check fits on demand, seconds to minutes
    jobs.define(modelCheckQueue, async (data, ctx) => runModelCheckJob(ctx.db, registry, String(data.checkId)), { retryLimit: 0, expireInSeconds: 30 * 60 });
    // scheduled reports (issue 9): a tick claims due subscriptions, a run decides and fans out, a delivery sends
    const reportDeps = { db: database.db, readDb: readDatabase.db, registry, jobs, email, mailFrom: config.mailFrom, appOrigin: config.appOrigin, logger };
    jobs.define(reportScheduleTickQueue, async (_data, ctx) => void (await claimDueRuns({ db: ctx.db, jobs })), { cron: reportScheduleTickCron, retryLimit: 0 });
    jobs.define(reportRunQueue, async (data, ctx) => void (await runSubscription({ ...reportDeps, db: ctx.db }, String(data.subscriptionId), String(data.runAt))), {
      retryLimit: 3,
      retryDelay: 60,
      retryBackoff: true,
    });
    jobs.define(reportDeliveryQueue, async (data, ctx) => deliverReport({ ...reportDeps, db: ctx.db, logger: ctx.logger }, String(data.deliveryId)), {
      retryLimit: reportDeliveryMaxAttempts - 1,
      retryDelay: 60,
      retryBackoff: true,
    });
    // dashboards (issue 9, ADR 021): the daily KPI rollups, refreshed for the touched days each minute
    jobs.define(
      kpiRollupQueue,
      async (_data, ctx) => {
        const result = await refreshKpiRollups(ctx.db, allKpis(registry));
        if (result.full || result.ms > 10_000) ctx.logger.info(result, "KPI rollups refreshed");
      },
      { cron: kpiRollupCron, policy: "singleton", retryLimit: 0, expireInSeconds: 3600 },
    );
    for (const job of registry.jobs()) {
      jobs.define(job.queue, (data, ctx) => job.run(data, { ...ctx, services }), { cron: job.cron, isActive: () => registry.isEnabled(database.db, job.pluginId) });
    }
    await bus.start();
    await jobs.start();
    let stopped = false;
    return {
      config,
      logger,
      database,
      db: database.db,
      readDb: readDatabase.db,
      readDatabase,
      registry,
      jobs,
      bus,
      email,
      async stop() {
        if (stopped) return;
        stopped = true;
        await jobs.stop();
        await ownReplica?.close();
        if (!options.database) await database.close();
      },
    };
  } catch (error) {
    await ownReplica?.close();
    if (!options.database) await database.close();
    throw error;
  }
}
