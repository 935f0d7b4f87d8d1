// Background jobs on pg-boss 10, the same on PGlite (one in-process connection) and PostgreSQL.
//
// We poll with pg-boss's fetch/complete/fail ourselves instead of its work(): completion is
// awaited (pg-boss's worker fires it and forgets), a disabled job can be skipped, failures are
// logged through our logger, stop() can wait for running handlers, and drain() runs exactly the
// same code path without timers.
import PgBoss from "pg-boss";
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database, type DatabaseHandle } from "../../../db/client.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { JobContext } from "../plugins/contract.ts";

/** The schema pg-boss keeps its tables in. */
export const JOB_SCHEMA = "pgboss";

export type JobData = Record<string, unknown>;
export type JobHandler<T extends JobData = JobData> = (data: T, ctx: JobContext) => Promise<void>;
export type JobQueuePolicy = "standard" | "short" | "singleton" | "stately";

export interface DefineJobOptions {
  /** Retries after the first attempt (pg-boss default 2). */
  retryLimit?: number;
  /** Seconds before a retry; with retryBackoff it doubles each time, with jitter. */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** A running job is failed (and retried) after this long; default 15 minutes. */
  expireInSeconds?: number;
  /** pg-boss queue policy; a singletonKey only deduplicates on a policy other than "standard". */
  policy?: JobQueuePolicy;
  /** Cron expression (UTC): pg-boss sends the job on this schedule. */
  cron?: string;
  /** Asked before each run; when false the job completes without running (a disabled plugin's job). */
  isActive?: () => Promise<boolean>;
}

export interface SendJobOptions {
  /** When the job may run: a date, or seconds from now. */
  startAfter?: Date | number;
  singletonKey?: string;
  /** A drizzle transaction: the job is inserted in it, so it commits or rolls back with the caller. */
  db?: Database;
}

export interface JobQueue {
  /** Registers the handler of a queue; before or after start(). */
  define<T extends JobData = JobData>(name: string, run: JobHandler<T>, options?: DefineJobOptions): void;
  /** Starts pg-boss, creates the queues, registers cron schedules and (unless workers: false) polls. */
  start(): Promise<void>;
  /** Enqueues a job; resolves to its id, or null when a singletonKey deduplicated it. */
  send(name: string, data?: JobData, options?: SendJobOptions): Promise<string | null>;
  /** Enqueues jobs of one queue in one statement (a batch's worth: an import chunk's deliveries). */
  sendMany(name: string, data: JobData[], options?: Pick<SendJobOptions, "db">): Promise<void>;
  /** Runs due jobs of one queue (or all defined queues) in this process until none remain. */
  drain(name?: string): Promise<number>;
  /** Stops polling, waits for running handlers (bounded), then stops pg-boss. Safe to call twice. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

interface Definition {
  name: string;
  run: JobHandler;
  options: DefineJobOptions;
  /** Settles once the queue exists (and its schedule is registered). */
  ready: Promise<void>;
  loop?: Promise<void>;
  wake?: () => void;
}

type FetchedJob = PgBoss.JobWithMetadata<JobData | null>;

const MAX_DRAIN_RUNS = 10_000;

export function createJobQueue(
  handle: DatabaseHandle,
  options: {
    logger: Logger;
    pollingIntervalSeconds?: number;
    workers?: boolean;
    /** How often pg-boss looks at the cron schedules (1–45 s, default 30); tests shorten it. */
    cronCheckSeconds?: number;
  },
): JobQueue {
  const logger = options.logger.child({ module: "jobs" });
  const pollingSeconds = options.pollingIntervalSeconds ?? 2;
  const workers = options.workers !== false;

  // Without workers this process only sends and drains: no maintenance or cron timers in it.
  // With several workers on one PostgreSQL each cron job still runs once per due time (ADR 024):
  // pg-boss lets one instance per check interval claim the schedules (a timestamp it sets with
  // a conditional UPDATE), sends each due job under a one-minute singleton key, and fetches with
  // SKIP LOCKED, so one job goes to one worker.
  const common = withoutUndefined({
    schedule: workers,
    supervise: workers,
    cronWorkerIntervalSeconds: Math.min(5, Math.max(1, Math.round(pollingSeconds))),
    cronMonitorIntervalSeconds: options.cronCheckSeconds,
  });
  function createBoss(config: PgBoss.ConstructorOptions): PgBoss {
    let instance: PgBoss;
    if (handle.kind === "pglite") {
      // Through the handle's single connection: pg-boss's own pool cannot open an in-process database.
      instance = new PgBoss({ ...config, db: { executeSql: handle.executeSql } });
    } else {
      if (!handle.url) throw new Error("A PostgreSQL handle needs its url for pg-boss");
      // Its own pg pool: through postgres.js pg-boss's multi-statement scripts fail (UNSAFE_TRANSACTION).
      instance = new PgBoss({ ...config, connectionString: handle.url, max: 5, application_name: "nusa-crm-jobs" });
    }
    instance.on("error", (error: unknown) => logger.error({ err: error }, "pg-boss error"));
    return instance;
  }
  const boss = createBoss(common);

  const definitions = new Map<string, Definition>();
  const running = new Map<string, string>(); // job id -> queue, handlers in progress
  const draining = new Set<Promise<unknown>>();
  let startPromise: Promise<void> | undefined;
  let stopPromise: Promise<void> | undefined;
  let started = false;
  let stopping = false;

  function assertUsable(action: string) {
    if (stopping) throw new Error(`Cannot ${action}: the job queue is stopped`);
    if (!started) throw new Error(`Cannot ${action}: the job queue is not started`);
  }

  function definitionOf(name: string): Definition {
    const definition = definitions.get(name);
    if (!definition) throw new Error(`Job "${name}" is not defined`);
    return definition;
  }

  function queueOptions(definition: Definition): PgBoss.Queue {
    const { retryLimit, retryDelay, retryBackoff, expireInSeconds, policy } = definition.options;
    // pg-boss asserts on keys that are present but undefined
    return withoutUndefined({ name: definition.name, policy: policy ?? "standard", retryLimit, retryDelay, retryBackoff, expireInSeconds });
  }

  async function prepareQueue(
    instance: PgBoss,
    definition: Definition,
    existing: Map<string, PgBoss.QueueResult>,
    scheduled: Set<string>,
  ): Promise<void> {
    const wanted = queueOptions(definition);
    const current = existing.get(definition.name);
    if (!current) {
      await instance.createQueue(definition.name, wanted);
    } else if (queueDiffers(current, wanted)) {
      await instance.updateQueue(definition.name, wanted);
    }
    const { cron } = definition.options;
    if (cron) {
      await instance.schedule(definition.name, cron, {}, { tz: "UTC" });
    } else if (scheduled.has(definition.name)) {
      // the cron was removed from the definition: stop sending it
      await instance.unschedule(definition.name);
    }
  }

  /**
   * Processes starting together on one PostgreSQL create the same queues: pg-boss's create_queue
   * (a partition and its foreign key) deadlocks when two run at once, so they take turns under an
   * advisory lock held by a transaction of ours. PGlite has one process and one connection.
   */
  async function oneProcessAtATime(work: () => Promise<void>) {
    if (handle.kind === "pglite") return work();
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('nusa-crm.jobs.prepare-queues', 0))`);
      await work();
    });
  }

  /**
   * On PGlite, send() without { db } from inside a transaction waits for that transaction, which
   * waits for send(): a silent hang. It cannot be told apart from a send that merely waits for
   * another request's transaction, so it is reported, not refused.
   */
  async function warnIfStuck<T>(promise: Promise<T>, name: string | undefined): Promise<T> {
    const pglite = handle.pglite;
    if (!pglite || name === undefined) return promise;
    const timer = setTimeout(() => {
      if (pglite.isInTransaction()) {
        logger.error({ queue: name }, "send() is waiting on an open transaction; inside a transaction pass { db: tx }");
      }
    }, 5000);
    timer.unref();
    try {
      return await promise;
    } finally {
      clearTimeout(timer);
    }
  }

  async function fetchOne(definition: Definition): Promise<FetchedJob | undefined> {
    const jobs = await boss.fetch<JobData | null>(definition.name, { batchSize: 1, includeMetadata: true });
    return jobs[0];
  }

  async function execute(definition: Definition, job: FetchedJob): Promise<void> {
    const { name } = definition;
    const log = logger.child({ queue: name, jobId: job.id });
    running.set(job.id, name);
    try {
      const isActive = definition.options.isActive;
      if (isActive && !(await isActive())) {
        await boss.complete(name, job.id, { skipped: "inactive" });
        log.debug("job skipped: inactive");
        return;
      }
      const expireMs = Math.max(1, Number(job.expireInSeconds) || 900) * 1000;
      await withTimeout(
        Promise.resolve().then(() => definition.run(job.data ?? {}, { db: handle.db, logger: log })),
        expireMs,
        `job exceeded ${expireMs} ms`,
      );
      await boss.complete(name, job.id);
    } catch (error) {
      const willRetry = job.retryCount < job.retryLimit;
      log[willRetry ? "warn" : "error"](
        { err: error, attempt: job.retryCount + 1, retryLimit: job.retryLimit, willRetry },
        "job failed",
      );
      try {
        await boss.fail(name, job.id, error as object);
      } catch (failError) {
        log.error({ err: failError }, "could not record the job failure");
      }
    } finally {
      running.delete(job.id);
    }
  }

  /** Whether a queue holds a job that is due by the wall clock although fetch just found none. */
  async function dueThisInstant(targets: Definition[]) {
    const names = sql.join(
      targets.map((t) => sql`${t.name}`),
      sql`, `,
    );
    const rows = rowsOf<{ due: boolean }>(
      await handle.db.execute(sql`select exists (select 1 from pgboss.job where name in (${names}) and state < 'active' and start_after <= clock_timestamp()) as due`),
    );
    return rows[0]?.due === true;
  }

  async function runOne(definition: Definition): Promise<boolean> {
    const job = await fetchOne(definition);
    if (!job) return false;
    await execute(definition, job);
    return true;
  }

  function startLoop(definition: Definition) {
    if (definition.loop || !workers || stopping) return;
    definition.loop = (async () => {
      while (!stopping) {
        let ran = false;
        try {
          ran = await runOne(definition);
        } catch (error) {
          logger.error({ err: error, queue: definition.name }, "job polling failed");
        }
        if (!ran && !stopping) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, pollingSeconds * 1000);
            function done() {
              clearTimeout(timer);
              definition.wake = undefined;
              resolve();
            }
            definition.wake = done;
          });
        }
      }
    })();
  }

  async function listExisting(instance: PgBoss) {
    const [queues, schedules] = await Promise.all([instance.getQueues(), instance.getSchedules()]);
    return {
      existing: new Map(queues.map((q) => [q.name, q] as const)),
      scheduled: new Set(schedules.map((s) => s.name)),
    };
  }

  return {
    define(name, run, defineOptions = {}) {
      if (definitions.has(name)) throw new Error(`Job "${name}" is already defined`);
      if (stopping) throw new Error(`Cannot define job "${name}": the job queue is stopped`);
      // Handlers take their own data shape; the queue stores them untyped.
      const definition: Definition = { name, run: run as unknown as JobHandler, options: defineOptions, ready: Promise.resolve() };
      definitions.set(name, definition);
      if (started) {
        definition.ready = listExisting(boss)
          .then(({ existing, scheduled }) => prepareQueue(boss, definition, existing, scheduled))
          .then(() => startLoop(definition));
        definition.ready.catch((error: unknown) => logger.error({ err: error, queue: name }, "could not create the job queue"));
      }
    },

    start() {
      if (stopping) return Promise.reject(new Error("Cannot start: the job queue is stopped"));
      startPromise ??= (async () => {
        // pg-boss checks the schedules once as it starts, then every 30 s: so that a cron due now is
        // not missed, queues and schedules are written before the instance with the timekeeper starts,
        // through a short-lived instance that installs pg-boss's schema and runs no timers.
        const setup = workers ? createBoss({ schedule: false, supervise: false }) : boss;
        try {
          await setup.start();
          await oneProcessAtATime(async () => {
            const { existing, scheduled } = await listExisting(setup);
            // definitions added while this runs are visited too (Map iteration includes them)
            for (const definition of definitions.values()) {
              await prepareQueue(setup, definition, existing, scheduled);
            }
          });
        } finally {
          if (setup !== boss) await setup.stop({ graceful: false, close: true });
        }
        if (setup !== boss) await boss.start();
        started = true;
        for (const definition of definitions.values()) startLoop(definition);
      })();
      return startPromise;
    },

    async send(name, data = {}, sendOptions = {}) {
      assertUsable(`send "${name}"`);
      const definition = definitionOf(name);
      const { db, startAfter, singletonKey } = sendOptions;
      // Inside a PGlite transaction pg-boss's connection is blocked until it ends: never wait on it there.
      if (!db) await definition.ready;
      const id = await warnIfStuck(
        boss.send(name, data, withoutUndefined({ startAfter, singletonKey, db: db ? transactionExecutor(db) : undefined })),
        db ? undefined : name,
      );
      if (id === null && (definition.options.policy ?? "standard") === "standard") {
        // a standard queue never deduplicates: null means the insert found no queue
        throw new Error(`Job "${name}" was not enqueued: its queue does not exist yet`);
      }
      definition.wake?.();
      return id;
    },

    async sendMany(name, items, sendOptions = {}) {
      assertUsable(`send "${name}"`);
      const definition = definitionOf(name);
      if (items.length === 0) return;
      const { db } = sendOptions;
      if (!db) await definition.ready;
      const insert = boss.insert(
        items.map((data) => ({ name, data })),
        withoutUndefined({ db: db ? transactionExecutor(db) : undefined }),
      );
      await warnIfStuck(insert, db ? undefined : name);
      definition.wake?.();
    },

    async drain(name) {
      assertUsable("drain");
      const targets = name ? [definitionOf(name)] : [...definitions.values()];
      const work = (async () => {
        await Promise.all(targets.map((t) => t.ready));
        let total = 0;
        let tickWaits = 0;
        for (;;) {
          let ran = 0;
          for (const definition of targets) {
            while (!stopping && total + ran < MAX_DRAIN_RUNS && (await runOne(definition))) ran++;
          }
          total += ran;
          // pg-boss fetches `start_after < now()`: a job sent or made due within the clock's last
          // tick (PGlite's clock ticks in milliseconds) is not fetchable yet, though it is due
          if (ran === 0 && !stopping && tickWaits < 50 && (await dueThisInstant(targets))) {
            tickWaits++;
            await new Promise((resolve) => setTimeout(resolve, 2));
            continue;
          }
          if (ran === 0 || stopping) break;
          if (total >= MAX_DRAIN_RUNS) {
            logger.warn({ runs: total }, "drain stopped at its limit; jobs keep arriving");
            break;
          }
        }
        return total;
      })();
      draining.add(work);
      try {
        return await work;
      } finally {
        draining.delete(work);
      }
    },

    stop({ timeoutMs = 30_000 } = {}) {
      stopPromise ??= (async () => {
        const deadline = Date.now() + timeoutMs;
        stopping = true;
        if (startPromise) await startPromise.catch(() => {});
        for (const definition of definitions.values()) definition.wake?.();
        const busy = [...[...definitions.values()].map((d) => d.loop), ...draining].filter(Boolean) as Promise<unknown>[];
        const settledInTime = await Promise.race([
          Promise.allSettled(busy).then(() => true),
          sleep(Math.max(0, deadline - Date.now())).then(() => false),
        ]);
        if (!settledInTime && running.size > 0) {
          logger.warn({ jobs: [...running.keys()] }, "stopping with jobs still running; they are failed and will be retried");
          for (const [id, queue] of running) {
            await boss.fail(queue, id, { message: "stopped while running" }).catch(() => {});
          }
        }
        await boss.stop({ graceful: true, wait: true, close: true, timeout: Math.max(1000, deadline - Date.now()) });
      })();
      return stopPromise;
    },
  };
}

/**
 * pg-boss's `db` option over a drizzle handle or transaction, so a job insert joins the caller's
 * transaction. pg-boss writes `$n` placeholders and reuses some (`$5` three times in its insert);
 * each distinct one becomes a single drizzle parameter and repeats point back at it, so PostgreSQL
 * infers one type per parameter exactly as in pg-boss's own text.
 */
export function transactionExecutor(db: Database): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      // pg-boss reads `.rows`, which postgres.js's array result does not have
      return { rows: [...rowsOf<Record<string, unknown>>(await db.execute(positionalToSql(text, values)))] };
    },
  };
}

function positionalToSql(text: string, values: unknown[]): SQL {
  const chunks: SQL[] = [];
  const position = new Map<number, number>(); // pg-boss's $n -> drizzle's $k
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    chunks.push(sql.raw(text.slice(last, match.index)));
    const n = Number(match[1]);
    const seen = position.get(n);
    if (seen) {
      chunks.push(sql.raw(`$${seen}`));
    } else {
      chunks.push(sql`${toDriverValue(values[n - 1])}`);
      position.set(n, position.size + 1);
    }
    last = match.index + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks);
}

function toDriverValue(value: unknown): unknown {
  // postgres.js rejects undefined; drizzle's postgres-js setup passes json and dates through untouched
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && !Array.isArray(value) && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

function queueDiffers(current: PgBoss.QueueResult, wanted: PgBoss.Queue): boolean {
  return (
    (wanted.policy !== undefined && current.policy !== wanted.policy) ||
    (wanted.retryLimit !== undefined && current.retryLimit !== wanted.retryLimit) ||
    (wanted.retryDelay !== undefined && current.retryDelay !== wanted.retryDelay) ||
    (wanted.retryBackoff !== undefined && current.retryBackoff !== wanted.retryBackoff) ||
    (wanted.expireInSeconds !== undefined && current.expireInSeconds !== wanted.expireInSeconds)
  );
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
