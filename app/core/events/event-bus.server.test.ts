import { and, eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { rowsOf, type DatabaseHandle } from "../../../db/client.ts";
import { auditLog, domainEvents, eventCursors, eventParked } from "../../../db/schema/index.ts";
import { createTestDatabase } from "../../../tests/support/test-database.ts";
import { createLogger } from "../logging/logger.server.ts";
import type { DomainEvent } from "../plugins/contract.ts";
import { createJobQueue, type JobQueue } from "../jobs/job-queue.server.ts";
import { createEventBus, DELIVER_QUEUE_PREFIX, EventDefinitionError, type EventBus, type RegisteredHandler } from "./event-bus.server.ts";
import { defineEvent } from "./event-definitions.ts";

const visitFulfilled = defineEvent("test.visit.fulfilled", 1, z.object({ visitId: z.string(), amount: z.number().int() }));
// a default the handler sees filled in: payloads reach handlers parsed by the definition
const saleRecorded = defineEvent("test.sale.recorded", 1, z.object({ saleId: z.string(), tags: z.array(z.string()).default([]) }));
const saleRefunded = defineEvent("test.sale.refunded", 1, z.object({ saleId: z.string() }));
const unregistered = defineEvent("test.never.registered", 1, z.object({}));

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.close());

const logger = createLogger();
const disabledPlugins = new Set<string>();
/** What each subscriber applied, in order: "<name>:<key>" (saleId or visitId). */
const seen: Record<string, string[]> = {};
/** Batch sizes the loyalty sale handler was called with. */
let batchCalls: number[] = [];
/** Keys whose handling throws, per subscriber. */
let poison: Record<string, Set<string>> = {};
let crashBeforeCommit: string | null = null;

function keyOf(e: DomainEvent) {
  const p = e.payload as { saleId?: string; visitId?: string };
  return `${e.name.split(".").pop()}:${p.saleId ?? p.visitId}`;
}

/** Records the event in memory and as an audit row in the delivery transaction, and may throw. */
function recorder(subscriber: string) {
  return async (e: DomainEvent, ctx: { db: typeof handle.db }) => {
    await ctx.db.insert(auditLog).values({ actorKind: "system", action: `handled:${subscriber}`, entityId: keyOf(e) });
    if (poison[subscriber]?.has(keyOf(e))) throw new Error(`${subscriber} cannot take ${keyOf(e)}`);
    (seen[subscriber] ??= []).push(keyOf(e));
  };
}

function handlers(): RegisteredHandler[] {
  const loyalty = recorder("loyalty");
  return [
    { id: "core:test.visit.fulfilled", pluginId: null, event: "test.visit.fulfilled", run: recorder("core:test.visit.fulfilled") },
    // one subscriber, three events, one ordered stream; sales come in batches
    {
      id: "loyalty:test.sale.recorded",
      pluginId: "loyalty",
      event: "test.sale.recorded",
      batch: async (events, ctx) => {
        batchCalls.push(events.length);
        for (const e of events) await loyalty(e, ctx);
      },
    },
    { id: "loyalty:test.sale.refunded", pluginId: "loyalty", event: "test.sale.refunded", run: loyalty },
    { id: "loyalty:test.visit.fulfilled", pluginId: "loyalty", event: "test.visit.fulfilled", run: loyalty },
    { id: "survey:test.visit.fulfilled", pluginId: "survey", event: "test.visit.fulfilled", run: recorder("survey") },
    { id: "survey:test.sale.recorded", pluginId: "survey", event: "test.sale.recorded", run: recorder("survey") },
  ];
}

let jobs: JobQueue;
let bus: EventBus;
beforeAll(async () => {
  jobs = createJobQueue(handle, { logger, workers: false });
  bus = createEventBus({
    handle,
    jobs,
    logger,
    isEnabled: async (pluginId) => !disabledPlugins.has(pluginId),
    sweepCron: null,
    definitions: [visitFulfilled, saleRecorded, saleRefunded],
    handlers: handlers(),
    batchSize: 4,
    maxAttempts: 3,
    retryDelaySeconds: 0,
    beforeCommit: (subscriber) => {
      if (crashBeforeCommit === subscriber) {
        crashBeforeCommit = null;
        throw new Error("worker died before commit");
      }
    },
  });
  await bus.start();
  await jobs.start();
});
afterAll(() => jobs.stop());

beforeEach(async () => {
  // every test starts caught up, with nothing remembered
  await bus.deliverAll();
  await jobs.drain();
  for (const key of Object.keys(seen)) delete seen[key];
  batchCalls = [];
  poison = {};
  crashBeforeCommit = null;
  disabledPlugins.clear();
});

async function audits(subscriber: string) {
  const rows = await handle.db
    .select({ key: auditLog.entityId })
    .from(auditLog)
    .where(eq(auditLog.action, `handled:${subscriber}`))
    .orderBy(auditLog.id);
  return rows.map((r) => r.key);
}

/** Delivery runs until the subscriber is caught up (a test's stand-in for the worker). */
async function settle(subscriber: string, rounds = 10) {
  for (let i = 0; i < rounds; i++) {
    const run = await bus.deliver(subscriber);
    if (run.applied + run.skipped + run.parked === 0 && !run.stalled) return;
  }
}

describe("event log delivery", () => {
  it("wakes each subscriber in the emitting transaction and applies every event once, in log order", async () => {
    await handle.db.transaction(async (tx) => {
      await bus.emit(tx, saleRecorded, { saleId: "o-1" });
      await bus.emit(tx, visitFulfilled, { visitId: "v-1", amount: 5 });
    });
    await bus.emit(handle.db, saleRefunded, { saleId: "o-1" });
    const waiting = rowsOf<{ name: string }>(await handle.db.execute(sql`select name from pgboss.job where name like ${`${DELIVER_QUEUE_PREFIX}%`} and state = 'created' order by name`));
    // one waiting wake-up per subscriber, however many events
    expect(waiting.map((w) => w.name)).toEqual([`${DELIVER_QUEUE_PREFIX}core:test.visit.fulfilled`, `${DELIVER_QUEUE_PREFIX}loyalty`, `${DELIVER_QUEUE_PREFIX}survey`]);
    expect(await jobs.drain()).toBe(3);
    expect(seen.loyalty).toEqual(["recorded:o-1", "fulfilled:v-1", "refunded:o-1"]);
    expect(seen.survey).toEqual(["recorded:o-1", "fulfilled:v-1"]);
    expect(seen["core:test.visit.fulfilled"]).toEqual(["fulfilled:v-1"]);
    // a duplicate run (a retried job, the sweep) applies nothing again
    expect(await bus.deliver("loyalty")).toMatchObject({ applied: 0, stalled: false });
    expect(await audits("loyalty")).toEqual(["recorded:o-1", "fulfilled:v-1", "refunded:o-1"]);
  });

  it("hands a batch handler consecutive events of its name, and keeps the earn before the refund inside one import", async () => {
    await handle.db.transaction(async (tx) => {
      await bus.emitMany(tx, saleRecorded, [{ saleId: "b-1" }, { saleId: "b-2" }, { saleId: "b-3" }]);
      await bus.emit(tx, saleRefunded, { saleId: "b-2" });
      await bus.emitMany(tx, saleRecorded, [{ saleId: "b-4" }, { saleId: "b-5" }, { saleId: "b-6" }]);
    });
    await settle("loyalty");
    expect(seen.loyalty).toEqual(["recorded:b-1", "recorded:b-2", "recorded:b-3", "refunded:b-2", "recorded:b-4", "recorded:b-5", "recorded:b-6"]);
    // batches of at most 4 events: [b-1..b-3] + refund, then [b-4..b-6]
    expect(batchCalls).toEqual([3, 3]);
  });

  it("loses, doubles and reorders nothing when the worker dies in the middle of a batch", async () => {
    await bus.emitMany(handle.db, saleRecorded, [{ saleId: "c-1" }, { saleId: "c-2" }, { saleId: "c-3" }, { saleId: "c-4" }, { saleId: "c-5" }, { saleId: "c-6" }]);
    const [before] = await handle.db.select().from(eventCursors).where(eq(eventCursors.subscriber, "loyalty"));
    crashBeforeCommit = "loyalty";
    // the handler ran and the cursor moved, then the process "died" before commit: all of it rolls back
    await expect(bus.deliver("loyalty")).rejects.toThrow("worker died before commit");
    const [after] = await handle.db.select().from(eventCursors).where(eq(eventCursors.subscriber, "loyalty"));
    expect([after.txId, after.eventId, after.applied]).toEqual([before.txId, before.eventId, before.applied]);
    expect(await audits("loyalty")).not.toContain("recorded:c-1");
    // the retried job starts from the cursor
    await settle("loyalty");
    const applied = (await audits("loyalty")).filter((k) => k?.startsWith("recorded:c-"));
    expect(applied).toEqual(["recorded:c-1", "recorded:c-2", "recorded:c-3", "recorded:c-4", "recorded:c-5", "recorded:c-6"]);
    // the crashed attempt did run the handler (in memory), but none of its writes survived
    expect(seen.loyalty.filter((k) => k.startsWith("recorded:c-"))).toHaveLength(4 + 6);
    const [final] = await handle.db.select().from(eventCursors).where(eq(eventCursors.subscriber, "loyalty"));
    expect(final.applied - before.applied).toBe(6);
  });

  it("applies the events before a failing one, holds up no other subscriber, and parks the event that keeps failing", async () => {
    poison.loyalty = new Set(["recorded:d-3"]);
    const ids = await bus.emitMany(handle.db, saleRecorded, [{ saleId: "d-1" }, { saleId: "d-2" }, { saleId: "d-3" }, { saleId: "d-4" }]);
    await bus.emit(handle.db, saleRefunded, { saleId: "d-1" });

    const first = await bus.deliver("loyalty");
    expect(first).toMatchObject({ applied: 2, stalled: true });
    // the failed attempt's own write was rolled back with it
    expect((await audits("loyalty")).filter((k) => k?.includes(":d-"))).toEqual(["recorded:d-1", "recorded:d-2"]);
    const [stuck] = await handle.db.select().from(eventCursors).where(eq(eventCursors.subscriber, "loyalty"));
    expect(stuck).toMatchObject({ failures: 1, failingEventId: ids[2] });
    expect(stuck.lastError).toContain("cannot take recorded:d-3");
    // survey reads the same events through its own cursor, untouched by loyalty's trouble
    await settle("survey");
    expect(seen.survey).toEqual(["recorded:d-1", "recorded:d-2", "recorded:d-3", "recorded:d-4"]);

    await settle("loyalty");
    const applied = async () => (await audits("loyalty")).filter((k) => k?.includes(":d-"));
    expect(await applied()).toEqual(["recorded:d-1", "recorded:d-2", "recorded:d-4", "refunded:d-1"]);
    const parked = await bus.parked(handle.db);
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ subscriber: "loyalty", eventId: ids[2], name: "test.sale.recorded", attempts: 3 });
    expect(parked[0].error).toContain("cannot take recorded:d-3");

    // still failing: stays parked with the new error; fixed: applied once and gone from the list
    expect(await bus.retryParked("loyalty", ids[2])).toMatchObject({ ok: false });
    expect((await bus.parked(handle.db))[0].attempts).toBe(4);
    poison = {};
    expect(await bus.retryParked("loyalty", ids[2])).toEqual({ ok: true });
    expect(await bus.parked(handle.db)).toEqual([]);
    expect(await applied()).toEqual(["recorded:d-1", "recorded:d-2", "recorded:d-4", "refunded:d-1", "recorded:d-3"]);
    expect(await bus.retryParked("loyalty", ids[2])).toEqual({ ok: false, error: "not parked" });
    expect((await audits("loyalty")).filter((k) => k === "recorded:d-3")).toHaveLength(1);
  });

  it("skips a disabled plugin's events without running its handlers, and does not replay them when enabled again", async () => {
    disabledPlugins.add("loyalty");
    await bus.emit(handle.db, saleRecorded, { saleId: "e-1" });
    expect(await bus.deliver("loyalty")).toMatchObject({ applied: 0, skipped: 1 });
    await settle("survey");
    expect(seen.survey).toEqual(["recorded:e-1"]);
    disabledPlugins.clear();
    await settle("loyalty");
    expect(seen.loyalty).toBeUndefined();
  });

  it("records neither the event nor its wake-up when the emitting transaction rolls back", async () => {
    const before = await handle.db.select({ id: domainEvents.id }).from(domainEvents);
    await expect(
      handle.db.transaction(async (tx) => {
        await bus.emitMany(tx, saleRecorded, [{ saleId: "r-1" }, { saleId: "r-2" }]);
        throw new Error("chunk rejected");
      }),
    ).rejects.toThrow("chunk rejected");
    expect(await handle.db.select({ id: domainEvents.id }).from(domainEvents)).toHaveLength(before.length);
    expect(await jobs.drain()).toBe(0);
    expect(await bus.emitMany(handle.db, saleRecorded, [])).toEqual([]);
  });

  it("validates a payload by its definition when emitting, and refuses events nobody registered", async () => {
    const before = await handle.db.select({ id: domainEvents.id }).from(domainEvents);
    // @ts-expect-error -- amount must be a number
    await expect(bus.emit(handle.db, visitFulfilled, { visitId: "v", amount: "1" })).rejects.toThrow(EventDefinitionError);
    await expect(bus.emit(handle.db, unregistered, {})).rejects.toThrow(/not defined/);
    // same name, another version: not the registered definition
    const v2 = defineEvent("test.visit.fulfilled", 2, z.object({ visitId: z.string() }));
    await expect(bus.emit(handle.db, v2, { visitId: "v" })).rejects.toThrow(/version 2 is not defined/);
    await expect(bus.emitMany(handle.db, saleRecorded, [{ saleId: "ok" }, { saleId: 7 as unknown as string }])).rejects.toThrow(EventDefinitionError);
    expect(await handle.db.select({ id: domainEvents.id }).from(domainEvents)).toHaveLength(before.length);
  });

  it("hands handlers the payload parsed by the definition, with its version", async () => {
    const got: DomainEvent[] = [];
    const own = createEventBus({
      handle,
      jobs: createJobQueue(handle, { logger, workers: false }),
      logger,
      isEnabled: async () => true,
      sweepCron: null,
      definitions: [saleRecorded],
      handlers: [{ id: "parsed", pluginId: null, event: "test.sale.recorded", run: async (e) => void got.push(e) }],
    });
    await own.start();
    await handle.db.insert(domainEvents).values({ name: "test.sale.recorded", payload: { saleId: "p-1" } });
    await own.deliver("parsed");
    expect(got.map((e) => [e.version, e.payload])).toEqual([[1, { saleId: "p-1", tags: [] }]]);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("never lets an event committed late slip behind the cursor (PostgreSQL)", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    // transaction A writes its event first and commits last
    const a = handle.db.transaction(async (tx) => {
      // straight into the log, as B below: the test holds A open, and a wake-up insert would wait on it
      await tx.insert(domainEvents).values({ name: "test.sale.recorded", payload: { saleId: "late-a" } });
      started();
      await held;
    });
    await writing;
    // B written and committed meanwhile (straight into the log: its wake-up would wait on A's)
    await handle.db.insert(domainEvents).values({ name: "test.sale.recorded", payload: { saleId: "late-b" } });
    await bus.deliver("survey");
    // B is committed but A, older, is still open: the reader waits below A
    expect(seen.survey ?? []).toEqual([]);
    release();
    await a;
    await settle("survey");
    expect(seen.survey).toEqual(["recorded:late-a", "recorded:late-b"]);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("is not held back by a long writing transaction in another database of the same server (PostgreSQL)", async () => {
    const other = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    let otherXid = 0;
    const elsewhere = other.begin(async (tx) => {
      // a transaction id of its own, older than the event below, like a report or a migration elsewhere
      const [row] = await tx`select pg_current_xact_id()::text as xid`;
      otherXid = Number(row.xid);
      started();
      await held;
    });
    try {
      await writing;
      await bus.emit(handle.db, saleRecorded, { saleId: "elsewhere-1" });
      const [row] = rowsOf<{ tx_id: string; cluster_xmin: string }>(
        await handle.db.execute(sql`select tx_id::text, pg_snapshot_xmin(pg_current_snapshot())::text as cluster_xmin from domain_events order by id desc limit 1`),
      );
      // the cluster-wide horizon stays at or below the other database's transaction, behind the event
      expect(Number(row.cluster_xmin)).toBeLessThanOrEqual(otherXid);
      expect(Number(row.tx_id)).toBeGreaterThan(otherXid);
      await settle("survey");
      expect(seen.survey).toEqual(["recorded:elsewhere-1"]);
    } finally {
      release();
      await elsewhere;
      await other.end();
    }
  });

  it("makes a cursor for each subscriber at the end of the log", async () => {
    const cursors = await handle.db.select({ subscriber: eventCursors.subscriber, events: eventCursors.events }).from(eventCursors).orderBy(eventCursors.subscriber);
    expect(cursors).toContainEqual({ subscriber: "loyalty", events: ["test.sale.recorded", "test.sale.refunded", "test.visit.fulfilled"] });
    expect(await handle.db.select().from(eventParked).where(and(eq(eventParked.subscriber, "nobody"), eq(eventParked.eventId, 0)))).toEqual([]);
  });
});
