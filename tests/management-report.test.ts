// The printable management report and its workbook: numbers from a small fixture worked out by hand,
// both languages (English groups thousands with ","), definitions and denominators on the page, one
// typed sheet per table, the export audited and permission-guarded, and no other branch's numbers.
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, branches, contacts, users } from "../db/schema/index.ts";
import * as managementExport from "../app/routes/staff/reports.management.export.ts";
import * as management from "../app/routes/staff/reports.management.tsx";
import { callRoute, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<typeof createStaff>>;
let manager: Awaited<ReturnType<typeof createStaff>>;
let agent: Awaited<ReturnType<typeof createStaff>>;
let jkt: string;
// 1 Nov – 30 Nov 2026 (a custom range; previous period 2 Oct – 31 Oct)
const range = "range=custom&from=2026-11-01&to=2026-11-30";

beforeAll(async () => {
  app = await createTestApp();
  const db = app.runtime.db;
  let mks: string;
  [{ id: jkt }, { id: mks }] = await db
    .insert(branches)
    .values([
      { code: "M-JKT", name: "Jakarta", kind: "hospital", timeZone: "Asia/Jakarta" },
      { code: "M-MKS", name: "Makassar", kind: "hospital", timeZone: "Asia/Makassar" },
    ])
    .returning({ id: branches.id });
  // new contacts in November: 1,634 in Jakarta (a number with a thousands separator), 2 in Makassar;
  // 1 in Jakarta in October (the previous period)
  const jakarta = Array.from({ length: 1634 }, (_, i) => ({ fullName: `J${i}`, branchId: jkt, createdAt: new Date(Date.UTC(2026, 10, 1 + (i % 30), 3)) }));
  await db.insert(contacts).values([...jakarta, { fullName: "M1", branchId: mks, createdAt: new Date("2026-11-05T03:00:00Z") }, { fullName: "M2", branchId: mks, createdAt: new Date("2026-11-06T03:00:00Z") }, { fullName: "O", branchId: jkt, createdAt: new Date("2026-10-15T03:00:00Z") }]);
  admin = await createStaff(app.runtime, { roles: ["admin"] });
  manager = await createStaff(app.runtime, { roles: ["manager"] });
  agent = await createStaff(app.runtime, { roles: ["agent"] });
  await db.update(users).set({ branchId: jkt }).where(eq(users.id, manager.id));
});
afterAll(() => app.close());

type Page = Awaited<ReturnType<typeof management.loader>>;
async function page(cookie: string, query: string, language: "id" | "en" = "id") {
  const result = unwrap(await callRoute(app.runtime, management.loader, { path: `/staff/reports/management?${query}`, cookie, headers: { "Accept-Language": language } }));
  expect(result.status).toBe(200);
  return (result.data as Page).report;
}

describe("management report", () => {
  it("shows every management KPI with its definition, numerator and denominator; numbers per language", async () => {
    const id = await page(admin.cookie, range, "id");
    const en = await page(admin.cookie, range, "en");
    const newContacts = (r: typeof id) => r.tiles.find((t) => t.id === "core.contacts.new")!;
    // 1,634 + 2 = 1,636 in November across all branches
    expect(newContacts(id).value).toBe("1.636");
    expect(newContacts(en).value).toBe("1,636");
    // against 1 in October: +163,500 %
    expect(newContacts(en).change).toMatchObject({ direction: "up", good: true });
    const section = id.sections.find((s) => s.id === "core.contacts.new")!;
    expect(section.definition.length).toBeGreaterThan(20);
    expect(section.numeratorLabel).toBeTruthy();
    // a count's table has no numerator column that would only repeat the value
    expect(section.table.columns.numerator).toBeNull();
    const sla = id.sections.find((s) => s.id === "core.tickets.withinSla")!;
    expect(sla.denominatorLabel).toBeTruthy();
    expect(sla.table.columns.denominator).toBeTruthy();
    // weekly buckets over 30 days, adding up to the total
    expect(section.table.rows.reduce((sum, r) => sum + (r.value ?? 0), 0)).toBe(1636);
    expect(id.charts.length).toBeGreaterThan(0);
  });

  it("a manager sees Jakarta's numbers only, even when asking for every branch", async () => {
    const report = await page(manager.cookie, range);
    expect(report.tiles.find((t) => t.id === "core.contacts.new")!.value).toBe("1.634");
  });

  it("bad input gets the default period and a translated problem, never a 500", async () => {
    const report = await page(admin.cookie, "range=custom&from=2026-02-30&to=2026-03-01");
    expect(report.problems).toContain("invalidDate");
  });

  it("exports one workbook: a summary and one sheet per KPI, typed numbers, dates and Rupiah format; audited", async () => {
    const response = (await callRoute(app.runtime, managementExport.loader, { path: `/staff/reports/management/export?${range}`, cookie: admin.cookie })) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toContain("laporan-manajemen-2026-11-01-2026-11-30.xlsx");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const summary = book.worksheets[0];
    expect(summary.name).toBe("Ringkasan");
    const rows = summary.getRows(2, summary.rowCount - 1)!;
    const contactsRow = rows.find((r) => r.getCell(1).value === "Kontak baru")!;
    expect(contactsRow.getCell(3).value).toBe(1636);
    expect(contactsRow.getCell(3).numFmt).toBe("#,##0.##");
    expect(contactsRow.getCell(10).value).toEqual(new Date("2026-11-01T00:00:00Z"));
    expect(book.worksheets.length).toBe(1 + rows.length);
    const trend = book.worksheets.find((s) => s.name === "Kontak baru")!;
    expect(trend.getRow(1).getCell(1).value).toBe("Dari");
    expect(trend.getRow(2).getCell(1).value).toBeInstanceOf(Date);
    const [entry] = await app.runtime.db.select().from(auditLog).where(eq(auditLog.entityId, "management"));
    expect(entry).toMatchObject({ action: "report.exported", actorUserId: admin.id });
  });

  it("writes Rupiah with a Rupiah format and a percent as a fraction", async () => {
    const { reportWorkbook } = await import("../app/core/reports/report-workbook.server.ts");
    const file = await reportWorkbook([
      { name: "Penjualan", columns: [{ header: "Toko", kind: "text" }, { header: "Penjualan bersih", kind: "rupiah" }, { header: "Nilai", kind: "unit" }], rows: [{ cells: ["Bandung", 1250000, 12.5], unit: "percent" }] },
    ]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    const row = book.worksheets[0].getRow(2);
    expect(row.getCell(2).value).toBe(1250000);
    expect(row.getCell(2).numFmt).toBe('"Rp" #,##0');
    expect(row.getCell(3).value).toBe(0.125);
    expect(row.getCell(3).numFmt).toBe("0.0%");
  });

  it("the export needs the export permission", async () => {
    const response = (await callRoute(app.runtime, managementExport.loader, { path: `/staff/reports/management/export?${range}`, cookie: agent.cookie })) as Response;
    expect(response.status).toBe(403);
  });
});
