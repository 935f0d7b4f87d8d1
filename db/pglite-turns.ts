import type { PGlite, Transaction } from "@electric-sql/pglite";

// PGlite runs a query synchronously inside the process and answers with a promise that is already
// settled, so a chain of awaited queries never gives the event loop a turn: timers, sockets and
// HTTP requests all wait until the whole chain is over. Measured: 3,000 awaited inserts (10 s)
// froze every timer for 10.9 s; a full KPI-rollup build froze a test worker for minutes, past
// vitest's 60 s RPC timeout, and would freeze the web server of a PGlite install the same way.
// So before a query, once the chain has held the loop for `busyLimitMs`, the loop gets one turn.
const busyLimitMs = 25;
let lastTurn = performance.now();

function takeTurn(): Promise<void> | undefined {
  if (performance.now() - lastTurn < busyLimitMs) return undefined;
  return new Promise<void>((resolve) =>
    setImmediate(() => {
      lastTurn = performance.now();
      resolve();
    }),
  );
}

type Queries = Pick<PGlite, "query" | "exec">;

function giveTurns<T extends Queries>(target: T): T {
  const query = target.query.bind(target);
  const exec = target.exec.bind(target);
  target.query = (async (...args: Parameters<typeof query>) => {
    await takeTurn();
    return query(...args);
  }) as T["query"];
  target.exec = (async (...args: Parameters<typeof exec>) => {
    await takeTurn();
    return exec(...args);
  }) as T["exec"];
  return target;
}

/** The same PGlite, whose queries (in transactions too) let the event loop turn every few milliseconds. */
export function withEventLoopTurns(pglite: PGlite): PGlite {
  giveTurns(pglite);
  const transaction = pglite.transaction.bind(pglite);
  pglite.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) => transaction((tx) => callback(giveTurns(tx)))) as PGlite["transaction"];
  return pglite;
}
