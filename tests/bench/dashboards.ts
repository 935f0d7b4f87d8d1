// npm run bench (dashboards part): every role dashboard over one year, and one drill-down, on
// 100,000 contacts, 1,000,000 interactions, 1,000,000 sales lines and 200,000 appointments (plus
// tickets, surveys, messages, points and referrals), generated inside the database. Server time of
// the real view function (tiles, previous period, trends, charts), read from the daily rollups
// (ADR 021), beside the floor: the same view computed by the KPIs' plain SQL over the raw rows.
//   PostgreSQL first (BENCH_DATABASE_URL, else DATABASE_URL / TEST_DATABASE_URL, on which a fresh
//   database is created and dropped), then PGlite; BENCH_DASHBOARD_DBS=postgres or =pglite for one.
//   BENCH_DASHBOARD_ITERATIONS (20) per dashboard, BENCH_DASHBOARD_FLOOR_ITERATIONS (3) for the floor,
//   BENCH_DASHBOARD_SCALE (1) multiplies every count (0.1 for a quick try).
//   BENCH_DASHBOARD_REUSE=<database> (PostgreSQL): measure on a database a run kept (BENCH_KEEP=1),
//   seeded and built already.
// Figures: one JSON line each: seed, rollup build, incremental refresh, then per dashboard p50/p95
// with floor_p50_ms / floor_p95_ms and ratio (p95 / floor p95); within_goal is p95 < 150 ms.
import "../../app/core/runtime/load-context.ts";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { openPostgres, rowsOf } from "../../db/client.ts";
import { loadConfig } from "../../app/core/config/config.server.ts";
import { createLogger } from "../../app/core/logging/logger.server.ts";
import { corePermissions } from "../../app/core/permissions/permissions.server.ts";
import { roleDashboard } from "../../app/core/reports/dashboard.server.ts";
import { dashboardIds } from "../../app/core/reports/dashboards.ts";
import { kpiReport } from "../../app/core/reports/kpi-report.server.ts";
import { refreshKpiRollups } from "../../app/core/reports/kpi-rollup.server.ts";
import { allKpis } from "../../app/core/reports/kpis.server.ts";
import { startRuntime, type AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { addDays, today } from "../../app/core/time/local-time.ts";
import { installedPlugins } from "../../plugins/index.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import { log, openBenchDatabase, percentile, print, round } from "./bench-support.ts";

const scale = Number(process.env.BENCH_DASHBOARD_SCALE ?? 1);
const count = (n: number) => Math.max(10, Math.round(n * scale));
const sizes = {
  contacts: count(100_000),
  interactions: count(1_000_000),
  sales: count(500_000), // two lines each: 1,000,000 sales lines
  appointments: count(200_000),
  tickets: count(30_000),
  surveys: count(20_000),
  messages: count(200_000),
  ledger: count(200_000),
  lots: count(50_000),
  referrals: count(10_000),
};
const iterations = Number(process.env.BENCH_DASHBOARD_ITERATIONS ?? 20);
const floorIterations = Number(process.env.BENCH_DASHBOARD_FLOOR_ITERATIONS ?? 3);
const goalMs = 150;

// a deterministic "random" number in [0, mod) from a seed expression
const h = (seed: string, mod: number) => sql.raw(`((hashtext(${seed}) & 2147483647) % ${mod})`);

async function seed(runtime: AppRuntime) {
  const { db } = runtime;
  const run = async (label: string, query: ReturnType<typeof sql>) => {
    const t = performance.now();
    await db.execute(query);
    log(`${label} ${round((performance.now() - t) / 1000)} s`);
  };
  const one = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(query))[0];
  await db.execute(sql`update plugin_states set enabled = true`);
  const branches = rowsOf<{ id: string; code: string }>(
    await db.execute(sql`insert into branches (code, name, kind, time_zone) values
      ('B-RSJ', 'RS Bench Jakarta', 'hospital', 'Asia/Jakarta'), ('B-RSM', 'RS Bench Makassar', 'hospital', 'Asia/Makassar'),
      ('B-TKB', 'Toko Bench Bandung', 'store', 'Asia/Jakarta'), ('B-TKD', 'Toko Bench Denpasar', 'store', 'Asia/Makassar') returning id, code`),
  );
  const id = (code: string) => branches.find((b) => b.code === code)!.id;
  const allBranches = sql.raw(`array[${branches.map((b) => `'${b.id}'`).join(",")}]::uuid[]`);
  const stores = [id("B-TKB"), id("B-TKD")];
  const connections: string[] = [];
  for (const store of stores) {
    const created = await createConnection(db, { kind: "system" }, { branchId: store, name: "Kasir bench" });
    if (!created.ok) throw new Error("no POS connection");
    connections.push((await one<{ id: string }>(sql`select id from retail_pos_connections where branch_id = ${store}`)).id);
  }
  const { id: staffId } = await one<{ id: string }>(sql`insert into users (kind, email, name) values ('staff', 'bench@nusa-crm.id', 'Bench') returning id`);

  await run(
    "contacts",
    sql`insert into contacts (full_name, branch_id, created_at, source)
      select 'Kontak ' || g, (${allBranches})[1 + ${h("g::text", 4)}], now() - make_interval(mins => ${h("g::text || 'c'", 730 * 1440)}), 'import'
      from generate_series(1, ${sizes.contacts}) g`,
  );
  await db.execute(sql`create table bench_contacts as select id, branch_id, row_number() over (order by id) as n from contacts`);
  await db.execute(sql`create unique index on bench_contacts (n)`);
  const contactOf = (seed: string) => sql.raw(`(1 + ((hashtext(${seed}) & 2147483647) % ${sizes.contacts}))`);
  const minutesAgo = (seed: string, days = 400) => sql.raw(`now() - make_interval(mins => ((hashtext(${seed}) & 2147483647) % ${days * 1440}))`);

  await run(
    "interactions",
    sql`insert into interactions (contact_id, channel, direction, subject, occurred_at, branch_id)
      select c.id, (array['call','visit','whatsapp','email','portal'])[1 + ${h("g::text || 'h'", 5)}], 'inbound', 'Interaksi bench', ${minutesAgo("g::text || 'i'")}, c.branch_id
      from generate_series(1, ${sizes.interactions}) g join bench_contacts c on c.n = ${contactOf("g::text")}`,
  );
  await run(
    "sales",
    sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, contact_id, occurred_at, total_idr)
      select (array[${connections[0]}::uuid, ${connections[1]}::uuid])[1 + g % 2], (array[${stores[0]}::uuid, ${stores[1]}::uuid])[1 + g % 2], 'sale',
        'B' || g, 'k' || g, 'h', case when ${h("g::text || 'm'", 5)} < 3 then c.id end, ${minutesAgo("g::text || 's'")}, 20000 + ${h("g::text || 't'", 50)} * 10000
      from generate_series(1, ${sizes.sales}) g join bench_contacts c on c.n = ${contactOf("g::text || 'sc'")}`,
  );
  await run(
    "sales lines",
    sql`insert into retail_pos_sale_lines (sale_id, line_no, sku, name, category, quantity, unit_price_idr, amount_idr)
      select s.id, l, 'SKU-' || p, 'Barang ' || p, (array['dapur','minuman','makanan','kebersihan','bayi'])[1 + p % 5], 1 + p % 3, 10000 + p * 500, (1 + p % 3) * (10000 + p * 500)
      from retail_pos_sales s cross join generate_series(1, 2) l cross join lateral (select ${h("s.id::text || l", 200)} as p) x`,
  );
  await run(
    "services and practitioners",
    sql`with s as (insert into hospital_appointments_services (branch_id, code, name)
          select (array[${id("B-RSJ")}::uuid, ${id("B-RSM")}::uuid])[1 + g % 2], 'POLI-' || g, (array['Poli Umum','Poli Anak','Poli Gigi','Poli Dalam','Poli Mata'])[1 + g / 2 % 5] || ' ' || g
          from generate_series(0, 9) g returning id)
        insert into hospital_appointments_practitioners (name) select 'dr. Bench ' || g from generate_series(1, 40) g`,
  );
  await db.execute(sql`create table bench_services as select id, branch_id, row_number() over (order by code) - 1 as n from hospital_appointments_services`);
  await db.execute(sql`create table bench_practitioners as select id, row_number() over (order by name) - 1 as n from hospital_appointments_practitioners`);
  // 40 doctors × 14 slots a day over the last ~357 days; a doctor works in one poli
  await run(
    "appointments",
    sql`insert into hospital_appointments_appointments (contact_id, practitioner_id, service_id, branch_id, start_at, end_at, local_date, queue_number, status, channel, created_at, confirmed_at)
      select c.id, p.id, s.id, s.branch_id, x.start_at, x.start_at + interval '20 minutes', x.local_date, x.slot + 1,
        case when x.local_date > current_date then 'booked' else (array['noshow','cancelled','fulfilled','fulfilled','fulfilled','fulfilled','fulfilled','fulfilled','arrived','fulfilled'])[1 + ${h("g::text || 'st'", 10)}] end,
        (array['portal','frontdesk','phone','referral'])[1 + ${h("g::text || 'ch'", 4)}], x.start_at - make_interval(days => ${h("g::text || 'lead'", 30)}),
        case when ${h("g::text || 'cf'", 2)} = 0 then x.start_at - interval '1 day' end
      from generate_series(0, ${sizes.appointments - 1}) g
      join bench_practitioners p on p.n = g % 40
      join bench_services s on s.n = (g % 40) % 10
      join bench_contacts c on c.n = ${contactOf("g::text || 'ap'")}
      cross join lateral (select (current_date - 350 + (g / 40) / 14) as local_date, (g / 40) % 14 as slot) d
      cross join lateral (select d.local_date, d.slot,
        ((d.local_date + time '08:00' + make_interval(mins => d.slot * 20)) at time zone (select time_zone from branches where id = s.branch_id)) as start_at) x`,
  );
  await run(
    "tickets",
    sql`insert into tickets (number, subject, channel, category, status, branch_id, contact_id, created_at, sla_due_at, resolved_at)
      select 'BT-' || g, 'Keluhan bench', (array['phone','email','whatsapp','walk_in'])[1 + ${h("g::text || 'c'", 4)}], 'complaint',
        case when ${h("g::text || 'r'", 10)} < 8 then 'resolved' else 'open' end, c.branch_id, c.id, t.at, t.at + interval '1 day',
        case when ${h("g::text || 'r'", 10)} < 8 then t.at + make_interval(mins => ${h("g::text || 'res'", 2880)}) end
      from generate_series(1, ${sizes.tickets}) g join bench_contacts c on c.n = ${contactOf("g::text || 'tk'")}
      cross join lateral (select ${minutesAgo("g::text || 'ta'")} as at) t`,
  );
  await run(
    "surveys",
    sql`insert into surveys (contact_id, source_type, source_id, branch_id, token_hash, sent_at, expires_at, answered_at, rating)
      select c.id, 'bench', g::text, c.branch_id, md5('s' || g), t.at, t.at + interval '14 days',
        case when ${h("g::text || 'a'", 2)} = 0 then t.at + interval '3 hours' end,
        case when ${h("g::text || 'a'", 2)} = 0 then (array['excellent','good','average','poor'])[1 + ${h("g::text || 'rt'", 4)}] end
      from generate_series(1, ${sizes.surveys}) g join bench_contacts c on c.n = ${contactOf("g::text || 'sv'")}
      cross join lateral (select ${minutesAgo("g::text || 'sa'")} as at) t`,
  );
  await run(
    "messages",
    sql`insert into messages (channel, recipient, template, locale, status, contact_id, created_at)
      select (array['email','whatsapp'])[1 + g % 2], '+628000' || g, 'bench', 'id', (array['sent','delivered','read','read','failed'])[1 + ${h("g::text || 'ms'", 5)}], c.id, ${minutesAgo("g::text || 'mt'")}
      from generate_series(1, ${sizes.messages}) g join bench_contacts c on c.n = ${contactOf("g::text || 'mc'")}`,
  );
  await run(
    "points ledger and lots",
    sql`with e as (insert into retail_loyalty_ledger (contact_id, kind, points, balance_after, occurred_at)
          select c.id, k.kind, case when k.kind = 'earn' then 10 + g % 90 else -(5 + g % 40) end, 100, ${minutesAgo("g::text || 'lt'")}
          from generate_series(1, ${sizes.ledger}) g join bench_contacts c on c.n = ${contactOf("g::text || 'lc'")}
          cross join lateral (select (array['earn','earn','earn','redeem','expire'])[1 + ${h("g::text || 'lk'", 5)}] as kind) k returning 1)
        insert into retail_loyalty_lots (contact_id, points, remaining, value_idr, earned_at, expires_at)
          select c.id, 100, ${h("g::text || 'rem'", 101)}, 0, now() - interval '200 days', now() + make_interval(days => ${h("g::text || 'ex'", 365)} - 100)
          from generate_series(1, ${sizes.lots}) g join bench_contacts c on c.n = ${contactOf("g::text || 'lo'")}`,
  );
  await db.execute(sql`insert into partner_organisations (code, name, type) select 'KL-' || g, 'Klinik Bench ' || g, 'clinic' from generate_series(1, 20) g`);
  await run(
    "referrals",
    sql`insert into hospital_referrals_referrals (direction, status, contact_id, partner_org_id, branch_id, reason, icd10_code, icd10_text, target_service, sent_at, decided_at, scheduled_for)
      select case when g % 4 = 0 then 'outgoing' else 'incoming' end, (array['sent','accepted','rejected','scheduled','completed','back_referred'])[1 + ${h("g::text || 'rs'", 6)}],
        c.id, (select id from partner_organisations where code = 'KL-' || (1 + g % 20)), (array[${id("B-RSJ")}::uuid, ${id("B-RSM")}::uuid])[1 + g % 2],
        'Rujukan bench', 'J06.9', 'ISPA', 'Poli Umum', t.at, t.at + interval '5 hours', t.at + interval '4 days'
      from generate_series(1, ${sizes.referrals}) g join bench_contacts c on c.n = ${contactOf("g::text || 'rf'")}
      cross join lateral (select ${minutesAgo("g::text || 'rt'")} as at) t`,
  );
  for (const table of ["bench_contacts", "bench_services", "bench_practitioners"]) await db.execute(sql.raw(`drop table ${table}`));
  await db.execute(sql`analyze`);
  return { staffId };
}

async function timeEach(times: number, fn: () => Promise<unknown>, warm = 2) {
  for (let i = 0; i < warm; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

async function benchOn(kind: "postgres" | "pglite") {
  const url = kind === "postgres" ? (process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL) : undefined;
  if (kind === "postgres" && !url) {
    log("no BENCH_DATABASE_URL / DATABASE_URL: PostgreSQL skipped");
    return;
  }
  const reuse = kind === "postgres" ? process.env.BENCH_DASHBOARD_REUSE : undefined;
  const { handle, cleanup } = reuse ? await reopen(url!, reuse) : await openBenchDatabase("dashboards", { url: url ?? null, connections: 10 });
  await handle.migrate();
  const runtime = await startRuntime({
    config: loadConfig({ NODE_ENV: "production", APP_ORIGIN: "http://localhost:3000" }),
    logger: createLogger({ level: "silent" }),
    plugins: installedPlugins,
    database: handle,
    workers: false,
  });
  try {
    const { db } = runtime;
    const kpis = allKpis(runtime.registry);
    let staffId: string;
    if (reuse) {
      staffId = rowsOf<{ id: string }>(await db.execute(sql`select id from users where email = 'bench@nusa-crm.id'`))[0].id;
    } else {
      log(`${handle.kind}: seeding`);
      const seedStart = performance.now();
      ({ staffId } = await seed(runtime));
      print({ bench: "dashboards.seed", db: handle.kind, ...sizes, sales_lines: sizes.sales * 2, seconds: round((performance.now() - seedStart) / 1000) });
      const build = await refreshKpiRollups(db, kpis, { rebuild: true });
      const [{ rows, distinct_rows }] = rowsOf<{ rows: number; distinct_rows: number }>(
        await db.execute(sql`select (select count(*)::int from kpi_rollup_days) as rows, (select count(*)::int from kpi_rollup_distinct) as distinct_rows`),
      );
      print({ bench: "dashboards.rollup_build", db: handle.kind, seconds: round(build.ms / 1000), rollup_rows: rows, distinct_rows });
    }
    // what the minute job does after a minute of trading: 200 sales today, then the refresh
    await db.execute(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, occurred_at, total_idr)
      select c.id, c.branch_id, 'sale', 'N' || (extract(epoch from now())::bigint) || '-' || g, 'n' || (extract(epoch from now())::bigint) || '-' || g, 'h', now(), 50000 from generate_series(1, 200) g cross join lateral (select id, branch_id from retail_pos_connections limit 1) c`);
    const incremental = await refreshKpiRollups(db, kpis);
    print({ bench: "dashboards.rollup_refresh_minute", db: handle.kind, ms: round(incremental.ms), days: incremental.days });
    await db.execute(sql`analyze kpi_rollup_days`);
    await db.execute(sql`analyze kpi_rollup_distinct`);

    const permissions = new Set([...Object.keys(corePermissions), ...installedPlugins.flatMap((p) => Object.keys(p.manifest.permissions))]);
    const actor = { kind: "staff" as const, userId: staffId, permissions, branchId: null };
    const now = new Date();
    const to = today("Asia/Jakarta", now);
    const from = addDays(to, -364);
    const year = `range=custom&from=${from}&to=${to}`;
    const views: { name: string; run: () => Promise<unknown> }[] = [
      ...dashboardIds.map((id) => ({
        name: `dashboards.${id}`,
        run: () => roleDashboard(runtime, actor, { url: new URL(`http://localhost/staff?dashboard=${id}&${year}`), language: "id", now }),
      })),
      {
        name: "dashboards.drilldown.visits_by_poli",
        run: () => kpiReport(runtime, actor, { kpiId: "hospital-appointments.visits", url: new URL(`http://localhost/staff/reports/kpi/x?${year}&dimension=poli`), language: "id", now }),
      },
    ];
    const fromRollups: Record<string, { p50: number; p95: number }> = {};
    for (const view of views) {
      const t = (fromRollups[view.name] = await timeEach(iterations, view.run));
      print({ bench: view.name, db: handle.kind, source: "rollups", range_days: 365, iterations, p50_ms: round(t.p50), p95_ms: round(t.p95), within_goal: t.p95 < goalMs });
    }
    // the floor: the same views from the KPIs' plain SQL over the raw rows (rollups switched off)
    const [{ as_of }] = rowsOf<{ as_of: string }>(await db.execute(sql`select as_of::text from kpi_rollup_state`));
    await db.execute(sql`update kpi_rollup_state set as_of = null`);
    for (const view of views) {
      const floor = await timeEach(floorIterations, view.run, 0);
      const t = fromRollups[view.name];
      print({
        bench: view.name,
        db: handle.kind,
        range_days: 365,
        iterations,
        p50_ms: round(t.p50),
        p95_ms: round(t.p95),
        floor_p50_ms: round(floor.p50),
        floor_p95_ms: round(floor.p95),
        ratio: round(t.p95 / Math.max(floor.p95, 0.01)),
        within_goal: t.p95 < goalMs,
      });
    }
    await db.execute(sql`update kpi_rollup_state set as_of = ${as_of}::timestamptz`);
  } finally {
    await runtime.stop();
    await cleanup();
  }
}

async function reopen(url: string, name: string) {
  const target = new URL(url);
  target.pathname = `/${name}`;
  const handle = await openPostgres(target.toString(), { max: 10 });
  return { handle, cleanup: () => handle.close() };
}

async function main() {
  const dbs = (process.env.BENCH_DASHBOARD_DBS ?? "postgres,pglite").split(",");
  for (const kind of ["postgres", "pglite"] as const) if (dbs.includes(kind)) await benchOn(kind);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
