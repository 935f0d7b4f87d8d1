import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite, type DatabaseHandle } from "./client.ts";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openPglite();
  await handle.pglite!.exec("create table t (id int, v text)");
});
afterAll(() => handle.close());

/** How often a 5 ms timer fired while `chain` ran (without turns it cannot fire at all). */
async function ticksDuring(chain: () => Promise<unknown>) {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = performance.now();
  await chain();
  const during = ticks;
  const ms = performance.now() - started;
  clearInterval(timer);
  return { during, ms };
}

describe("PGlite gives the event loop turns", () => {
  it("between awaited queries, inside and outside transactions, through drizzle too", async () => {
    const pglite = handle.pglite!;
    const runUntil = async (run: (i: number) => Promise<unknown>) => {
      const started = performance.now();
      for (let i = 0; performance.now() - started < 300; i++) await run(i);
    };
    const plain = await ticksDuring(() => runUntil((i) => pglite.query("insert into t values ($1, 'a')", [i])));
    const inTransaction = await ticksDuring(() => pglite.transaction((tx) => runUntil((i) => tx.query("insert into t values ($1, 'b')", [i]))));
    const viaExec = await ticksDuring(() => runUntil(() => pglite.exec("select count(*) from t")));
    const viaDrizzle = await ticksDuring(() => handle.db.transaction((tx) => runUntil(() => tx.execute(sql`select 1`))));
    // a turn at least every 25 ms of queries: a 300 ms chain lets the timer fire several times
    for (const run of [plain, inTransaction, viaExec, viaDrizzle]) expect(run.during).toBeGreaterThanOrEqual(3);
  });
});
