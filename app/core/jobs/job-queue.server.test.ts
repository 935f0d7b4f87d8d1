import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "../../../db/client.ts";
import { auditLog } from "../../../db/schema/index.ts";
import { createTestDatabase } from "../../../tests/support/test-database.ts";
import { createJobQueue, JOB_SCHEMA, type JobQueue } from "./job-queue.server.ts";

let handle: DatabaseHandle;
const queues: JobQueue[] = [];

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.stop()));
  await handle.close();
});

/** A logger whose JSON lines the test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

function queue(options: { workers?: boolean; pollingIntervalSeconds?: number } = {}) {
  const { logger, lines } = capturingLogger();
  const jobs = createJobQueue(handle, { logger, workers: false, ...options });
  queues.push(jobs);
  return { jobs, lines };
}

async function jobStates(name: string) {
  const rows = await handle.rows<{ state: string; retry_count: number; delayed: boolean }>(
    sql`select state, retry_count, start_after > now() as delayed from ${sql.raw(JOB_SCHEMA)}.job where name = ${name} order by created_on, start_after`,
  );
  return rows.map((r) => ({ state: r.state, retryCount: Number(r.retry_count), delayed: r.delayed }));
}

describe("job queue", () => {
  it("runs a job with its data and retries it after a failure", async () => {
    const { jobs, lines } = queue();
    const seen: unknown[] = [];
    jobs.define(
      "test.flaky",
      async (data, ctx) => {
        seen.push(data);
        // the handler gets a working database handle
        await ctx.db.insert(auditLog).values({ actorKind: "system", action: `test.flaky.${seen.length}` });
        if (seen.length === 1) throw new Error("first attempt fails");
      },
      { retryLimit: 2, retryDelay: 0 },
    );
    await jobs.start();
    await jobs.send("test.flaky", { contactId: "c-1" });

    expect(await jobs.drain()).toBe(2);
    expect(seen).toEqual([{ contactId: "c-1" }, { contactId: "c-1" }]);
    expect(await jobStates("test.flaky")).toEqual([{ state: "completed", retryCount: 1, delayed: false }]);

    const failure = lines.find((l) => l.msg === "job failed");
    expect(failure).toMatchObject({ queue: "test.flaky", attempt: 1, willRetry: true, err: { message: "first attempt fails" } });
  });

  it("marks a job failed once its retries are used up, and backs off between them", async () => {
    const { jobs, lines } = queue();
    let attempts = 0;
    jobs.define(
      "test.broken",
      async () => {
        attempts++;
        throw new Error("always broken");
      },
      { retryLimit: 1, retryDelay: 0 },
    );
    jobs.define(
      "test.backoff",
      async () => {
        throw new Error("try later");
      },
      { retryLimit: 3, retryDelay: 60, retryBackoff: true },
    );
    await jobs.start();
    await jobs.send("test.broken", {});
    await jobs.send("test.backoff", {});

    expect(await jobs.drain()).toBe(3); // broken twice, backoff once
    expect(attempts).toBe(2);
    expect(await jobStates("test.broken")).toEqual([{ state: "failed", retryCount: 1, delayed: false }]);
    expect(lines.find((l) => l.msg === "job failed" && l.queue === "test.broken" && l.willRetry === false)).toMatchObject({
      level: 50,
    });
    // the backoff retry waits: a second drain does not run it yet
    expect(await jobStates("test.backoff")).toEqual([{ state: "retry", retryCount: 0, delayed: true }]);
    expect(await jobs.drain("test.backoff")).toBe(0);
  });

  it("does not run the body of a job whose isActive says no, and completes it", async () => {
    const { jobs } = queue();
    let active = false;
    let runs = 0;
    jobs.define(
      "test.plugin-job",
      async () => {
        runs++;
      },
      { isActive: async () => active },
    );
    await jobs.start();
    await jobs.send("test.plugin-job", {});
    expect(await jobs.drain("test.plugin-job")).toBe(1);
    expect(runs).toBe(0);
    expect(await jobStates("test.plugin-job")).toEqual([{ state: "completed", retryCount: 0, delayed: false }]);

    active = true;
    await jobs.send("test.plugin-job", {});
    await jobs.drain("test.plugin-job");
    expect(runs).toBe(1);
  });

  it("enqueues a job sent in a transaction only if the transaction commits", async () => {
    const { jobs } = queue();
    const ran: string[] = [];
    jobs.define("test.tx", async (data) => {
      ran.push(String(data.label));
    });
    await jobs.start();

    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(auditLog).values({ actorKind: "system", action: "test.tx.rolled-back" });
        const id = await jobs.send("test.tx", { label: "rolled back" }, { db: tx });
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        throw new Error("abort the change");
      }),
    ).rejects.toThrow("abort the change");

    await handle.db.transaction(async (tx) => {
      await tx.insert(auditLog).values({ actorKind: "system", action: "test.tx.committed" });
      await jobs.send("test.tx", { label: "committed" }, { db: tx });
      // several parameters (start_after, json data) go through the transaction's driver
      await jobs.send("test.tx", { label: "later" }, { db: tx, startAfter: 3600 });
    });

    expect(await jobs.drain("test.tx")).toBe(1);
    expect(ran).toEqual(["committed"]);
    const states = await jobStates("test.tx");
    expect(states).toEqual([
      { state: "completed", retryCount: 0, delayed: false },
      { state: "created", retryCount: 0, delayed: true },
    ]);
  });

  it("refuses to send a job nobody defined", async () => {
    const { jobs } = queue();
    await jobs.start();
    await expect(jobs.send("test.unknown", {})).rejects.toThrow(/not defined/);
  });

  it("runs cron jobs with workers, skipping the body of an inactive one", async () => {
    const { jobs } = queue({ workers: true, pollingIntervalSeconds: 0.5 });
    let activeRuns = 0;
    let inactiveRuns = 0;
    jobs.define("test.cron-active", async () => {
      activeRuns++;
    }, { cron: "* * * * *" });
    jobs.define("test.cron-inactive", async () => {
      inactiveRuns++;
    }, { cron: "* * * * *", isActive: async () => false });
    await jobs.start();

    const schedules = await handle.rows<{ name: string; cron: string }>(
      sql`select name, cron from ${sql.raw(JOB_SCHEMA)}.schedule where name like 'test.cron-%' order by name`,
    );
    expect(schedules).toEqual([
      { name: "test.cron-active", cron: "* * * * *" },
      { name: "test.cron-inactive", cron: "* * * * *" },
    ]);

    await vi.waitFor(
      async () => {
        expect(activeRuns).toBe(1);
        expect((await jobStates("test.cron-inactive")).map((j) => j.state)).toEqual(["completed"]);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(inactiveRuns).toBe(0);
    await jobs.stop();
  });

  it("stops gracefully: waits for a running handler, and can be called twice", async () => {
    const { jobs } = queue({ workers: true, pollingIntervalSeconds: 0.5 });
    let release!: () => void;
    const started = new Promise<void>((resolveStarted) => {
      jobs.define("test.slow", async () => {
        resolveStarted();
        await new Promise<void>((resolve) => (release = resolve));
      });
    });
    await jobs.start();
    await jobs.send("test.slow", {});
    await started;

    let stopped = false;
    const stopping = jobs.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;
    await jobs.stop();
    expect(await jobStates("test.slow")).toEqual([{ state: "completed", retryCount: 0, delayed: false }]);
    await expect(jobs.send("test.slow", {})).rejects.toThrow(/stopped/);
  });
});
