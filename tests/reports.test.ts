// Reports and dashboards through the real routes: scoping to the branches a user may see, bad input
// (never a 500, never another branch's numbers), KPIs vanishing with their plugin, and exports.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreKpis } from "../app/core/reports/core-kpis.server.ts";
import { kpiDimensions } from "../app/core/plugins/contract.ts";
import { coreResources } from "../app/core/i18n/resources.ts";
import * as dashboard from "../app/routes/staff/dashboard.tsx";
import * as kpiPage from "../app/routes/staff/reports.kpi.tsx";
import * as kpiExport from "../app/routes/staff/reports.kpi.export.ts";
import * as partnerReports from "../app/routes/partner/reports.tsx";
import { auditLog, branches, contacts, users } from "../db/schema/index.ts";
import { installedPlugins } from "../plugins/index.ts";
import { sql } from "drizzle-orm";
import { callRoute, createContact, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let jkt: string;
let mks: string;
let admin: Awaited<ReturnType<typeof createStaff>>;
let manager: Awaited<ReturnType<typeof createStaff>>;
let agent: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  const db = app.runtime.db;
  [{ id: jkt }, { id: mks }] = await db
    .insert(branches)
    .values([
      { code: "R-JKT", name: "Cabang Jakarta", kind: "hospital", timeZone: "Asia/Jakarta" },
      { code: "R-MKS", name: "=HYPERLINK(\"x\")", kind: "store", timeZone: "Asia/Makassar" },
    ])
    .returning({ id: branches.id });
  const yesterday = new Date(Date.now() - 86_400_000);
  await db.insert(contacts).values([
    { fullName: "J1", branchId: jkt, createdAt: yesterday },
    { fullName: "M1", branchId: mks, createdAt: yesterday },
    { fullName: "M2", branchId: mks, createdAt: yesterday },
  ]);
  admin = await createStaff(app.runtime, { roles: ["admin"] });
  manager = await createStaff(app.runtime, { roles: ["manager"] });
  agent = await createStaff(app.runtime, { roles: ["agent"] });
  // the manager belongs to Jakarta: their reports never show Makassar
  await db.update(users).set({ branchId: jkt }).where(eq(users.id, manager.id));
});
afterAll(() => app.close());

type Dashboard = Awaited<ReturnType<typeof dashboard.loader>>;
type KpiPage = Awaited<ReturnType<typeof kpiPage.loader>>;

async function board(cookie: string, query = "") {
  const result = unwrap(await callRoute(app.runtime, dashboard.loader, { path: `/staff?${query}`, cookie }));
  expect(result.status).toBe(200);
  return (result.data as Dashboard).report!;
}

async function kpi(cookie: string, kpiId: string, query = "") {
  const result = unwrap(await callRoute(app.runtime, kpiPage.loader, { path: `/staff/reports/kpi/${kpiId}?${query}`, cookie, params: { kpiId } }));
  return { status: result.status, report: (result.data as KpiPage | null)?.report };
}

const lastWeek = "range=7d";

describe("KPI catalogue", () => {
  it("every KPI has its name, definition, numerator (and denominator for ratios) in id and en, and known dimensions", async () => {
    const registered = coreKpis.map((k) => ({ ...k, namespace: "reports", resources: { id: coreResources.id.reports, en: coreResources.en.reports } }));
    const enabled = installedPlugins.map((p) => p.manifest.id);
    const everything = new Set(["core.report.read", ...installedPlugins.flatMap((p) => Object.keys(p.manifest.permissions))]);
    const fromPlugins = app.runtime.registry.kpis(enabled, everything).map((k) => {
      const p = installedPlugins.find((i) => i.manifest.id === k.pluginId)!;
      return { ...k, namespace: k.pluginId, resources: p.locales };
    });
    const all = [...registered, ...fromPlugins];
    expect(all.length).toBeGreaterThanOrEqual(40);
    const lookup = (tree: unknown, key: string) => key.split(".").reduce<unknown>((n, part) => (n && typeof n === "object" ? (n as Record<string, unknown>)[part] : undefined), tree);
    for (const k of all) {
      for (const language of ["id", "en"] as const) {
        for (const key of [k.name, k.definition, k.numerator, ...(k.denominator ? [k.denominator] : [])]) {
          expect(typeof lookup(k.resources[language], key), `${k.namespace}:${key} (${language})`).toBe("string");
        }
      }
      if (k.unit === "percent") expect(k.denominator, `${k.id} needs a denominator`).toBeTruthy();
      for (const d of k.dimensions) expect(kpiDimensions).toContain(d);
    }
  });
});

describe("role dashboards", () => {
  it("the staff home is the user's role dashboard, with a previous period and tiles that link to their records", async () => {
    const report = await board(admin.cookie, lastWeek);
    expect(report.dashboardId).toBe("management");
    const tile = report.tiles.find((t) => t.id === "core.contacts.new")!;
    expect(tile.value).toBe("3");
    expect(tile.definition).toMatch(/Kontak yang ditambahkan/);
    expect(tile.href).toContain("/staff/reports/kpi/core.contacts.new?range=7d");
    expect(report.charts.length).toBeGreaterThan(0);
    expect(report.charts[0].svg).toMatch(/^<svg/);
    expect((await board(manager.cookie)).dashboardId).toBe("branchManager");
    expect((await board(agent.cookie)).dashboardId).toBe("csLead");
  });

  it("a user of one branch is offered only that branch and sees only its numbers", async () => {
    const report = await board(manager.cookie, `dashboard=management&${lastWeek}`);
    expect(report.branches.map((b) => b.id)).toEqual([jkt]);
    expect(report.allBranches).toBe(false);
    expect(report.tiles.find((t) => t.id === "core.contacts.new")?.value).toBe("1");
  });

  it("another branch's id falls back to the user's own branches with a message", async () => {
    const report = await board(manager.cookie, `dashboard=management&${lastWeek}&branch=${mks}`);
    expect(report.problems).toEqual(["unknownBranch"]);
    expect(report.request.branchIds).toEqual([jkt]);
    expect(report.tiles.find((t) => t.id === "core.contacts.new")?.value).toBe("1");
    const page = await kpi(manager.cookie, "core.contacts.new", `${lastWeek}&branch=${mks}&dimension=branch`);
    expect(page.report!.table.rows.map((r) => r.label)).toEqual(["Cabang Jakarta"]);
  });

  it("management may pick any branch", async () => {
    const report = await board(admin.cookie, `${lastWeek}&branch=${mks}`);
    expect(report.problems).toEqual([]);
    expect(report.tiles.find((t) => t.id === "core.contacts.new")?.value).toBe("2");
  });
});

describe("bad input gets a message, never a 500", () => {
  it.each([
    ["an impossible date", "range=custom&from=2026-02-30&to=2026-03-01", "invalidDate"],
    ["a malformed date", "range=custom&from=kemarin&to=2026-03-01", "invalidDate"],
    ["a reversed range", "range=custom&from=2026-03-01&to=2026-02-01", "reversed"],
    ["a range over five years", "range=custom&from=2019-01-01&to=2026-01-01", "tooLong"],
    ["an unknown preset", "range=decade", "unknownPreset"],
    ["a branch that is not a uuid", "branch=1%20or%201=1", "unknownBranch"],
  ])("%s", async (_, query, problem) => {
    const report = await board(admin.cookie, query);
    expect(report.problems).toEqual([problem]);
    expect(report.tiles.length).toBeGreaterThan(0);
  });

  it("an unknown or unsupported dimension shows the total", async () => {
    for (const dimension of ["bogus", "product"]) {
      const page = await kpi(admin.cookie, "core.contacts.new", `dimension=${dimension}`);
      expect(page.status).toBe(200);
      expect(page.report!.problems).toEqual(["unknownDimension"]);
      expect(page.report!.request.dimension).toBeNull();
    }
  });

  it("an unknown KPI is a 404", async () => {
    expect((await kpi(admin.cookie, "core.nope")).status).toBe(404);
  });
});

describe("plugins' KPIs", () => {
  it("vanish when their plugin is disabled, and come back", async () => {
    const before = await board(admin.cookie, lastWeek);
    expect(before.tiles.map((t) => t.id)).toContain("retail-pos.netSales");
    await app.runtime.registry.setEnabled(app.runtime.db, { kind: "system" }, "retail-loyalty", false);
    await app.runtime.registry.setEnabled(app.runtime.db, { kind: "system" }, "retail-pos", false);
    try {
      const fresh = await createStaff(app.runtime, { roles: ["admin"] });
      const after = await board(fresh.cookie, lastWeek);
      expect(after.tiles.map((t) => t.id)).not.toContain("retail-pos.netSales");
      expect(after.tiles.map((t) => t.id)).not.toContain("retail-loyalty.pointsLiability");
      expect((await kpi(fresh.cookie, "retail-pos.netSales")).status).toBe(404);
    } finally {
      await app.runtime.registry.setEnabled(app.runtime.db, { kind: "system" }, "retail-pos", true);
      await app.runtime.registry.setEnabled(app.runtime.db, { kind: "system" }, "retail-loyalty", true);
    }
  });

  it("need their permission: an agent does not see sales", async () => {
    const report = await board(agent.cookie, `dashboard=management&${lastWeek}`);
    expect(report.tiles.map((t) => t.id)).not.toContain("retail-pos.netSales");
    expect(report.tiles.map((t) => t.id)).toContain("core.contacts.new");
  });
});

describe("exports", () => {
  it("CSV: BOM, translated headings, formula-safe labels, audited", async () => {
    const path = `/staff/reports/kpi/core.contacts.new/export?format=csv&${lastWeek}&dimension=branch`;
    const response = (await callRoute(app.runtime, kpiExport.loader, { path, cookie: admin.cookie, params: { kpiId: "core.contacts.new" } })) as Response;
    expect(response.status).toBe(200);
    // decode keeping the BOM (Response.text() strips it)
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
    // a count's value is its numerator: one column, not the same number twice
    expect(text.startsWith("\uFEFFCabang,Kontak baru\r\n")).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""x"")",2\r\n`);
    expect(text).toContain("Cabang Jakarta,1\r\n");
    const audits = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "report.exported"));
    expect(audits.at(-1)).toMatchObject({ actorUserId: admin.id, entityId: "core.contacts.new", data: expect.objectContaining({ format: "csv", dimension: "branch" }) });
  });

  it("XLSX: one sheet with typed numbers", async () => {
    const path = `/staff/reports/kpi/core.contacts.new/export?format=xlsx&${lastWeek}&dimension=branch`;
    const response = (await callRoute(app.runtime, kpiExport.loader, { path, cookie: admin.cookie, params: { kpiId: "core.contacts.new" } })) as Response;
    expect(response.headers.get("Content-Type")).toContain("spreadsheetml");
    const ExcelJS = (await import("exceljs")).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    expect(book.worksheets).toHaveLength(1);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, "Cabang", "Kontak baru"]);
    const jakarta = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(1).value === "Cabang Jakarta")!;
    expect(jakarta.getCell(2).value).toBe(1);
  });

  it("needs the export permission", async () => {
    const response = (await callRoute(app.runtime, kpiExport.loader, { path: "/staff/reports/kpi/core.contacts.new/export?format=csv", cookie: agent.cookie, params: { kpiId: "core.contacts.new" } })) as Response;
    expect(response.status).toBe(403);
  });
});

describe("/partner/reports", () => {
  it("a referring clinic sees its own referrals only, with a funnel", async () => {
    const mine = await createPartnerOrg(app.runtime, { name: "Klinik Saya" });
    const other = await createPartnerOrg(app.runtime, { name: "Klinik Lain" });
    const patient = await createContact(app.runtime, { branchId: jkt });
    const sentAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
    for (const [org, status] of [
      [mine.id, "accepted"],
      [mine.id, "rejected"],
      [other.id, "accepted"],
      [other.id, "accepted"],
    ]) {
      await app.runtime.db.execute(sql`insert into hospital_referrals_referrals (direction, status, contact_id, partner_org_id, branch_id, reason, icd10_code, icd10_text, target_service, sent_at, decided_at)
        values ('incoming', ${status}, ${patient.id}, ${org}, ${jkt}, 'r', 'A00', 'x', 'Poli', ${sentAt}::timestamptz, ${sentAt}::timestamptz + interval '5 hours')`);
    }
    const user = await createPartnerUser(app.runtime, mine.id);
    const result = unwrap(await callRoute(app.runtime, partnerReports.loader, { path: "/partner/reports?range=7d", cookie: user.cookie }));
    const report = (result.data as Awaited<ReturnType<typeof partnerReports.loader>>).report;
    const value = (id: string) => report.referrals!.find((f) => f.id === `hospital-referrals.${id}`)!.value;
    expect(value("referralsIn")).toBe("2");
    expect(value("acceptanceRate")).toBe("50%");
    expect(value("hoursToAccept")).toBe("5 jam");
    expect(report.funnel!.table.rows[0]).toEqual(["Dikirim", "2"]);
    expect(report.sellThrough).toBeNull();
  });
});
