// The event log and its delivery (ADR 012).
//
// Emitting writes an event row in the transaction of the change it announces (outbox) and, in the
// same transaction, wakes the delivery job of each subscriber that handles it. A subscriber (the
// handlers of one plugin, or one core handler) reads the log in order through its own cursor:
// a batch of events and the cursor's new position are written in one transaction with the
// handlers' own writes, so each event is applied exactly once per subscriber, in log order, across
// crashes and retries. Subscribers have their own queues: a slow or failing one holds up no other.
// An event that keeps failing is parked with its error (admins see and retry it), and the cursor
// moves on.
import { and, eq, sql, type SQL } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import { rowsOf, type Database, type DatabaseHandle } from "../../../db/client.ts";
import { domainEvents, eventCursors, eventParked } from "../../../db/schema/index.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { DomainEvent, EventHandler, HandlerContext } from "../plugins/contract.ts";
import type { JobQueue } from "../jobs/job-queue.server.ts";
import type { EventDefinition, EventInput } from "./event-definitions.ts";

export type { EventName, EventPayload } from "./event-definitions.ts";

/** Thrown by emit for an event no module registered, or a payload its definition refuses. */
export class EventDefinitionError extends Error {
  constructor(
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
    this.name = "EventDefinitionError";
  }
}

/** Consecutive events of one name, in log order, handed to a handler in one call. */
export type BatchHandler = (events: DomainEvent[], ctx: HandlerContext) => Promise<void>;

export interface RegisteredHandler {
  /** Unique, e.g. "retail-loyalty:pos.sale.recorded". */
  id: string;
  /** The plugin it belongs to; null for core handlers, which are always enabled. */
  pluginId: string | null;
  event: string;
  /** Called once per event… */
  run?: EventHandler;
  /** …or with consecutive events of its name at once. */
  batch?: BatchHandler;
}

/** What one subscriber's run did. */
export interface DeliveryRun {
  subscriber: string;
  applied: number;
  skipped: number;
  parked: number;
  /** Stopped at a failing event that will be retried after a backoff. */
  stalled: boolean;
}

export interface ParkedEvent {
  subscriber: string;
  eventId: number;
  name: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
  error: string;
  attempts: number;
  parkedAt: Date;
  lastTriedAt: Date;
}

export interface EventBus {
  /** Validates the payload by the event's definition, records it in `db`'s transaction and wakes its subscribers there. */
  emit<D extends EventDefinition>(db: Database, event: D, payload: EventInput<D>): Promise<number>;
  /** Records several events of one definition at once (one insert); their ids in order. */
  emitMany<D extends EventDefinition>(db: Database, event: D, payloads: EventInput<D>[]): Promise<number[]>;
  /** Creates missing cursors (a new subscriber starts at the end of the log). Called once at start. */
  start(): Promise<void>;
  /** The subscribers, by key (plugin id or core handler id). */
  subscribers(): string[];
  /** Reads and applies one subscriber's pending events now, until caught up or stalled (the job's body). */
  deliver(subscriber: string): Promise<DeliveryRun>;
  /** Runs every subscriber until caught up (tests, the sweep). */
  deliverAll(): Promise<DeliveryRun[]>;
  /** Parked events, oldest first. */
  parked(db: Database, options?: { limit?: number }): Promise<ParkedEvent[]>;
  /** Applies one parked event again; removed from the parking when it succeeds. */
  retryParked(subscriber: string, eventId: number): Promise<{ ok: true } | { ok: false; error: string }>;
}

export const DELIVER_QUEUE_PREFIX = "core.events.deliver.";
export const SWEEP_JOB = "core.events.sweep";

export interface EventBusOptions {
  handle: DatabaseHandle;
  jobs: JobQueue;
  logger: Logger;
  handlers: RegisteredHandler[];
  /** Every event that may be emitted (core and plugins); emitting anything else throws. */
  definitions: readonly EventDefinition[];
  isEnabled: (pluginId: string) => Promise<boolean>;
  /** Events read per transaction (default 500). */
  batchSize?: number;
  /** Failures of one event before it is parked (default 5). */
  maxAttempts?: number;
  /** Seconds before retrying a failed event; doubles per failure (default 5). */
  retryDelaySeconds?: number;
  /** When the sweep runs (UTC cron); null to not schedule it. */
  sweepCron?: string | null;
  /** Test hook: runs inside a batch's transaction after the cursor moved; throwing there is a crash before commit. */
  beforeCommit?: (subscriber: string, eventIds: number[]) => void | Promise<void>;
}

interface Subscriber {
  key: string;
  pluginId: string | null;
  queue: string;
  handlers: Map<string, RegisteredHandler>;
}

interface LogRow {
  id: number;
  tx_id: number;
  name: string;
  version: number;
  payload: Record<string, unknown>;
  occurred_at: Date | string;
}

/** Widens a 32-bit transaction id (`xid32`) to 64 bits by its distance from a 64-bit `xmax`. */
export function widenedXid(xid32: SQL, xmax: SQL): SQL {
  return sql`(${xmax} + case when (${xid32} - (${xmax} & 4294967295)) > 2147483648 then (${xid32} - (${xmax} & 4294967295)) - 4294967296
    when (${xid32} - (${xmax} & 4294967295)) < -2147483648 then (${xid32} - (${xmax} & 4294967295)) + 4294967296
    else (${xid32} - (${xmax} & 4294967295)) end)`;
}

/**
 * The log's read position: every transaction of this database below it has ended, so nothing can
 * appear behind it any more. PGlite has one backend: the snapshot's xmin. On PostgreSQL the
 * snapshot's xmin is cluster-wide, so a long transaction in another database (a report, a bench,
 * a migration) would stop delivery here: the horizon is the oldest transaction id still running in
 * this database (pg_stat_activity gives it as 32 bits: widened by its distance from the snapshot's
 * xmax), or the xmax when none runs. A session of this database hidden from us (another role,
 * without pg_read_all_stats) could be writing events: then the cluster-wide xmin it is.
 */
const horizonSql = {
  pglite: sql`(pg_snapshot_xmin(pg_current_snapshot())::text)::bigint`,
  postgres: sql`(
    with snap as (select (pg_snapshot_xmax(pg_current_snapshot())::text)::bigint as xmax),
    here as (
      select (backend_xid::text)::bigint as xid32, backend_xid is null and query = '<insufficient privilege>' as hidden
      from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
    )
    select case
      when exists (select 1 from here where hidden) then (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint
      else least(snap.xmax, (select min(${widenedXid(sql`xid32`, sql`snap.xmax`)}) from here where xid32 is not null))
    end
    from snap
  )`,
};

export function createEventBus(options: EventBusOptions): EventBus {
  const { handle, jobs, isEnabled } = options;
  const logger = options.logger.child({ module: "events" });
  const batchSize = options.batchSize ?? 500;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelaySeconds = options.retryDelaySeconds ?? 5;
  const horizon = handle.kind === "pglite" ? horizonSql.pglite : horizonSql.postgres;

  const definitions = new Map<string, EventDefinition>();
  for (const definition of options.definitions) {
    if (definitions.has(definition.name)) throw new Error(`Event "${definition.name}" is defined twice`);
    definitions.set(definition.name, definition);
  }

  const subscribers = new Map<string, Subscriber>();
  const byEvent = new Map<string, Subscriber[]>();
  const ids = new Set<string>();
  for (const handler of options.handlers) {
    if (ids.has(handler.id)) throw new Error(`Event handler "${handler.id}" is registered twice`);
    if (!handler.run && !handler.batch) throw new Error(`Event handler "${handler.id}" has neither run nor batch`);
    ids.add(handler.id);
    const key = handler.pluginId ?? handler.id;
    let subscriber = subscribers.get(key);
    if (!subscriber) {
      subscriber = { key, pluginId: handler.pluginId, queue: `${DELIVER_QUEUE_PREFIX}${key}`, handlers: new Map() };
      subscribers.set(key, subscriber);
    }
    if (subscriber.handlers.has(handler.event)) throw new Error(`Subscriber "${key}" handles "${handler.event}" twice`);
    subscriber.handlers.set(handler.event, handler);
    byEvent.set(handler.event, [...(byEvent.get(handler.event) ?? []), subscriber]);
  }

  /** The payload checked and normalised by the registered definition (of the same name and version). */
  function validated(event: EventDefinition, payload: unknown): Record<string, unknown> {
    const registered = definitions.get(event.name);
    if (!registered || registered.version !== event.version) {
      throw new EventDefinitionError(`Event "${event.name}" version ${event.version} is not defined by the core or an installed plugin`);
    }
    const parsed = registered.schema.safeParse(payload);
    if (!parsed.success) throw new EventDefinitionError(`Payload of "${event.name}" does not match its definition: ${parsed.error?.message}`, parsed.error?.issues);
    return parsed.data as Record<string, unknown>;
  }

  function toEvent(row: LogRow): DomainEvent {
    const definition = definitions.get(row.name);
    if (!definition) throw new EventDefinitionError(`event ${row.id}: "${row.name}" is no longer defined`);
    if (definition.version !== Number(row.version)) {
      throw new EventDefinitionError(`event ${row.id}: "${row.name}" was written as version ${row.version}, handlers expect version ${definition.version}`);
    }
    const parsed = definition.schema.safeParse(row.payload);
    if (!parsed.success) throw new EventDefinitionError(`event ${row.id} does not match its definition: ${parsed.error?.message}`, parsed.error?.issues);
    return { id: Number(row.id), name: row.name, version: definition.version, payload: parsed.data, occurredAt: new Date(row.occurred_at) };
  }

  /** Applies events in order: consecutive events of one name go to a batch handler in one call. */
  async function apply(subscriber: Subscriber, rows: LogRow[], db: Database) {
    const log = logger.child({ subscriber: subscriber.key });
    let i = 0;
    while (i < rows.length) {
      const handler = subscriber.handlers.get(rows[i].name)!;
      let j = i + 1;
      if (handler.batch) while (j < rows.length && rows[j].name === rows[i].name) j++;
      const events = rows.slice(i, j).map(toEvent);
      if (handler.batch) await handler.batch(events, { db, logger: log });
      else await handler.run!(events[0], { db, logger: log.child({ eventId: events[0].id }) });
      i = j;
    }
  }

  async function ensureCursors() {
    for (const subscriber of subscribers.values()) {
      const events = [...subscriber.handlers.keys()].sort();
      // a new subscriber starts at the end of the log: it does not replay history
      await handle.db.execute(sql`
        insert into event_cursors (subscriber, events, tx_id, event_id)
        select ${subscriber.key}, ${sql.raw(pgTextArray(events))},
               coalesce((select max(tx_id) from domain_events), 0), coalesce((select max(id) from domain_events), 0)
        on conflict (subscriber) do update set events = excluded.events
      `);
    }
  }

  async function wake(subscriber: Subscriber, db?: Database, startAfter?: number) {
    await jobs.send(subscriber.queue, {}, { db, startAfter });
  }

  type Step = { kind: "idle" } | { kind: "waiting"; until: Date } | { kind: "done"; applied: number; skipped: number; parked: number; stalled: boolean };

  /** One transaction: lock the cursor, read a batch below the horizon, apply it (or find the failing event), move the cursor. */
  async function step(subscriber: Subscriber, enabled: boolean): Promise<Step> {
    const names = [...subscriber.handlers.keys()];
    return handle.db.transaction(async (tx) => {
      // the lock serialises runs of one subscriber (two workers, or a wake racing a retry)
      const [cursor] = await tx.select().from(eventCursors).where(eq(eventCursors.subscriber, subscriber.key)).for("update");
      if (!cursor) throw new Error(`No cursor for subscriber "${subscriber.key}"; was the bus started?`);
      if (cursor.retryAt && cursor.retryAt.getTime() > Date.now()) return { kind: "waiting", until: cursor.retryAt } as const;
      const rows = rowsOf<LogRow>(
        await tx.execute(sql`
          select id, tx_id, name, version, payload, occurred_at from domain_events
          where name in (${sql.join(
            names.map((n) => sql`${n}`),
            sql`, `,
          )})
            and (tx_id, id) > (${cursor.txId}::bigint, ${cursor.eventId}::bigint)
            and tx_id < ${horizon}
          order by tx_id, id
          limit ${batchSize}
        `),
      ).map((r) => ({ ...r, id: Number(r.id), tx_id: Number(r.tx_id) }));
      if (rows.length === 0) return { kind: "idle" } as const;

      const moveTo = async (row: LogRow, counts: { applied: number }, reset: boolean) => {
        await tx
          .update(eventCursors)
          .set({
            txId: row.tx_id,
            eventId: row.id,
            applied: sql`${eventCursors.applied} + ${counts.applied}`,
            updatedAt: new Date(),
            ...(reset ? { failures: 0, failingEventId: null, lastError: null, retryAt: null } : {}),
          })
          .where(eq(eventCursors.subscriber, subscriber.key));
      };

      if (!enabled) {
        // a disabled plugin's handlers do not run, and do not replay what they missed when enabled again
        await moveTo(rows[rows.length - 1], { applied: rows.length }, true);
        await options.beforeCommit?.(subscriber.key, rows.map((r) => r.id));
        return { kind: "done", applied: 0, skipped: rows.length, parked: 0, stalled: false } as const;
      }

      // the whole batch at once, in a savepoint: the usual case
      let batchError: { error: unknown } | null = null;
      try {
        await tx.transaction((sp) => apply(subscriber, rows, sp));
      } catch (error) {
        batchError = { error };
      }
      if (!batchError) {
        await moveTo(rows[rows.length - 1], { applied: rows.length }, true);
        await options.beforeCommit?.(subscriber.key, rows.map((r) => r.id));
        return { kind: "done", applied: rows.length, skipped: 0, parked: 0, stalled: false } as const;
      }
      if (rows.length === 1) return failed(rows[0], batchError.error, 0);
      // something in the batch failed: apply event by event up to the one that fails
      let applied = 0;
      for (const row of rows) {
        try {
          await tx.transaction((sp) => apply(subscriber, [row], sp));
          applied++;
        } catch (error) {
          if (applied > 0) await moveTo(rows[applied - 1], { applied }, true);
          return failed(row, error, applied);
        }
      }
      // each on its own succeeded (the batch failed on something between them): keep them
      await moveTo(rows[rows.length - 1], { applied }, true);
      await options.beforeCommit?.(subscriber.key, rows.map((r) => r.id));
      return { kind: "done", applied, skipped: 0, parked: 0, stalled: false } as const;

      async function failed(row: LogRow, error: unknown, appliedBefore: number): Promise<Step> {
        const message = describe(error);
        const attempts = cursor.failingEventId === row.id ? cursor.failures + 1 : 1;
        logger.warn({ subscriber: subscriber.key, eventId: row.id, event: row.name, attempts, err: error }, "event handler failed");
        if (attempts >= maxAttempts) {
          // parked: the cursor moves past it, the error stays for an admin to see and retry
          await tx.insert(eventParked).values({ subscriber: subscriber.key, eventId: row.id, error: message, attempts }).onConflictDoNothing();
          await moveTo(row, { applied: 0 }, true);
          logger.error({ subscriber: subscriber.key, eventId: row.id, event: row.name, attempts }, "event parked after repeated failures");
          await options.beforeCommit?.(subscriber.key, rows.slice(0, appliedBefore + 1).map((r) => r.id));
          return { kind: "done", applied: appliedBefore, skipped: 0, parked: 1, stalled: false };
        }
        const until = new Date(Date.now() + retryDelaySeconds * 1000 * 2 ** (attempts - 1));
        await tx
          .update(eventCursors)
          .set({ failures: attempts, failingEventId: row.id, lastError: message, retryAt: until, updatedAt: new Date() })
          .where(eq(eventCursors.subscriber, subscriber.key));
        return { kind: "done", applied: appliedBefore, skipped: 0, parked: 0, stalled: true };
      }
    });
  }

  async function deliver(key: string): Promise<DeliveryRun> {
    const subscriber = subscribers.get(key);
    if (!subscriber) throw new Error(`Unknown event subscriber "${key}"`);
    const run: DeliveryRun = { subscriber: key, applied: 0, skipped: 0, parked: 0, stalled: false };
    // asked before any transaction opens: on PGlite a query outside it would wait for it forever
    const enabled = subscriber.pluginId === null || (await isEnabled(subscriber.pluginId));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const result = await step(subscriber, enabled);
      if (result.kind === "idle") break;
      if (result.kind === "waiting") {
        await wake(subscriber, undefined, Math.max(1, Math.ceil((result.until.getTime() - Date.now()) / 1000)));
        run.stalled = true;
        break;
      }
      run.applied += result.applied;
      run.skipped += result.skipped;
      run.parked += result.parked;
      if (result.stalled) {
        run.stalled = true;
        const [cursor] = await handle.db.select({ retryAt: eventCursors.retryAt }).from(eventCursors).where(eq(eventCursors.subscriber, key));
        const seconds = cursor?.retryAt ? Math.max(1, Math.ceil((cursor.retryAt.getTime() - Date.now()) / 1000)) : retryDelaySeconds;
        await wake(subscriber, undefined, seconds);
        break;
      }
      if (Date.now() > deadline) {
        // a long backlog continues in the next job, so one run never nears the job's time limit
        await wake(subscriber);
        break;
      }
    }
    if (!run.stalled && handle.kind !== "pglite" && (await othersWriting())) {
      // a transaction still running may hold events below our reach (or about to be): look again soon
      await wake(subscriber, undefined, 1);
    }
    return run;
  }

  /** Whether another transaction of this database that has written something is still running (it may commit events). */
  async function othersWriting(): Promise<boolean> {
    const [row] = rowsOf<{ busy: boolean }>(
      await handle.db.execute(sql`select exists (
        select 1 from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and (backend_xid is not null or query = '<insufficient privilege>')
      ) as busy`),
    );
    return row?.busy === true;
  }

  for (const subscriber of subscribers.values()) {
    jobs.define(subscriber.queue, async () => void (await deliver(subscriber.key)), {
      // at most one waiting wake-up per subscriber: emits while one waits add nothing
      policy: "short",
      retryLimit: 10,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 300,
    });
  }

  const sweepCron = options.sweepCron === undefined ? "* * * * *" : options.sweepCron;
  jobs.define(
    SWEEP_JOB,
    async () => {
      // wakes subscribers with readable events beyond their cursor (a wake-up lost to a crash)
      for (const subscriber of subscribers.values()) {
        if (await hasPending(subscriber)) await wake(subscriber);
      }
    },
    sweepCron ? { cron: sweepCron, retryLimit: 0 } : { retryLimit: 0 },
  );

  async function hasPending(subscriber: Subscriber) {
    const names = [...subscriber.handlers.keys()];
    const [row] = rowsOf<{ pending: boolean }>(
      await handle.db.execute(sql`
        select exists (
          select 1 from domain_events e, event_cursors c
          where c.subscriber = ${subscriber.key}
            and e.name in (${sql.join(
              names.map((n) => sql`${n}`),
              sql`, `,
            )})
            and (e.tx_id, e.id) > (c.tx_id, c.event_id)
        ) as pending
      `),
    );
    return row?.pending === true;
  }

  async function insert(db: Database, name: string, version: number, values: Record<string, unknown>[]) {
    const write = async (tx: Database) => {
      const rows = await tx
        .insert(domainEvents)
        .values(values.map((payload) => ({ name, version, payload })))
        .returning({ id: domainEvents.id });
      for (const subscriber of byEvent.get(name) ?? []) await wake(subscriber, tx);
      return rows.map((row) => row.id);
    };
    // inside the caller's transaction already (the usual case: the change and its event) no savepoint
    // is needed, and its two round trips were a sixth of a POS sale's; alone, a transaction of its own
    const inTransaction = (db as unknown) instanceof PgTransaction;
    return inTransaction ? write(db) : db.transaction(write);
  }

  return {
    async emit(db, event, payload) {
      const [id] = await insert(db, event.name, event.version, [validated(event, payload)]);
      return id;
    },
    async emitMany(db, event, payloads) {
      if (payloads.length === 0) return [];
      return insert(
        db,
        event.name,
        event.version,
        payloads.map((payload) => validated(event, payload)),
      );
    },
    start: ensureCursors,
    subscribers: () => [...subscribers.keys()],
    deliver,
    async deliverAll() {
      const runs: DeliveryRun[] = [];
      for (const key of subscribers.keys()) runs.push(await deliver(key));
      return runs;
    },
    async parked(db, { limit = 200 } = {}) {
      const rows = await db
        .select({
          subscriber: eventParked.subscriber,
          eventId: eventParked.eventId,
          name: domainEvents.name,
          occurredAt: domainEvents.occurredAt,
          payload: domainEvents.payload,
          error: eventParked.error,
          attempts: eventParked.attempts,
          parkedAt: eventParked.parkedAt,
          lastTriedAt: eventParked.lastTriedAt,
        })
        .from(eventParked)
        .innerJoin(domainEvents, eq(domainEvents.id, eventParked.eventId))
        .orderBy(eventParked.parkedAt, eventParked.eventId)
        .limit(limit);
      return rows;
    },
    async retryParked(key, eventId) {
      const subscriber = subscribers.get(key);
      if (!subscriber) return { ok: false, error: `unknown subscriber ${key}` };
      try {
        const found = await handle.db.transaction(async (tx) => {
          const [parked] = await tx
            .select({ eventId: eventParked.eventId })
            .from(eventParked)
            .where(and(eq(eventParked.subscriber, key), eq(eventParked.eventId, eventId)))
            .for("update");
          if (!parked) return false;
          const [row] = rowsOf<LogRow>(await tx.execute(sql`select id, tx_id, name, version, payload, occurred_at from domain_events where id = ${eventId}`));
          if (row && subscriber.handlers.has(row.name)) await apply(subscriber, [row], tx);
          await tx.delete(eventParked).where(and(eq(eventParked.subscriber, key), eq(eventParked.eventId, eventId)));
          return true;
        });
        return found ? { ok: true } : { ok: false, error: "not parked" };
      } catch (error) {
        const message = describe(error);
        await handle.db
          .update(eventParked)
          .set({ error: message, attempts: sql`${eventParked.attempts} + 1`, lastTriedAt: new Date() })
          .where(and(eq(eventParked.subscriber, key), eq(eventParked.eventId, eventId)));
        return { ok: false, error: message };
      }
    },
  };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2000);
}

/** A text[] literal for names we control (event names: dotted words). */
function pgTextArray(values: string[]): string {
  return `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ")}]::text[]`;
}
