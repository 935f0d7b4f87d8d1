// The optional read replica (issue 11, item 6; ADR 024). Without DATABASE_READ_URL reports read
// the primary; with it, reports, exports and analytics read the replica, while screens that show
// what their user just wrote, sign-in and every write stay on the primary. To see which one was
// read, the "replica" here is a second database holding other contacts than the primary.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../app/core/config/config.server.ts";
import { createLogger } from "../app/core/logging/logger.server.ts";
import { startRuntime } from "../app/core/runtime/runtime.server.ts";
import * as contactList from "../app/routes/staff/contacts.tsx";
import * as contactsExport from "../app/routes/staff/contacts.export.ts";
import * as kpiPage from "../app/routes/staff/reports.kpi.tsx";
import * as kpiExport from "../app/routes/staff/reports.kpi.export.ts";
import * as managementPage from "../app/routes/staff/reports.management.tsx";
import * as segmentExport from "../app/routes/staff/segments.export.ts";
import { auditLog, contacts, segments } from "../db/schema/index.ts";
import { rowsOf } from "../db/client.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "./support/test-app.ts";
import { createTestDatabase } from "./support/test-database.ts";
import { atRiskList } from "../app/core/analytics/at-risk.server.ts";
import { cohortReport } from "../app/core/analytics/cohorts.server.ts";
import { createConnection } from "../plugins/retail-pos/connections.server.ts";
import retailPos from "../plugins/retail-pos/index.ts";

type KpiPage = Awaited<ReturnType<typeof kpiPage.loader>>;
type ContactList = Awaited<ReturnType<typeof contactList.loader>>;

const yesterday = () => new Date(Date.now() - 86_400_000);

describe("without DATABASE_READ_URL", () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("reads reports from the primary: readDb is the primary itself", async () => {
    expect(app.runtime.readDb).toBe(app.runtime.db);
    expect(app.runtime.readDatabase).toBe(app.runtime.database);
    const admin = await createStaff(app.runtime, { roles: ["admin"] });
    await app.runtime.db.insert(contacts).values([{ fullName: "Utama Satu", createdAt: yesterday() }]);
    const page = unwrap(await callRoute(app.runtime, kpiPage.loader, { path: "/staff/reports/kpi/core.contacts.new?range=7d", cookie: admin.cookie, params: { kpiId: "core.contacts.new" } }));
    expect((page.data as KpiPage).report!.table.rows.reduce((sum, r) => sum + r.numerator, 0)).toBe(1);
  });
});

describe("with a read replica", () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let admin: Awaited<ReturnType<typeof createStaff>>;

  beforeAll(async () => {
    app = await createTestApp({ readReplica: true });
    admin = await createStaff(app.runtime, { roles: ["admin"] });
    // the primary has two new contacts, the replica three others (as if it were a copy at another moment)
    await app.runtime.db.insert(contacts).values([
      { fullName: "Utama Satu", createdAt: yesterday() },
      { fullName: "Utama Dua", createdAt: yesterday() },
    ]);
    await app.runtime.readDb.insert(contacts).values([
      { fullName: "Replika Satu", createdAt: yesterday() },
      { fullName: "Replika Dua", createdAt: yesterday() },
      { fullName: "Replika Tiga", createdAt: yesterday() },
    ]);
  });
  afterAll(() => app.close());

  it("is another database than the primary", () => {
    expect(app.runtime.readDb).not.toBe(app.runtime.db);
  });

  it("computes a KPI report from the replica (the user and their permissions come from the primary)", async () => {
    const page = unwrap(await callRoute(app.runtime, kpiPage.loader, { path: "/staff/reports/kpi/core.contacts.new?range=7d", cookie: admin.cookie, params: { kpiId: "core.contacts.new" } }));
    expect(page.status).toBe(200);
    expect((page.data as KpiPage).report!.table.rows.reduce((sum, r) => sum + r.numerator, 0)).toBe(3);
  });

  it("computes the management report (and so the scheduled reports) from the replica", async () => {
    const page = unwrap(await callRoute(app.runtime, managementPage.loader, { path: "/staff/reports/management?range=7d", cookie: admin.cookie }));
    expect(page.status).toBe(200);
    const report = (page.data as { report: { sections: { id: string; table: { rows: { numerator: number }[] } }[] } }).report;
    const newContacts = report.sections.find((s) => s.id === "core.contacts.new");
    expect(newContacts).toBeDefined();
    expect(newContacts!.table.rows.reduce((sum, r) => sum + r.numerator, 0)).toBe(3);
  });

  it("exports a report from the replica and writes its audit entry to the primary", async () => {
    const res = (await callRoute(app.runtime, kpiExport.loader, { path: "/staff/reports/kpi/core.contacts.new/export?range=7d&format=csv", cookie: admin.cookie, params: { kpiId: "core.contacts.new" } })) as Response;
    expect(res.status).toBe(200);
    const csv = await res.text();
    const figures = csv.split(/\r?\n/).slice(1).filter(Boolean).map((line) => Number(line.split(",")[1] ?? 0));
    expect(figures.reduce((a, b) => a + b, 0)).toBe(3);
    const audited = async (db: typeof app.runtime.db) => (await db.select().from(auditLog).where(sql`${auditLog.action} = 'report.exported'`)).length;
    expect(await audited(app.runtime.db)).toBe(1);
    expect(await audited(app.runtime.readDb)).toBe(0);
  });

  it("exports contacts from the replica, audited on the primary", async () => {
    const res = (await callRoute(app.runtime, contactsExport.loader, { path: "/staff/contacts/export", cookie: admin.cookie })) as Response;
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain("Replika Tiga");
    expect(csv).not.toContain("Utama Satu");
    const [row] = rowsOf<{ n: number }>(await app.runtime.db.execute(sql`select count(*)::int as n from audit_log where action = 'contact.exported'`));
    expect(Number(row.n)).toBe(1);
  });

  it("exports a segment: the segment as just saved from the primary, its members from the replica", async () => {
    // the segment exists only on the primary (a replica a moment behind would not have it yet)
    const [segment] = await app.runtime.db.insert(segments).values({ name: "Semua wanita", rules: [{ field: "core.gender", op: "is", values: ["female"] }] }).returning();
    await app.runtime.db.insert(contacts).values({ fullName: "Utama Wanita", gender: "female" });
    await app.runtime.readDb.insert(contacts).values({ fullName: "Replika Wanita", gender: "female" });
    const res = (await callRoute(app.runtime, segmentExport.loader, { path: `/staff/segments/${segment.id}/export`, cookie: admin.cookie, params: { segmentId: segment.id } })) as Response;
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain("Replika Wanita");
    expect(csv).not.toContain("Utama Wanita");
  });

  it("keeps the contact list on the primary: a contact just added shows at once", async () => {
    const list = unwrap(await callRoute(app.runtime, contactList.loader, { path: "/staff/contacts", cookie: admin.cookie }));
    const names = (list.data as ContactList).contacts.map((c) => c.fullName);
    expect(names).toEqual(expect.arrayContaining(["Utama Satu", "Utama Dua"]));
    expect(names).not.toContain("Replika Satu");
  });
});

describe("analytics with a read replica", () => {
  it("reads the customers' purchases for cohorts and the at-risk list from the replica", async () => {
    const app = await createTestApp({ readReplica: true, plugins: [retailPos] });
    try {
      const admin = await createStaff(app.runtime, { roles: ["admin"] });
      // purchases only on the replica: two customers, one of them back a month later
      const replica = app.runtime.readDb;
      const [branch] = rowsOf<{ id: string }>(await replica.execute(sql`insert into branches (code, name, kind) values ('RPL', 'Toko Replika', 'store') returning id`));
      const connection = await createConnection(replica, { kind: "system" }, { branchId: branch.id, name: "Kasir replika" });
      if (!connection.ok) throw new Error("no connection");
      const buyers = await replica.insert(contacts).values([{ fullName: "Pembeli Satu" }, { fullName: "Pembeli Dua" }]).returning({ id: contacts.id });
      const sale = (receipt: string, contactId: string, at: string) =>
        sql`(${connection.id}, ${branch.id}, 'sale', ${receipt}, ${`sale:${receipt}`}, 'h', ${contactId}, ${at}::timestamptz, 100000, 'api')`;
      await replica.execute(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, contact_id, occurred_at, total_idr, source) values
        ${sale("RPL-1", buyers[0].id, "2026-09-10T03:00:00Z")}, ${sale("RPL-2", buyers[1].id, "2026-09-12T03:00:00Z")}, ${sale("RPL-3", buyers[0].id, "2026-10-15T03:00:00Z")}`);
      const url = new URL("http://localhost/staff/analytics/cohorts?months=6");
      const actor = { kind: "staff" as const, userId: admin.id, permissions: new Set(["core.scores.view", "core.report.read"]), branchId: null };
      const report = await cohortReport(app.runtime, actor as never, { url, language: "id", now: new Date("2026-11-20T03:00:00Z") });
      const september = report.matrix.rows.find((r) => r.cohort === "2026-09");
      expect(september?.size).toBe(2);
      // the primary holds no purchase at all
      const onPrimary = await cohortReport({ db: app.runtime.db, registry: app.runtime.registry }, actor as never, { url, language: "id", now: new Date("2026-11-20T03:00:00Z") });
      expect(onPrimary.matrix.rows.every((r) => r.size === 0)).toBe(true);
      const list = await atRiskList(app.runtime, actor as never, { timeZone: "Asia/Jakarta", now: new Date("2026-11-20T03:00:00Z") });
      expect(list).not.toEqual({ ok: false, problem: "noTransactions" });
    } finally {
      await app.close();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("DATABASE_READ_URL on PostgreSQL", () => {
  it("opens the replica from the environment, reads there, and closes it with the runtime", async () => {
    const primary = await createTestDatabase();
    const replica = await createTestDatabase();
    try {
      await replica.db.insert(contacts).values({ fullName: "Hanya di Replika" });
      const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: primary.url!, DATABASE_READ_URL: replica.url! });
      const runtime = await startRuntime({ config, logger: createLogger({ level: "silent" }), plugins: [], workers: false });
      try {
        expect(runtime.readDatabase.url).toBe(replica.url);
        const names = async (db: typeof runtime.db) => (await db.select({ name: contacts.fullName }).from(contacts)).map((c) => c.name);
        expect(await names(runtime.readDb)).toEqual(["Hanya di Replika"]);
        expect(await names(runtime.db)).toEqual([]);
      } finally {
        await runtime.stop();
      }
    } finally {
      await primary.close();
      await replica.close();
    }
  });
});
