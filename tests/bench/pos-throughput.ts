// npm run bench (throughput part, issue 11 item 4): each figure beside a floor measured in the same run.
//   1. pos.http: signed POS sales over real HTTP with loyalty on, at 8 and 16 clients, from a load
//      generator in its own thread (tests/bench/load-generator.mjs, undici). The app: node:http in
//      front of the real route action (plugin gate, API key, HMAC over the raw bytes, zod,
//      idempotency claim, contact match, event), queue workers on as in a server, so loyalty earns
//      meanwhile. Figures: sales/s, p50/p95, and the time from the last accepted sale until every
//      member sale's points are earned. Floor: a bare node:http server that verifies the same
//      signature and writes each sale with one INSERT, driven by the same generator.
//   2. pos.import: a CSV of BENCH_IMPORT_ROWS sales rows from upload (staged by the upload's reader)
//      through recording to the last point earned, peak RSS; floor: COPY of the same file.
//   3. appointments.one_slot: 200 concurrent bookings of one slot (each another patient): exactly
//      its seats succeed, the others get slotTaken, none throws; floor: plain INSERT … ON CONFLICT.
// Own database: PGlite in a temporary folder, or a fresh one on BENCH_DATABASE_URL.
//   BENCH_TP=http,import,booking   which parts run (all by default)
//   BENCH_SECONDS (60)   per HTTP run;  BENCH_CLIENTS (8,16);  BENCH_IMPORT_ROWS (1,000,000)
//   BENCH_BOOKINGS (200), BENCH_SEATS (3)
import "../../app/core/runtime/load-context.ts";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { Worker } from "node:worker_threads";
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { rowsOf, type DatabaseHandle } from "../../db/client.ts";
import { loadConfig } from "../../app/core/config/config.server.ts";
import { createLogger } from "../../app/core/logging/logger.server.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";
import { buildLoadContext } from "../../app/core/runtime/request-context.server.ts";
import { startRuntime, type AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { bookAppointment } from "../../plugins/hospital-appointments/booking.server.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";
import { verifySignature } from "../../plugins/retail-pos/api-auth.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import { createImport, readSalesFile, runImport } from "../../plugins/retail-pos/sale-import.server.ts";
import { log, openBenchDatabase, percentile, print, round } from "./bench-support.ts";

const parts = new Set((process.env.BENCH_TP ?? "http,import,booking").split(","));
const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const clientCounts = (process.env.BENCH_CLIENTS ?? "8,16").split(",").map(Number);
const importRows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const bookings = Number(process.env.BENCH_BOOKINGS ?? 200);
const seats = Number(process.env.BENCH_SEATS ?? 3);
const maxWaitSeconds = Number(process.env.BENCH_MAX_WAIT ?? 600);
const members = 5000;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const card = (i: number) => `BM${String((i % members) + 1).padStart(6, "0")}`;
const cards = Array.from({ length: members }, (_, i) => card(i));
const note = "shared 2-core machine: server, database, load generator and other work together";

interface GeneratorResult {
  latencies: number[];
  statuses: Record<string, number>;
  elapsed: number;
  sent: number;
  lastAcceptedAt: number;
}

function generate(input: { port: number; path: string; apiKey: string; secret: string; clients: number; prefix: string }): Promise<GeneratorResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./load-generator.mjs", import.meta.url), {
      workerData: { url: `http://127.0.0.1:${input.port}`, path: input.path, apiKey: input.apiKey, secret: input.secret, clients: input.clients, seconds, prefix: input.prefix, cards },
    });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

async function listen(handler: http.RequestListener) {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port, close: () => new Promise((r) => server.close(r)) };
}

async function readRaw(req: http.IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The app's POS endpoint behind node:http: the request as Remix gets it, the real route action. */
function appHandler(runtime: AppRuntime): http.RequestListener {
  return async (req, res) => {
    try {
      const raw = await readRaw(req);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://localhost:3000${req.url}`, { method: req.method, headers, body: raw });
      const { context } = await buildLoadContext(runtime, request, { cspNonce: "bench", clientIp: req.socket.remoteAddress ?? null });
      const answer = (await salesRoute.action({ request, context: context as AppLoadContext, params: {} })) as Response;
      const body = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, { "Content-Type": answer.headers.get("Content-Type") ?? "application/json", "Content-Length": body.length });
      res.end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  };
}

/** The floor: the same signature check, then one INSERT of the sale. */
function floorHandler(handle: DatabaseHandle, apiKey: string, secret: string): http.RequestListener {
  return async (req, res) => {
    try {
      const raw = await readRaw(req);
      if (req.headers.authorization !== `Bearer ${apiKey}`) return void res.writeHead(401).end();
      if (verifySignature((req.headers["nusa-signature"] as string) ?? null, raw, [secret]) !== "ok") return void res.writeHead(401).end();
      const sale = JSON.parse(raw.toString("utf8")) as { receiptNumber: string; occurredAt: string; total: number };
      await handle.db.execute(sql`insert into bench_floor_sales (receipt_no, occurred_at, total_idr, body) values (${sale.receiptNumber}, ${sale.occurredAt}, ${sale.total}, ${raw.toString("utf8")}::jsonb)`);
      res.writeHead(201, { "Content-Type": "application/json" }).end('{"status":"recorded"}');
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  };
}

async function posSetup(runtime: AppRuntime) {
  const { db } = runtime;
  await db.execute(sql`insert into users (kind, email, name) values ('staff', 'admin@nusa-crm.id', 'Admin') on conflict do nothing`);
  await seedRetailLoyalty({ db, logger: runtime.logger });
  const [{ id: branchId }] = rowsOf<{ id: string }>(await db.execute(sql`insert into branches (code, name, kind) values ('BENCH', 'Toko Bench', 'store') returning id`));
  const conn = await createConnection(db, { kind: "system" }, { branchId, name: "bench" });
  if (!conn.ok) throw new Error("no connection");
  await db.execute(sql`insert into retail_pos_products (sku, name, category, price_idr) select 'B-' || g, 'Barang ' || g, (array['dapur','kebersihan','elektronik'])[1 + g % 3], 10000 + g * 1000 from generate_series(1, 50) g`);
  // members with cards: every sale matches a contact and earns points
  await db.execute(sql`insert into contacts (full_name, source) select 'Member ' || g, 'import' from generate_series(1, ${members}) g`);
  await db.execute(sql`insert into contact_identifiers (contact_id, system, value) select id, 'member_card', 'BM' || lpad(row_number() over (order by id)::text, 6, '0') from contacts where full_name like 'Member %'`);
  await db.execute(sql`create table bench_floor_sales (id bigserial primary key, receipt_no text not null unique, occurred_at timestamptz not null, total_idr bigint not null, body jsonb not null)`);
  return { conn, branchId };
}

const earnedOf = async (runtime: AppRuntime, prefix: string) =>
  Number(rowsOf<{ n: number }>(await runtime.db.execute(sql`select count(*)::int as n from retail_loyalty_ledger where kind = 'earn' and reason like ${`${prefix}-%`}`))[0].n);

/** Seconds until `target` sales of this run have their points (polled every 100 ms; gives up after BENCH_MAX_WAIT seconds). */
async function untilEarned(runtime: AppRuntime, prefix: string, target: number, since: number) {
  for (;;) {
    const earned = await earnedOf(runtime, prefix);
    if (earned >= target) return { seconds: (Date.now() - since) / 1000, earned };
    if (Date.now() - since > maxWaitSeconds * 1000) return { seconds: null, earned };
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function httpBench(handle: DatabaseHandle, runtime: AppRuntime, setup: Awaited<ReturnType<typeof posSetup>>) {
  const { conn } = setup;
  const app = await listen(appHandler(runtime));
  const floor = await listen(floorHandler(handle, conn.apiKey, conn.signingSecret));
  try {
    for (const clients of clientCounts) {
      const prefix = `WH${clients}-${Date.now()}`;
      log(`${handle.kind}: POS sales over HTTP, ${clients} clients, ${seconds}s (app), then the floor`);
      const run = await generate({ port: app.port, path: "/api/pos/v1/sales", apiKey: conn.apiKey, secret: conn.signingSecret, clients, prefix });
      const accepted = run.latencies.length;
      const points = await untilEarned(runtime, prefix, accepted, run.lastAcceptedAt);
      const floorRun = await generate({ port: floor.port, path: "/sales", apiKey: conn.apiKey, secret: conn.signingSecret, clients, prefix: `F${prefix}` });
      const sorted = run.latencies.sort((a, b) => a - b);
      const floorSorted = floorRun.latencies.sort((a, b) => a - b);
      const perS = accepted / run.elapsed;
      const floorPerS = floorSorted.length / floorRun.elapsed;
      print({
        bench: "pos.http_sales",
        db: handle.kind,
        clients,
        seconds: round(run.elapsed),
        accepted,
        statuses: run.statuses,
        per_s: round(perS),
        p50_ms: round(percentile(sorted, 50)),
        p95_ms: round(percentile(sorted, 95)),
        points_all_earned_after_last_sale_s: points.seconds === null ? null : round(points.seconds),
        member_sales_earned: points.earned,
        floor: "node:http + same signature + one INSERT",
        floor_per_s: round(floorPerS),
        floor_p50_ms: round(percentile(floorSorted, 50)),
        floor_p95_ms: round(percentile(floorSorted, 95)),
        floor_statuses: floorRun.statuses,
        ratio_of_floor: round(perS / floorPerS),
        note,
      });
    }
  } finally {
    await app.close();
    await floor.close();
  }
}

async function importBench(handle: DatabaseHandle, runtime: AppRuntime, setup: Awaited<ReturnType<typeof posSetup>>) {
  const { db } = runtime;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nusa-bench-tp-import-"));
  const file = path.join(dir, "penjualan.csv");
  const prefix = `IMP-${Date.now()}`;
  const at = new Date().toISOString();
  await pipeline(
    (async function* () {
      yield "No Struk;Waktu;Kartu Member;SKU;Qty;Harga;Total\n";
      let buffer = "";
      for (let k = 0; k < importRows; k++) {
        buffer += `${prefix}-${k};${at};${card(k)};B-${(k % 50) + 1};2;50000;100000\n`;
        if (buffer.length > 1 << 16) (yield buffer, (buffer = ""));
      }
      yield buffer;
    })(),
    fs.createWriteStream(file),
  );
  log(`${handle.kind}: importing ${importRows} rows, until the last point is earned`);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  const created = await createImport(db, { kind: "system" }, { connectionId: setup.conn.id, fileName: "penjualan.csv", rows: readSalesFile("penjualan.csv", fs.createReadStream(file)) });
  if (!created.ok) throw new Error(created.error);
  const staged = (performance.now() - t0) / 1000;
  const done = await runImport({ db, bus: pluginServices(runtime) }, created.id, {});
  const recorded = (performance.now() - t0) / 1000;
  log(`${handle.kind}: staged in ${round(staged)}s, recorded in ${round(recorded)}s; waiting for the points`);
  if (done?.recordedRows !== importRows) throw new Error(`import recorded ${done?.recordedRows} of ${importRows}`);
  const points = await untilEarned(runtime, prefix, importRows, Date.now());
  const total = (performance.now() - t0) / 1000;
  clearInterval(sampler);

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
  fs.rmSync(dir, { recursive: true, force: true });
  print({
    bench: "pos.import_to_points",
    db: handle.kind,
    rows: importRows,
    seconds_upload_to_last_point: round(total),
    staged_s: round(staged),
    recorded_s: round(recorded),
    points_s_after_recorded: points.seconds === null ? null : round(points.seconds),
    earned: points.earned,
    per_s: round(importRows / total),
    peak_rss_mb: mb(peakRss),
    floor: "COPY",
    floor_seconds: round(copyS),
    ratio_of_floor: Math.round((copyS / total) * 10_000) / 10_000,
    floor_per_s: round(importRows / copyS),
    note,
  });
}

async function bookingBench() {
  const { handle, cleanup } = await openBenchDatabase("tp_booking", { connections: 10 });
  try {
    await handle.migrate();
    const runtime = await startRuntime({
      config: loadConfig({ NODE_ENV: "production", APP_ORIGIN: "http://localhost:3000" }),
      logger: createLogger({ level: "silent" }),
      plugins: [hospitalAppointments],
      database: handle,
      workers: false,
    });
    try {
      const { db } = runtime;
      const one = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(query))[0];
      const tz = "Asia/Jakarta" as const;
      const staff = await one<{ id: string }>(sql`insert into users (kind, email, name) values ('staff', 'frontdesk@nusa-crm.id', 'Petugas') returning id`);
      const actor = { kind: "staff" as const, userId: staff.id, permissions: new Set(["hospital-appointments.appointment.manage"]), branchId: null };
      const branch = await one<{ id: string }>(sql`insert into branches (code, name, kind, time_zone) values ('RSB', 'RS Bench', 'hospital', ${tz}) returning id`);
      const service = await one<{ id: string }>(sql`insert into hospital_appointments_services (branch_id, code, name) values (${branch.id}, 'PD', 'Poli Penyakit Dalam') returning id`);
      const doctor = await one<{ id: string }>(sql`insert into hospital_appointments_practitioners (name) values ('dr. Bench') returning id`);
      await db.execute(sql`insert into hospital_appointments_schedules (practitioner_id, service_id, branch_id, weekday, start_time, end_time, slot_minutes, capacity)
        select ${doctor.id}, ${service.id}, ${branch.id}, w, '09:00', '12:00', 15, ${seats} from generate_series(1, 7) w`);
      const patients = rowsOf<{ id: string }>(await db.execute(sql`insert into contacts (full_name, source) select 'Pasien ' || g, 'import' from generate_series(1, ${bookings}) g returning id`)).map((r) => r.id);
      const startAt = zonedInstant(addDays(localDateOf(new Date(), tz), 2), "09:00", tz);
      const services = pluginServices(runtime);
      log(`${handle.kind}: ${bookings} concurrent bookings of one slot with ${seats} seats`);
      const times: number[] = [];
      const outcomes: Record<string, number> = {};
      const t0 = performance.now();
      await Promise.all(
        patients.map(async (contactId) => {
          const a0 = performance.now();
          let key: string;
          try {
            const result = await bookAppointment(db, services, actor, { contactId, serviceId: service.id, channel: "frontdesk", practitionerId: doctor.id, startAt });
            key = result.ok ? "booked" : result.error;
          } catch {
            key = "threw (a 5xx)";
          }
          times.push(performance.now() - a0);
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      times.sort((a, b) => a - b);
      const held = await one<{ n: number }>(sql`select count(*)::int as n from hospital_appointments_appointments where start_at = ${startAt.toISOString()}::timestamptz and status <> 'cancelled'`);
      // floor: the same 200 attempts as plain INSERT … ON CONFLICT into a table with one row per seat
      await db.execute(sql`create table bench_seats (slot text not null, seat int not null, contact_id uuid not null, primary key (slot, seat))`);
      const f0 = performance.now();
      const floorTimes: number[] = [];
      await Promise.all(
        patients.map(async (contactId, i) => {
          const a0 = performance.now();
          await db.execute(sql`insert into bench_seats (slot, seat, contact_id) values ('s', ${1 + (i % seats)}, ${contactId}) on conflict do nothing`);
          floorTimes.push(performance.now() - a0);
        }),
      );
      const floorElapsed = (performance.now() - f0) / 1000;
      floorTimes.sort((a, b) => a - b);
      print({
        bench: "appointments.one_slot",
        db: handle.kind,
        attempts: bookings,
        seats,
        outcomes,
        seats_held: held.n,
        exact: outcomes.booked === seats && held.n === seats && outcomes.slotTaken === bookings - seats,
        attempts_per_s: round(bookings / elapsed),
        p50_ms: round(percentile(times, 50)),
        p95_ms: round(percentile(times, 95)),
        floor: "INSERT … ON CONFLICT",
        floor_attempts_per_s: round(bookings / floorElapsed),
        floor_p95_ms: round(percentile(floorTimes, 95)),
        note,
      });
    } finally {
      await runtime.stop();
    }
  } finally {
    await cleanup();
  }
}

async function main() {
  if (parts.has("http") || parts.has("import")) {
    const { handle, cleanup } = await openBenchDatabase("tp_pos", { connections: 10 });
    try {
      await handle.migrate();
      const runtime = await startRuntime({
        config: loadConfig({ NODE_ENV: "production", APP_ORIGIN: "http://localhost:3000" }),
        logger: createLogger({ level: "silent" }),
        plugins: [retailPos, retailLoyalty],
        database: handle,
        // queue workers on, as in a server: loyalty earns while sales arrive
        workers: true,
        pollingIntervalSeconds: 0.5,
      });
      try {
        const setup = await posSetup(runtime);
        if (parts.has("http")) await httpBench(handle, runtime, setup);
        if (parts.has("import")) await importBench(handle, runtime, setup);
      } finally {
        await runtime.stop();
      }
    } finally {
      await cleanup();
    }
  }
  if (parts.has("booking")) await bookingBench();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
