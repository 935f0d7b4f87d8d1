// Domain events through a transactional outbox: an event row and the job that delivers it are
// written in the transaction of the change they announce. Each handler's delivery is recorded in
// the same transaction as the handler's own writes, so a retried job never applies a handler twice.
import { eq, sql } from "drizzle-orm";
import { rowsOf, type Database, type DatabaseHandle } from "../../../db/client.ts";
import { domainEvents, eventDeliveries } from "../../../db/schema/index.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { DomainEvent, EventHandler } from "../plugins/contract.ts";
import { JOB_SCHEMA, type JobQueue } from "../jobs/job-queue.server.ts";

/**
 * Event name -> payload. Emitting modules add their events by declaration merging:
 * `declare module "#app/core/events/event-bus.server.ts" { interface EventMap { "pos.sale.recorded": SaleRecordedV1 } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface -- filled by declaration merging
export interface EventMap {}

/** The payload of a known event; any JSON object for a name no module declared. */
export type EventPayload<N extends string> = N extends keyof EventMap ? EventMap[N] : Record<string, unknown>;

export interface RegisteredHandler {
  /** Unique, e.g. "retail-loyalty:pos.sale.recorded"; recorded with each delivery. */
  id: string;
  /** The plugin it belongs to; null for core handlers, which are always enabled. */
  pluginId: string | null;
  event: string;
  run: EventHandler;
}

export interface DeliveryReport {
  eventId: number;
  delivered: string[];
  skipped: string[];
  /** Delivered or skipped earlier (a retried or duplicate job). */
  alreadyDone: string[];
  failed: { handler: string; error: unknown }[];
}

export interface EventBus {
  /** Records an event in `db`'s transaction and enqueues its delivery in the same transaction. */
  emit<N extends string>(db: Database, name: N, payload: EventPayload<N>): Promise<number>;
  /** Records several events of one name at once (one insert, one batch of delivery jobs); their ids in order. */
  emitMany<N extends string>(db: Database, name: N, payloads: EventPayload<N>[]): Promise<number[]>;
  /** Delivers one event to every handler of its name that has not had it yet (the job's body). */
  deliver(eventId: number): Promise<DeliveryReport>;
  /** Re-enqueues events in the window that miss a delivery and have no live delivery job. */
  redeliverPending(db: Database, options: { since: Date; before?: Date; limit?: number }): Promise<number>;
}

export const DELIVER_JOB = "core.events.deliver";
export const REDELIVER_JOB = "core.events.redeliver";

export class EventDeliveryError extends Error {
  constructor(readonly report: DeliveryReport) {
    super(
      `${report.failed.length} handler(s) failed for event ${report.eventId}: ` +
        report.failed.map((f) => f.handler).join(", "),
    );
    this.name = "EventDeliveryError";
  }
}

export function createEventBus(options: {
  handle: DatabaseHandle;
  jobs: JobQueue;
  logger: Logger;
  handlers: RegisteredHandler[];
  isEnabled: (pluginId: string) => Promise<boolean>;
  /** Retries of a delivery job; a handler that keeps failing is picked up again by the sweep. */
  retry?: { retryLimit?: number; retryDelay?: number; retryBackoff?: boolean };
  /** When the sweep runs (UTC cron); null to not schedule it. */
  redeliverCron?: string | null;
}): EventBus {
  const { handle, jobs, isEnabled } = options;
  const logger = options.logger.child({ module: "events" });

  const byEvent = new Map<string, RegisteredHandler[]>();
  const ids = new Set<string>();
  for (const handler of options.handlers) {
    if (ids.has(handler.id)) throw new Error(`Event handler "${handler.id}" is registered twice`);
    ids.add(handler.id);
    byEvent.set(handler.event, [...(byEvent.get(handler.event) ?? []), handler]);
  }

  async function deliver(eventId: number): Promise<DeliveryReport> {
    const report: DeliveryReport = { eventId, delivered: [], skipped: [], alreadyDone: [], failed: [] };
    const [row] = await handle.db.select().from(domainEvents).where(eq(domainEvents.id, eventId));
    if (!row) {
      logger.warn({ eventId }, "event to deliver no longer exists");
      return report;
    }
    const targets = byEvent.get(row.name) ?? [];
    if (targets.length === 0) return report;

    const event: DomainEvent = { id: row.id, name: row.name, payload: row.payload, occurredAt: row.occurredAt };
    const done = new Set(
      (
        await handle.db
          .select({ handler: eventDeliveries.handler })
          .from(eventDeliveries)
          .where(eq(eventDeliveries.eventId, eventId))
      ).map((d) => d.handler),
    );

    for (const handler of targets) {
      if (done.has(handler.id)) {
        report.alreadyDone.push(handler.id);
        continue;
      }
      const log = logger.child({ eventId, event: row.name, handler: handler.id });
      try {
        // Asked before the transaction opens: on PGlite a query outside it would wait for it forever.
        const enabled = handler.pluginId === null || (await isEnabled(handler.pluginId));
        const outcome = await handle.db.transaction(async (tx) => {
          const inserted = await tx
            .insert(eventDeliveries)
            .values({ eventId, handler: handler.id, status: enabled ? "delivered" : "skipped" })
            .onConflictDoNothing()
            .returning({ handler: eventDeliveries.handler });
          // another job recorded it after we looked
          if (inserted.length === 0) return "alreadyDone" as const;
          if (!enabled) return "skipped" as const;
          await handler.run(event, { db: tx, logger: log });
          return "delivered" as const;
        });
        report[outcome].push(handler.id);
      } catch (error) {
        log.error({ err: error }, "event handler failed");
        report.failed.push({ handler: handler.id, error });
      }
    }
    return report;
  }

  async function redeliverPending(db: Database, window: { since: Date; before?: Date; limit?: number }) {
    const pairs = [...byEvent.values()].flat();
    if (pairs.length === 0) return 0;
    const before = window.before ?? new Date();
    const expected = sql.join(
      pairs.map((h) => sql`(${h.event}, ${h.id})`),
      sql`, `,
    );
    const rows = rowsOf<{ id: number | string }>(
      await db.execute(sql`
        select distinct e.id
        from domain_events e
        join (values ${expected}) as h(event, handler) on h.event = e.name
        where e.occurred_at >= ${window.since.toISOString()}::timestamptz
          and e.occurred_at < ${before.toISOString()}::timestamptz
          and not exists (select 1 from event_deliveries d where d.event_id = e.id and d.handler = h.handler)
          and not exists (
            select 1 from ${sql.raw(JOB_SCHEMA)}.job j
            where j.name = ${DELIVER_JOB} and j.state < 'completed' and (j.data->>'eventId')::bigint = e.id
          )
        order by e.id
        limit ${window.limit ?? 1000}
      `),
    );
    for (const row of rows) {
      await jobs.send(DELIVER_JOB, { eventId: Number(row.id) }, { db });
    }
    if (rows.length > 0) logger.info({ events: rows.length }, "re-enqueued events with missing deliveries");
    return rows.length;
  }

  jobs.define<{ eventId: number }>(
    DELIVER_JOB,
    async ({ eventId }) => {
      const report = await deliver(Number(eventId));
      // failing the job makes pg-boss retry it; handlers already delivered are not run again
      if (report.failed.length > 0) throw new EventDeliveryError(report);
    },
    { retryLimit: 5, retryDelay: 30, retryBackoff: true, ...options.retry },
  );

  const redeliverCron = options.redeliverCron === undefined ? "*/15 * * * *" : options.redeliverCron;
  jobs.define(
    REDELIVER_JOB,
    async (_data, ctx) => {
      const now = Date.now();
      // a day back; younger than a minute is still in its first delivery
      await redeliverPending(ctx.db, { since: new Date(now - 24 * 3600_000), before: new Date(now - 60_000) });
    },
    redeliverCron ? { cron: redeliverCron, retryLimit: 0 } : { retryLimit: 0 },
  );

  return {
    async emit(db, name, payload) {
      // a savepoint inside the caller's transaction, or a transaction of its own
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(domainEvents)
          .values({ name, payload: payload as Record<string, unknown> })
          .returning({ id: domainEvents.id });
        if (byEvent.has(name)) await jobs.send(DELIVER_JOB, { eventId: row.id }, { db: tx });
        return row.id;
      });
    },
    async emitMany(db, name, payloads) {
      if (payloads.length === 0) return [];
      return db.transaction(async (tx) => {
        const rows = await tx
          .insert(domainEvents)
          .values(payloads.map((payload) => ({ name, payload: payload as Record<string, unknown> })))
          .returning({ id: domainEvents.id });
        if (byEvent.has(name)) await jobs.sendMany(DELIVER_JOB, rows.map((row) => ({ eventId: row.id })), { db: tx });
        return rows.map((row) => row.id);
      });
    },
    deliver,
    redeliverPending,
  };
}
