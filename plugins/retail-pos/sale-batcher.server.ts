// Group commit for sales sent through the API. Each sale is checked on its own (key, signature,
// schema, total) and then waits here; sales that arrive while a transaction is being written go
// into the next one (two are written at a time), which records them with the bulk writer of the import (one claim, one lines
// insert, one event insert for all). Under load one transaction carries many sales, at low load
// one; a sale never waits for a timer. Each request gets the answer ingestSale would give: a sale
// whose key or receipt was already taken is answered as a replay or a conflict after the commit,
// and a transaction that fails as a whole (a deadlock, a constraint) is redone sale by sale.
import type { Database, PluginServices } from "../../app/plugin-api/index.ts";
import type { PosConnection } from "./api-auth.server.ts";
import { existing, ingestSale, totalMismatch, writeSalesInBulk, type IngestMeta, type IngestResult } from "./sale-ingest.server.ts";
import type { SaleInput } from "./sale-payload.ts";

type Runtime = { db: Database; bus: Pick<PluginServices, "emit" | "emitMany"> };

interface Waiting {
  connection: PosConnection;
  input: SaleInput;
  meta: IngestMeta;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

export interface SaleBatcher {
  record(connection: PosConnection, input: SaleInput, meta: IngestMeta): Promise<IngestResult>;
}

/** Sales per transaction at most: bounds a transaction's size and a sale's wait behind it. */
export const maxSalesPerTransaction = 200;
/**
 * Transactions written at once: while one waits on the database the next is being sent (a
 * transaction's time is mostly round trips, not work). Two that would wait on each other (new
 * members in opposite order) end in a deadlock error, and then each sale is written on its own.
 */
const concurrentTransactions = 2;

export function createSaleBatcher(runtime: Runtime, options: { onTransaction?: (sales: number) => void } = {}): SaleBatcher {
  let waiting: Waiting[] = [];
  let writers = 0;

  async function writeAll() {
    try {
      while (waiting.length > 0) {
        const batch = waiting.slice(0, maxSalesPerTransaction);
        waiting = waiting.slice(batch.length);
        // an answer for every sale whatever happens (one already answered ignores a second)
        await writeBatch(batch).catch((error: unknown) => batch.forEach((w) => w.reject(error)));
      }
    } finally {
      writers--;
    }
  }

  async function writeBatch(batch: Waiting[]) {
    options.onTransaction?.(batch.length);
    const byConnection = new Map<string, Waiting[]>();
    for (const w of batch) byConnection.set(w.connection.id, [...(byConnection.get(w.connection.id) ?? []), w]);
    let recorded: Map<Waiting, Awaited<ReturnType<typeof writeSalesInBulk>>["recorded"]> | null = null;
    try {
      recorded = await runtime.db.transaction(async (tx) => {
        const result = new Map<Waiting, Awaited<ReturnType<typeof writeSalesInBulk>>["recorded"]>();
        for (const group of byConnection.values()) {
          const written = await writeSalesInBulk(
            { db: tx, bus: runtime.bus },
            group[0].connection,
            group.map((w) => ({ key: w.meta.idempotencyKey, hash: w.meta.requestHash, input: w.input })),
            "api",
          );
          for (const w of group) result.set(w, written.recorded);
        }
        return result;
      });
    } catch {
      // the whole transaction rolled back: each sale on its own, as if it had come alone
      for (const w of batch) await ingestSale(runtime, w.connection, w.input, w.meta).then(w.resolve, w.reject);
      return;
    }
    const answered = new Set<string>();
    for (const w of batch) {
      const sale = recorded.get(w)!.get(w.meta.idempotencyKey);
      const first = `${w.connection.id}\u0000${w.meta.idempotencyKey}`;
      if (sale && !answered.has(first)) {
        answered.add(first);
        w.resolve({ ok: true, replayed: false, sale });
      } else {
        // its key or receipt was taken before (or by an earlier sale of this batch): a replay or a conflict
        await existing(runtime.db, w.connection, "sale", w.input.receiptNumber, w.meta).then(w.resolve, w.reject);
      }
    }
  }

  return {
    record(connection, input, meta) {
      const mismatch = totalMismatch(input);
      if (mismatch) return Promise.resolve(mismatch);
      return new Promise<IngestResult>((resolve, reject) => {
        waiting.push({ connection, input, meta, resolve, reject });
        if (writers < concurrentTransactions) {
          writers++;
          // after this turn of the event loop: requests parsed meanwhile join the transaction
          setImmediate(() => void writeAll());
        }
      });
    },
  };
}

const batchers = new WeakMap<object, SaleBatcher>();

/** The batcher of a runtime's database (one per process and database). */
export function saleBatcherFor(runtime: Runtime): SaleBatcher {
  let batcher = batchers.get(runtime.db);
  if (!batcher) {
    batcher = createSaleBatcher(runtime);
    batchers.set(runtime.db, batcher);
  }
  return batcher;
}
