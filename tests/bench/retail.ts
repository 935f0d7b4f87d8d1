// npm run bench (retail part): signed-webhook ingest with loyalty earning on, and the batch import,
// each with a plain-SQL floor. Own embedded database (or BENCH_DATABASE_URL); one JSON line per figure.
// The webhook figure goes through the real route action with a real Request (API key, HMAC over the
// raw bytes, zod, idempotency claim, contact match, event), then the loyalty handler via the job
// queue — everything but the HTTP socket.
import "../../app/core/runtime/load-context.ts";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openPglite, openPostgres, rowsOf, type DatabaseHandle } from "../../db/client.ts";
import { loadConfig } from "../../app/core/config/config.server.ts";
import { createLogger } from "../../app/core/logging/logger.server.ts";
import { buildLoadContext } from "../../app/core/runtime/request-context.server.ts";
import { startRuntime } from "../../app/core/runtime/runtime.server.ts";
import type { AppLoadContext } from "@remix-run/node";
import retailPos from "../../plugins/retail-pos/index.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { signatureHeader } from "../../plugins/retail-pos/api-auth.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import { createImport, runImport } from "../../plugins/retail-pos/sale-import.server.ts";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";

const webhookSeconds = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 30);
const importSeconds = Number(process.env.BENCH_IMPORT_SECONDS ?? 180);
const importRowsMax = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const print = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(figure)}\n`);
const round = (n: number) => Math.round(n * 100) / 100;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function openDb(): Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    const name = `nusa_bench_retail_${crypto.randomBytes(4).toString("hex")}`;
    await admin.unsafe(`create database "${name}"`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await openPostgres(target.toString(), { max: 4 });
    return { handle, cleanup: async () => (await handle.close(), await admin.unsafe(`drop database if exists "${name}" with (force)`), await admin.end()) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nusa-bench-retail-"));
  const handle = await openPglite({ dataDir: path.join(dir, "pglite") });
  return { handle, cleanup: async () => (await handle.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}

async function main() {
  const { handle, cleanup } = await openDb();
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
    const saleBody = (i: number, prefix: string) => ({
      receiptNumber: `${prefix}-${run}-${i}`,
      occurredAt: new Date().toISOString(),
      customer: { memberCard: `BM${String((i % 5000) + 1).padStart(6, "0")}` },
      lines: [{ sku: `B-${(i % 50) + 1}`, quantity: 2, unitPrice: 50000 }],
      total: 100000,
    });

    // 1. sustained signed webhooks for webhookSeconds, loyalty handlers drained every 200 sales
    log(`${handle.kind}: webhook ingest for ${webhookSeconds}s`);
    const times: number[] = [];
    const start = performance.now();
    let i = 0;
    while (performance.now() - start < webhookSeconds * 1000) {
      const raw = JSON.stringify(saleBody(i++, "WH"));
      const t0 = performance.now();
      const request = new Request("http://localhost:3000/api/pos/v1/sales", {
        method: "POST",
        body: raw,
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${conn.apiKey}`, "Nusa-Signature": signatureHeader(conn.signingSecret, raw) },
      });
      const { context } = await buildLoadContext(runtime, request, { cspNonce: "bench", clientIp: "127.0.0.1" });
      const res = (await salesRoute.action({ request, context: context as AppLoadContext, params: {} })) as Response;
      if (res.status !== 201) throw new Error(`sale answered ${res.status}: ${await res.text()}`);
      times.push(performance.now() - t0);
      if (i % 200 === 0) await runtime.jobs.drain();
    }
    await runtime.jobs.drain();
    const elapsed = (performance.now() - start) / 1000;
    times.sort((a, b) => a - b);
    const [{ n: earned }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from retail_loyalty_ledger where kind = 'earn'`));
    // floor: the same number of sale rows written by one plain INSERT … SELECT
    const f0 = performance.now();
    await db.execute(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, occurred_at, total_idr, source)
      select ${conn.id}, ${branchId}, 'sale', 'WHF-' || g, 'whf:' || g, 'x', now(), 100000, 'api' from generate_series(1, ${i}) g`);
    const floorPerS = i / ((performance.now() - f0) / 1000);
    const perS = i / elapsed;
    print({ bench: "pos.webhook_ingest", db: handle.kind, n: i, loyalty_earns: earned, per_s: round(perS), p50_ms: round(times[Math.floor(times.length / 2)]), p95_ms: round(times[Math.ceil(times.length * 0.95) - 1]), floor_per_s: Math.round(floorPerS), ratio_to_floor: round(floorPerS / perS), peak_rss_mb: peakRssMb() });

    // 2. batch import: calibrate on 2,000 rows, then as many rows as fit in importSeconds
    const stage = async (rows: number, prefix: string) => {
      const staged = Array.from({ length: rows }, (_, k) => ({ row: k + 1, sale: saleBody(k, prefix) }));
      const created = await createImport(db, { kind: "system" }, { connectionId: conn.id, fileName: `${prefix}.json`, rows: staged });
      if (!created.ok) throw new Error(created.error);
      return created.id;
    };
    const importer = { db, bus: { emit: (tx: typeof db, name: string, payload: Record<string, unknown>) => runtime.bus.emit(tx, name, payload as never) } };
    const c0 = performance.now();
    await runImport(importer, await stage(2000, "CAL"));
    const calRate = 2000 / ((performance.now() - c0) / 1000);
    const rows = Math.min(importRowsMax, Math.max(2000, Math.floor(calRate * importSeconds * 0.9)));
    log(`${handle.kind}: import calibrated at ${Math.round(calRate)} rows/s; importing ${rows} rows`);
    const id = await stage(rows, "IMP");
    const i0 = performance.now();
    const done = await runImport(importer, id);
    const importS = (performance.now() - i0) / 1000;
    if (!done || done.recordedRows !== rows) throw new Error(`import recorded ${done?.recordedRows} of ${rows}`);
    const l0 = performance.now();
    await db.execute(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, occurred_at, total_idr, source)
      select ${conn.id}, ${branchId}, 'sale', 'IMPF-' || g, 'impf:' || g, 'x', now(), 100000, 'batch' from generate_series(1, ${rows}) g`);
    const floorImport = rows / ((performance.now() - l0) / 1000);
    print({ bench: "pos.batch_import", db: handle.kind, rows, per_s: round(rows / importS), seconds: round(importS), peak_rss_mb: peakRssMb(), floor: "INSERT…SELECT", floor_per_s: Math.round(floorImport), ratio_to_floor: round(floorImport / (rows / importS)) });
  } finally {
    await runtime.stop();
    await cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
