// Several workers on one PostgreSQL (issue 11, item 5; ADR 024): a cron job runs once per due
// time however many processes hold its schedule. Each job queue below is its own pg-boss instance
// with its own connection pool, as a separate worker process would be; they check the schedules
// every second (production: every 30 s), so within the test's few seconds each of them tries to
// send the due job many times.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type DatabaseHandle } from "../../db/client.ts";
import { createJobQueue, type JobQueue } from "../../app/core/jobs/job-queue.server.ts";
import { createLogger } from "../../app/core/logging/logger.server.ts";
import { createTestDatabase } from "../support/test-database.ts";

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const workerCount = 3;

let database: DatabaseHandle;
const queues: JobQueue[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  database = await createTestDatabase();
  await database.db.execute(sql`create table cron_runs (worker int not null, at timestamptz not null default clock_timestamp())`);
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.stop({ timeoutMs: 5000 })));
  await database?.close();
});

/** Seconds past the minute and the minute itself, by the database's clock (the one pg-boss goes by). */
async function databaseMinute() {
  const [row] = rowsOf<{ second: number; minute: number; hour: number }>(
    await database.db.execute(sql`select extract(second from now() at time zone 'UTC')::float8 as second, extract(minute from now() at time zone 'UTC')::int as minute, extract(hour from now() at time zone 'UTC')::int as hour`),
  );
  return { second: Number(row.second), minute: Number(row.minute), hour: Number(row.hour) };
}

async function until(check: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const runs = async () => rowsOf<{ worker: number }>(await database.db.execute(sql`select worker from cron_runs`));

describe.skipIf(!onPostgres)("cron on several workers", () => {
  it("runs a job due now exactly once, though three workers check its schedule every second", { timeout: 90_000 }, async () => {
    // a daily schedule at the current minute is due for the rest of that minute: leave it room
    let now = await databaseMinute();
    if (now.second > 35) {
      await new Promise((r) => setTimeout(r, (61 - now.second) * 1000));
      now = await databaseMinute();
    }
    const cron = `${now.minute} ${now.hour} * * *`;
    const logger = createLogger({ level: "silent" });
    for (let worker = 1; worker <= workerCount; worker++) {
      const queue = createJobQueue(database, { logger, workers: true, pollingIntervalSeconds: 1, cronCheckSeconds: 1 });
      queue.define("test.cron-once", async (_data, ctx) => void (await ctx.db.execute(sql`insert into cron_runs (worker) values (${worker})`)), { cron });
      queues.push(queue);
    }
    // started together, as processes of a deployment are
    await Promise.all(queues.map((q) => q.start()));

    expect(await until(async () => (await runs()).length > 0, 30_000)).toBe(true);
    // every worker has since looked at the schedule again several times, still within the minute
    await new Promise((r) => setTimeout(r, 8000));
    expect((await runs()).length).toBe(1);
  });
});
