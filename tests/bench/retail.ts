// npm run bench (retail part): signed-webhook ingest with loyalty earning on, over a real HTTP
// socket, and the batch import of a large sales file, each beside a plain-SQL floor. Own embedded
// database (or BENCH_DATABASE_URL); one JSON line per figure.
//   BENCH_RETAIL=webhook,import   which parts run (both by default)
//   BENCH_WEBHOOK_SECONDS (30), BENCH_WEBHOOK_CLIENTS (8)   the webhook run
//   BENCH_WEBHOOK_EARN=concurrent|after   loyalty earns while sales arrive (default) or once they stop
//   BENCH_IMPORT_ROWS or --import-rows=N (1,000,000)   sales rows (one receipt line each) in the file
//   BENCH_IMPORT_STAGE_ONLY=1   read and stage the file (memory, rows/s) but do not record it
// The webhook figure: N concurrent keep-alive clients POST signed sales to an express server on a
// real port, in front of the real route action (API key, HMAC over the raw bytes, zod, idempotency
// claim, contact match, event); the loyalty handler earns points from the job queue meanwhile.
// The import figure: a CSV written to disk, streamed through the upload's reader into the staging
// table, then the job's chunked bulk recording; the floor is PostgreSQL's COPY of the same file.
import "../../app/core/runtime/load-context.ts";
import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import express from "express";
import postgres from "postgres";
import { rowsOf } from "../../db/client.ts";
import { loadConfig } from "../../app/core/config/config.server.ts";
import { createLogger } from "../../app/core/logging/logger.server.ts";
import { buildLoadContext } from "../../app/core/runtime/request-context.server.ts";
import { startRuntime } from "../../app/core/runtime/runtime.server.ts";
import { pluginGate } from "../../app/server/plugin-gate.ts";
import type { AppLoadContext } from "@remix-run/node";
import retailPos from "../../plugins/retail-pos/index.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { signatureHeader } from "../../plugins/retail-pos/api-auth.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import { createImport, readSalesFile, runImport } from "../../plugins/retail-pos/sale-import.server.ts";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";
import { log, openBenchDatabase, percentile, print, round } from "./bench-support.ts";

const parts = new Set((process.env.BENCH_RETAIL ?? "webhook,import").split(","));
const webhookSeconds = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 30);
const webhookClients = Number(process.env.BENCH_WEBHOOK_CLIENTS ?? 8);
const earnMode = process.env.BENCH_WEBHOOK_EARN === "after" ? "after" : "concurrent";
const importRows = Number(process.argv.find((a) => a.startsWith("--import-rows="))?.split("=")[1] ?? process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const stageOnly = process.env.BENCH_IMPORT_STAGE_ONLY === "1";
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Peak RSS and heap while fn runs, sampled every 100 ms (plus the process's lifetime maxRSS). */
async function withMemory<T>(fn: () => Promise<T>) {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 100);
  try {
    const result = await fn();
    sample();
    return { result, peakRssMb: mb(rss), peakHeapMb: mb(heap) };
  } finally {
    clearInterval(timer);
  }
}


async function main() {
  const { handle, cleanup } = await openBenchDatabase("retail");
  await handle.migrate();
  const runtime = await startRuntime({
    config: loadConfig({ NODE_ENV: "production", APP_ORIGIN: "http://localhost:3000" }),
    logger: createLogger({ level: "silent" }),
    plugins: [retailPos, retailLoyalty],
    database: handle,
    workers: false,
  });
  try {
    const { db } = runtime;
    await db.execute(sql`insert into users (kind, email, name) values ('staff', 'admin@nusa-crm.id', 'Admin')`);
    await seedRetailLoyalty({ db, logger: runtime.logger });
    const [{ id: branchId }] = rowsOf<{ id: string }>(await db.execute(sql`insert into branches (code, name, kind) values ('BENCH', 'Toko Bench', 'store') returning id`));
    const conn = await createConnection(db, { kind: "system" }, { branchId, name: "bench" });
    if (!conn.ok) throw new Error("no connection");
    await db.execute(sql`insert into retail_pos_products (sku, name, category, price_idr) select 'B-' || g, 'Barang ' || g, 'dapur', 10000 + g * 1000 from generate_series(1, 50) g`);
    // 5,000 members with cards, so sales match a contact and earn points
    await db.execute(sql`insert into contacts (full_name, source) select 'Member ' || g, 'import' from generate_series(1, 5000) g`);
    await db.execute(sql`insert into contact_identifiers (contact_id, system, value) select id, 'member_card', 'BM' || lpad(row_number() over (order by id)::text, 6, '0') from contacts where full_name like 'Member %'`);
    const run = Date.now();
    const card = (i: number) => `BM${String((i % 5000) + 1).padStart(6, "0")}`;
    const saleBody = (i: number, prefix: string) => ({
      receiptNumber: `${prefix}-${run}-${i}`,
      occurredAt: new Date().toISOString(),
      customer: { memberCard: card(i) },
      lines: [{ sku: `B-${(i % 50) + 1}`, quantity: 2, unitPrice: 50000 }],
      total: 100000,
    });
    const earns = async () => Number(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from retail_loyalty_ledger where kind = 'earn'`))[0].n);

    if (parts.has("webhook")) {
      // 1. signed webhooks over HTTP from concurrent clients; the loyalty handler drains meanwhile
      const app = express();
      app.disable("x-powered-by");
      app.use(pluginGate(runtime.registry, db));
      app.post("/api/pos/v1/sales", async (req, res, next) => {
        try {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          const request = new Request(`http://localhost:3000${req.originalUrl}`, { method: "POST", headers: req.headers as HeadersInit, body: Buffer.concat(chunks) });
          const { context } = await buildLoadContext(runtime, request, { cspNonce: "bench", clientIp: req.ip ?? null });
          const answer = (await salesRoute.action({ request, context: context as AppLoadContext, params: {} })) as Response;
          res.status(answer.status).type(answer.headers.get("Content-Type") ?? "application/json").send(Buffer.from(await answer.arrayBuffer()));
        } catch (error) {
          next(error);
        }
      });
      const server = await new Promise<http.Server>((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      const port = (server.address() as { port: number }).port;
      log(`${handle.kind}: webhook ingest for ${webhookSeconds}s, ${webhookClients} clients on port ${port}, loyalty earning ${earnMode}`);
      const earnsBefore = await earns();
      const times: number[] = [];
      let next = 0;
      let stop = false;
      const start = performance.now();
      const client = async () => {
        while (performance.now() - start < webhookSeconds * 1000) {
          const raw = JSON.stringify(saleBody(next++, "WH"));
          const t0 = performance.now();
          const res = await fetch(`http://127.0.0.1:${port}/api/pos/v1/sales`, {
            method: "POST",
            body: raw,
            headers: { "Content-Type": "application/json", Authorization: `Bearer ${conn.apiKey}`, "Nusa-Signature": signatureHeader(conn.signingSecret, raw) },
          });
          const text = await res.text();
          if (res.status !== 201) throw new Error(`sale answered ${res.status}: ${text}`);
          times.push(performance.now() - t0);
        }
      };
      const earner = (async () => {
        while (!stop && earnMode === "concurrent") {
          await runtime.jobs.drain();
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      await Promise.all(Array.from({ length: webhookClients }, client));
      const elapsed = (performance.now() - start) / 1000;
      stop = true;
      await earner;
      await runtime.jobs.drain();
      const lagS = (performance.now() - start) / 1000 - elapsed;
      await new Promise((r) => server.close(r));
      times.sort((a, b) => a - b);
      const n = times.length;
      const earned = (await earns()) - earnsBefore;
      if (earned !== n) throw new Error(`loyalty earned ${earned} times for ${n} sales`);
      // floor: the same number of sale rows written by one plain INSERT … SELECT
      const f0 = performance.now();
      await db.execute(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, occurred_at, total_idr, source)
        select ${conn.id}, ${branchId}, 'sale', 'WHF-' || g, 'whf:' || g, 'x', now(), 100000, 'api' from generate_series(1, ${n}) g`);
      const floorPerS = n / ((performance.now() - f0) / 1000);
      const perS = n / elapsed;
      print({ bench: "pos.webhook_ingest", db: handle.kind, transport: "http", clients: webhookClients, earn: earnMode, n, loyalty_earns: earned, per_s: round(perS), earned_per_s: round(n / (elapsed + lagS)), p50_ms: round(percentile(times, 50)), p95_ms: round(percentile(times, 95)), loyalty_drain_after_s: round(lagS), floor: "INSERT…SELECT", floor_per_s: Math.round(floorPerS), ratio_to_floor: round(floorPerS / perS), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) });
    }

    if (parts.has("import")) {
      // 2. batch import: a CSV of importRows sale lines (one receipt each), as a till exports it
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nusa-bench-import-"));
      const file = path.join(dir, "penjualan.csv");
      const header = "No Struk;Waktu;Kartu Member;SKU;Qty;Harga;Total\n";
      const at = new Date().toISOString();
      await pipeline(
        (async function* () {
          yield header;
          let buffer = "";
          for (let k = 0; k < importRows; k++) {
            buffer += `IMP-${run}-${k};${at};${card(k)};B-${(k % 50) + 1};2;50000;100000\n`;
            if (buffer.length > 1 << 16) (yield buffer, (buffer = ""));
          }
          yield buffer;
        })(),
        fs.createWriteStream(file),
      );
      const fileMb = round(fs.statSync(file).size / 1024 / 1024);
      log(`${handle.kind}: importing ${importRows} rows (${fileMb} MB CSV)`);
      const importer = { db, bus: pluginServices(runtime) };
      const staged = await withMemory(async () => {
        const s0 = performance.now();
        const created = await createImport(db, { kind: "system" }, { connectionId: conn.id, fileName: "penjualan.csv", rows: readSalesFile("penjualan.csv", fs.createReadStream(file)) });
        if (!created.ok) throw new Error(created.error);
        return { id: created.id, seconds: (performance.now() - s0) / 1000 };
      });
      if (stageOnly) {
        await db.execute(sql`delete from retail_pos_imports where id = ${staged.result.id}`);
        print({ bench: "pos.batch_import.stage", db: handle.kind, rows: importRows, file_mb: fileMb, per_s: round(importRows / staged.result.seconds), seconds: round(staged.result.seconds), peak_rss_mb: staged.peakRssMb, peak_heap_mb: staged.peakHeapMb, process_max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) });
      }
      // floor: the same file loaded by COPY into a table of its columns
      await db.execute(sql`create table bench_copy_sales (receipt_no text not null, occurred_at timestamptz not null, member_card text, sku text not null, quantity int not null, unit_price_idr bigint not null, total_idr bigint not null)`);
      const c0 = performance.now();
      if (handle.kind === "pglite") {
        await handle.pglite!.query(`copy bench_copy_sales from '/dev/blob' with (format csv, header true, delimiter ';')`, [], { blob: await fs.openAsBlob(file) });
      } else {
        const pg = postgres(handle.url!, { max: 1, onnotice: () => {} });
        try {
          await pipeline(fs.createReadStream(file), await pg`copy bench_copy_sales from stdin with (format csv, header true, delimiter ';')`.writable());
        } finally {
          await pg.end();
        }
      }
      const copyS = (performance.now() - c0) / 1000;
      const [{ n: copied }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from bench_copy_sales`));
      if (copied !== importRows) throw new Error(`COPY loaded ${copied} of ${importRows}`);
      if (stageOnly) {
        print({ bench: "pos.batch_import.copy_floor", db: handle.kind, rows: importRows, seconds: round(copyS), per_s: Math.round(importRows / copyS) });
        fs.rmSync(dir, { recursive: true, force: true });
        return;
      }
      let fellBack = 0;
      let busMs = 0;
      let lastLog = performance.now();
      const recorded = await withMemory(async () => {
        const r0 = performance.now();
        const done = await runImport(importer, staged.result.id, {
          onChunk: ({ processed, fellBack: error, busMs: chunkBusMs }) => {
            if (error) fellBack++;
            busMs += chunkBusMs;
            if (performance.now() - lastLog > 30_000) {
              lastLog = performance.now();
              log(`${handle.kind}: ${processed} rows recorded, ${Math.round(processed / ((lastLog - r0) / 1000))} rows/s`);
            }
          },
        });
        return { done, seconds: (performance.now() - r0) / 1000 };
      });
      const done = recorded.result.done;
      if (!done || done.recordedRows !== importRows) throw new Error(`import recorded ${done?.recordedRows} of ${importRows}`);
      const events = Number(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from domain_events where name = 'pos.sale.recorded' and payload->>'receiptNumber' like ${`IMP-${run}-%`}`))[0].n);
      if (events !== importRows) throw new Error(`${events} sale events for ${importRows} sales`);
      const totalS = staged.result.seconds + recorded.result.seconds;

      fs.rmSync(dir, { recursive: true, force: true });
      const perS = importRows / totalS;
      print({
        bench: "pos.batch_import",
        db: handle.kind,
        rows: importRows,
        file_mb: fileMb,
        per_s: round(perS),
        seconds: round(totalS),
        stage_seconds: round(staged.result.seconds),
        record_seconds: round(recorded.result.seconds),
        record_per_s: round(importRows / recorded.result.seconds),
        // the event bus's share: one outbox row + one delivery job per sale (loyalty earns from it)
        bus_emit_seconds: round(busMs / 1000),
        per_s_without_bus_emit: round(importRows / (recorded.result.seconds - busMs / 1000)),
        chunks_fell_back: fellBack,
        peak_rss_mb: Math.max(staged.peakRssMb, recorded.peakRssMb),
        peak_heap_mb: Math.max(staged.peakHeapMb, recorded.peakHeapMb),
        process_max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        floor: "COPY",
        floor_seconds: round(copyS),
        floor_per_s: Math.round(importRows / copyS),
        ratio_to_floor: round(importRows / copyS / perS),
      });
    }
  } finally {
    await runtime.stop();
    await cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
