import type { Lucia } from "lucia";
import { openDatabase, type Database, type DatabaseHandle } from "../../../db/client.ts";
import { createLucia } from "../auth/lucia.server.ts";
import type { AppConfig } from "../config/config.server.ts";
import { createEventBus, type EventBus } from "../events/event-bus.server.ts";
import { registerNamespaces } from "../i18n/i18n.server.ts";
import { createJobQueue, type JobQueue } from "../jobs/job-queue.server.ts";
import type { Logger } from "../logging/logger.server.ts";
import { createEmailTransport, deliverEmail, emailMaxAttempts, sendMessageQueue, type EmailTransport } from "../messaging/email.server.ts";
import { deliverUserNotice, userNoticeQueue } from "../messaging/user-notices.server.ts";
import { deliverWhatsApp, whatsappMaxAttempts, whatsappRetryDelaySeconds, whatsappSendQueue } from "../messaging/whatsapp.server.ts";
import type { InstalledPlugin, PluginServices } from "../plugins/contract.ts";
import { PluginRegistry } from "../plugins/registry.server.ts";
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
  lucia: Lucia;
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
  /** Run queue workers in this process (servers yes; tests drain by hand). */
  workers: boolean;
  pollingIntervalSeconds?: number;
}

export async function startRuntime(options: StartOptions): Promise<AppRuntime> {
  const { config, logger } = options;
  const registry = await PluginRegistry.load(options.plugins);
  registerNamespaces(registry.locales());
  const database = options.database ?? (await openDatabase(config));
  try {
    if (!options.database) await database.migrate();
    await registry.sync(database.db, config.initialPlugins);
    const jobs = createJobQueue(database, { logger, workers: options.workers, pollingIntervalSeconds: options.pollingIntervalSeconds });
    // plugins' handlers and jobs get the queue and the bus (the bus is created below; emit reads it late)
    const services: PluginServices = {
      jobs,
      emit: (db, name, payload) => bus.emit(db, name, payload),
      emitMany: (db, name, payloads) => bus.emitMany(db, name, payloads),
      appOrigin: config.appOrigin,
    };
    const bus: EventBus = createEventBus({
      handle: database,
      jobs,
      logger,
      handlers: registry.eventHandlers(services),
      isEnabled: (pluginId) => registry.isEnabled(database.db, pluginId),
    });
    const email = createEmailTransport(config.smtpUrl);
    jobs.define(
      sendMessageQueue,
      async (data, ctx) => deliverEmail(ctx.db, email, config.mailFrom, String(data.messageId), ctx.logger),
      { retryLimit: emailMaxAttempts - 1, retryDelay: 30, retryBackoff: true },
    );
    jobs.define(whatsappSendQueue, async (data, ctx) => deliverWhatsApp(ctx.db, String(data.messageId), ctx.logger), {
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
    jobs.define(campaignBatchQueue, async (data, ctx) => void (await runCampaignBatch(ctx.db, jobs, String(data.campaignId))), { retryLimit: 5, retryDelay: 30, retryBackoff: true });
    for (const job of registry.jobs()) {
      jobs.define(job.queue, (data, ctx) => job.run(data, { ...ctx, services }), { cron: job.cron, isActive: () => registry.isEnabled(database.db, job.pluginId) });
    }
    await jobs.start();
    const lucia = createLucia(database.db, { secure: config.cookieSecure });
    let stopped = false;
    return {
      config,
      logger,
      database,
      db: database.db,
      lucia,
      registry,
      jobs,
      bus,
      email,
      async stop() {
        if (stopped) return;
        stopped = true;
        await jobs.stop();
        if (!options.database) await database.close();
      },
    };
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }
}
