import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../db/client.ts";
import { auditLog, domainEvents, eventDeliveries } from "../../../db/schema/index.ts";
import { createTestDatabase } from "../../../tests/support/test-database.ts";
import { createLogger } from "../logging/logger.server.ts";
import type { DomainEvent } from "../plugins/contract.ts";
import { createJobQueue, JOB_SCHEMA, type JobQueue } from "../jobs/job-queue.server.ts";
import { createEventBus, DELIVER_JOB, type EventBus, type RegisteredHandler } from "./event-bus.server.ts";

declare module "./event-bus.server.ts" {
  interface EventMap {
    "test.visit.fulfilled": { visitId: string; amount: number };
  }
}

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.close());

const logger = createLogger();
const disabledPlugins = new Set<string>();
const received: Record<string, DomainEvent[]> = {};
let failuresLeft: Record<string, number> = {};

/** A handler that records the event, writes an audit row in the delivery transaction, and may throw. */
function handler(id: string, event: string, pluginId: string | null = "test-plugin"): RegisteredHandler {
  return {
    id,
    pluginId,
    event,
    async run(e, ctx) {
      (received[id] ??= []).push(e);
      await ctx.db.insert(auditLog).values({ actorKind: "system", action: `handled:${id}`, entityId: String(e.id) });
      if ((failuresLeft[id] ?? 0) > 0) {
        failuresLeft[id]--;
        throw new Error(`${id} is down`);
      }
    },
  };
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
    redeliverCron: null,
    handlers: [
      handler("core:test.visit.fulfilled", "test.visit.fulfilled", null),
      handler("loyalty:test.visit.fulfilled", "test.visit.fulfilled", "loyalty"),
      handler("flaky:test.visit.fulfilled", "test.visit.fulfilled", "flaky"),
      handler("survey:test.visit.fulfilled", "test.visit.fulfilled", "survey"),
      handler("loyalty:test.sale.recorded", "test.sale.recorded", "loyalty"),
    ],
  });
  await jobs.start();
});
afterAll(() => jobs.stop());

beforeEach(() => {
  for (const key of Object.keys(received)) delete received[key];
  failuresLeft = {};
  disabledPlugins.clear();
});

async function auditCount(action: string, eventId: number) {
  const rows = await handle.db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.entityId, String(eventId))));
  return rows.length;
}

async function deliveriesOf(eventId: number) {
  const rows = await handle.db
    .select({ handler: eventDeliveries.handler, status: eventDeliveries.status })
    .from(eventDeliveries)
    .where(eq(eventDeliveries.eventId, eventId));
  return Object.fromEntries(rows.map((r) => [r.handler, r.status]));
}

async function deliverJobs(eventId: number) {
  return handle.rows<{ state: string; delayed: boolean }>(
    sql`select state, start_after > now() as delayed from ${sql.raw(JOB_SCHEMA)}.job
        where name = ${DELIVER_JOB} and (data->>'eventId')::bigint = ${eventId} order by created_on`,
  );
}

describe("event bus", () => {
  it("delivers an emitted event to each handler exactly once, even when the deliver job runs twice", async () => {
    const eventId = await handle.db.transaction((tx) =>
      bus.emit(tx, "test.visit.fulfilled", { visitId: "v-1", amount: 150_000 }),
    );
    expect(await jobs.drain()).toBe(1);

    const got = received["loyalty:test.visit.fulfilled"];
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ id: eventId, name: "test.visit.fulfilled", payload: { visitId: "v-1", amount: 150_000 } });
    expect(got[0].occurredAt).toBeInstanceOf(Date);
    expect(received["loyalty:test.sale.recorded"]).toBeUndefined();

    // a duplicate job (a retry after a lost completion, or the sweep) changes nothing
    await jobs.send(DELIVER_JOB, { eventId });
    expect(await jobs.drain()).toBe(1);
    expect(received["loyalty:test.visit.fulfilled"]).toHaveLength(1);
    expect(await auditCount("handled:loyalty:test.visit.fulfilled", eventId)).toBe(1);
    expect(await deliveriesOf(eventId)).toEqual({
      "core:test.visit.fulfilled": "delivered",
      "loyalty:test.visit.fulfilled": "delivered",
      "flaky:test.visit.fulfilled": "delivered",
      "survey:test.visit.fulfilled": "delivered",
    });
  });

  it("applies a handler once when two deliveries of one event race", async () => {
    const eventId = await bus.emit(handle.db, "test.sale.recorded", { saleId: "s-1" });
    const reports = await Promise.all([bus.deliver(eventId), bus.deliver(eventId)]);
    expect(reports.flatMap((r) => r.delivered)).toEqual(["loyalty:test.sale.recorded"]);
    expect(received["loyalty:test.sale.recorded"]).toHaveLength(1);
    expect(await auditCount("handled:loyalty:test.sale.recorded", eventId)).toBe(1);
    await jobs.drain();
    expect(received["loyalty:test.sale.recorded"]).toHaveLength(1);
  });

  it("records neither the event nor its job when the emitting transaction rolls back", async () => {
    const before = await handle.db.select({ id: domainEvents.id }).from(domainEvents);
    await expect(
      handle.db.transaction(async (tx) => {
        await bus.emit(tx, "test.sale.recorded", { saleId: "s-rolled-back" });
        throw new Error("sale rejected");
      }),
    ).rejects.toThrow("sale rejected");
    expect(await handle.db.select({ id: domainEvents.id }).from(domainEvents)).toHaveLength(before.length);
    expect(await jobs.drain()).toBe(0);
    expect(received["loyalty:test.sale.recorded"]).toBeUndefined();
  });

  it("records a batch with emitMany: one event and one delivery each, in order, or none on rollback", async () => {
    const ids = await handle.db.transaction((tx) =>
      bus.emitMany(tx, "test.sale.recorded", [{ saleId: "s-batch-1" }, { saleId: "s-batch-2" }, { saleId: "s-batch-3" }]),
    );
    expect(ids).toHaveLength(3);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    for (const id of ids) expect(await deliverJobs(id)).toEqual([{ state: "created", delayed: false }]);
    expect(await jobs.drain()).toBe(3);
    // deliveries are separate jobs: in any order
    expect(received["loyalty:test.sale.recorded"].map((e) => [e.id, e.payload.saleId]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [ids[0], "s-batch-1"],
      [ids[1], "s-batch-2"],
      [ids[2], "s-batch-3"],
    ]);

    const before = await handle.db.select({ id: domainEvents.id }).from(domainEvents);
    await expect(
      handle.db.transaction(async (tx) => {
        await bus.emitMany(tx, "test.sale.recorded", [{ saleId: "s-batch-4" }, { saleId: "s-batch-5" }]);
        throw new Error("chunk rejected");
      }),
    ).rejects.toThrow("chunk rejected");
    expect(await handle.db.select({ id: domainEvents.id }).from(domainEvents)).toHaveLength(before.length);
    expect(await jobs.drain()).toBe(0);
    expect(await bus.emitMany(handle.db, "test.sale.recorded", [])).toEqual([]);
  });

  it("keeps delivering to other handlers when one throws, and retries only that one later", async () => {
    failuresLeft["flaky:test.visit.fulfilled"] = 1;
    const eventId = await bus.emit(handle.db, "test.visit.fulfilled", { visitId: "v-2", amount: 1 });

    expect(await jobs.drain()).toBe(1);
    expect(await deliveriesOf(eventId)).toEqual({
      "core:test.visit.fulfilled": "delivered",
      "loyalty:test.visit.fulfilled": "delivered",
      "survey:test.visit.fulfilled": "delivered",
    });
    // the failed attempt's own write was rolled back with its delivery
    expect(await auditCount("handled:flaky:test.visit.fulfilled", eventId)).toBe(0);
    // pg-boss holds the retry back (backoff)
    expect(await deliverJobs(eventId)).toEqual([{ state: "retry", delayed: true }]);
    expect(await jobs.drain()).toBe(0);

    // time passes
    await handle.db.execute(
      sql`update ${sql.raw(JOB_SCHEMA)}.job set start_after = now() - interval '1 second'
          where name = ${DELIVER_JOB} and state = 'retry'`,
    );
    expect(await jobs.drain()).toBe(1);
    expect(received["flaky:test.visit.fulfilled"]).toHaveLength(2);
    expect(received["loyalty:test.visit.fulfilled"]).toHaveLength(1);
    expect(received["core:test.visit.fulfilled"]).toHaveLength(1);
    expect(await auditCount("handled:flaky:test.visit.fulfilled", eventId)).toBe(1);
    expect((await deliveriesOf(eventId))["flaky:test.visit.fulfilled"]).toBe("delivered");
    expect(await deliverJobs(eventId)).toEqual([{ state: "completed", delayed: false }]);
  });

  it("skips the handlers of a disabled plugin without running them", async () => {
    disabledPlugins.add("loyalty");
    const eventId = await bus.emit(handle.db, "test.visit.fulfilled", { visitId: "v-3", amount: 2 });
    await jobs.drain();
    expect(received["loyalty:test.visit.fulfilled"]).toBeUndefined();
    expect(received["survey:test.visit.fulfilled"]).toHaveLength(1);
    expect(await deliveriesOf(eventId)).toMatchObject({
      "loyalty:test.visit.fulfilled": "skipped",
      "survey:test.visit.fulfilled": "delivered",
    });
    // enabling it later does not replay what it skipped
    disabledPlugins.clear();
    await jobs.send(DELIVER_JOB, { eventId });
    await jobs.drain();
    expect(received["loyalty:test.visit.fulfilled"]).toBeUndefined();
  });

  it("re-enqueues events that miss deliveries and have no live job", async () => {
    // an event whose delivery job was lost (written before the job, or its job purged)
    const [lost] = await handle.db
      .insert(domainEvents)
      .values({ name: "test.sale.recorded", payload: { saleId: "s-lost" } })
      .returning({ id: domainEvents.id });
    // an event whose job is still waiting must not get a second one
    const waiting = await bus.emit(handle.db, "test.sale.recorded", { saleId: "s-waiting" });

    const since = new Date(Date.now() - 3600_000);
    expect(await bus.redeliverPending(handle.db, { since })).toBe(1);
    expect(await jobs.drain()).toBe(2);
    expect(received["loyalty:test.sale.recorded"]?.map((e) => e.id).sort()).toEqual([lost.id, waiting].sort());
    expect(await bus.redeliverPending(handle.db, { since })).toBe(0);
  });

  it("types payloads of declared events", async () => {
    const emitTyped = (db: typeof handle.db) => {
      // @ts-expect-error -- amount must be a number
      void bus.emit(db, "test.visit.fulfilled", { visitId: "v", amount: "1" });
      // an undeclared event takes any JSON object
      void bus.emit(db, "test.undeclared", { anything: true });
    };
    expect(typeof emitTyped).toBe("function");
  });
});
