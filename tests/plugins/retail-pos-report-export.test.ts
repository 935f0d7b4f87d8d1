// /staff/pos/reports/export: the sales report page's table as CSV and XLSX, against a fixture worked
// out by hand; the same permission, filters and branches as the page; audited; bad input is a 400.
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, branches, users } from "../../db/schema/index.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as exportRoute from "../../plugins/retail-pos/routes/staff.reports.export.ts";
import * as reportsRoute from "../../plugins/retail-pos/routes/staff.reports.tsx";
import { retailPosSaleLines, retailPosSales } from "../../plugins/retail-pos/schema.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let melati: string;
let formula: string;
let admin: Awaited<ReturnType<typeof createStaff>>;
let branchManager: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos] });
  const db = app.runtime.db;
  [{ id: melati }, { id: formula }] = await db
    .insert(branches)
    .values([
      { code: "EXP-JKT", name: "Toko Melati", kind: "store", timeZone: "Asia/Jakarta" },
      // a store name a spreadsheet would run as a formula
      { code: "EXP-MKS", name: '=HYPERLINK("http://x")', kind: "store", timeZone: "Asia/Makassar" },
    ])
    .returning({ id: branches.id });
  const connection = async (branchId: string) => {
    const created = await createConnection(db, { kind: "system" }, { branchId, name: `Kasir ${branchId.slice(0, 4)}` });
    if (!created.ok) throw new Error("no connection");
    return created.id;
  };
  const [c1, c2] = [await connection(melati), await connection(formula)];
  const shopper = await createContact(app.runtime);
  const sale = (values: Partial<typeof retailPosSales.$inferInsert> & Pick<typeof retailPosSales.$inferInsert, "connectionId" | "branchId" | "receiptNo" | "occurredAt" | "totalIdr">) =>
    db.insert(retailPosSales).values({ kind: "sale", idempotencyKey: values.receiptNo, requestHash: "x", ...values }).returning({ id: retailPosSales.id });
  // Toko Melati, 5 Oct 10.00 WIB: Rp 150.000 (a pan and two spoons) by a member; Rp 50.000 refunded on 6 Oct
  const [r1] = await sale({ connectionId: c1, branchId: melati, receiptNo: "EXP-1", occurredAt: new Date("2026-10-05T03:00:00Z"), totalIdr: 150_000, contactId: shopper.id });
  await db.insert(retailPosSaleLines).values([
    { saleId: r1.id, lineNo: 1, sku: "SKU-A", name: "Wajan", category: "dapur", quantity: 1, unitPriceIdr: 100_000, amountIdr: 100_000 },
    { saleId: r1.id, lineNo: 2, sku: "SKU-B", name: "Sendok", category: "dapur", quantity: 2, unitPriceIdr: 25_000, amountIdr: 50_000 },
  ]);
  await sale({ connectionId: c1, branchId: melati, kind: "refund", receiptNo: "EXP-1R", originalSaleId: r1.id, occurredAt: new Date("2026-10-06T03:00:00Z"), totalIdr: 50_000, contactId: shopper.id });
  // the other store, 5 Oct 12.00 WITA: two pans, Rp 200.000, anonymous
  const [r2] = await sale({ connectionId: c2, branchId: formula, receiptNo: "EXP-2", occurredAt: new Date("2026-10-05T04:00:00Z"), totalIdr: 200_000 });
  await db.insert(retailPosSaleLines).values({ saleId: r2.id, lineNo: 1, sku: "SKU-A", name: "Wajan", category: "dapur", quantity: 2, unitPriceIdr: 100_000, amountIdr: 200_000 });

  admin = await createStaff(app.runtime, { roles: ["admin"] });
  branchManager = await createStaff(app.runtime, { roles: ["manager"] });
  // the manager belongs to Toko Melati: their report never shows the other store
  await db.update(users).set({ branchId: melati }).where(eq(users.id, branchManager.id));
});
afterAll(() => app.close());

const october = "from=2026-10-01&to=2026-10-31";

async function download(query: string, cookie: string, language: "id" | "en" = "id") {
  const response = (await callRoute(app.runtime, exportRoute.loader, { path: `/staff/pos/reports/export?${query}`, cookie, headers: { "Accept-Language": language } })) as Response;
  return response;
}

// Response.text() drops the BOM: decode keeping it
const text = async (response: Response) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());

async function workbook(response: Response) {
  const ExcelJS = (await import("exceljs")).default;
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
  return { book, ExcelJS };
}

const lastExport = async () => (await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "report.exported")).orderBy(desc(auditLog.id)).limit(1))[0];

describe("sales report export", () => {
  it("CSV by store: BOM, headings in Indonesian, the formula-like store name made safe, every visible store", async () => {
    const response = await download(`format=csv&${october}&groupBy=store`, admin.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="laporan-penjualan-store-2026-10-01-2026-10-31.csv"');
    expect(await text(response)).toBe(
      "\uFEFFToko,Struk,Penjualan,Retur,Bersih,Pelanggan\r\n" + `"'=HYPERLINK(""http://x"")",1,200000,0,200000,0\r\n` + "Toko Melati,1,150000,50000,100000,1\r\n",
    );
  });

  it("CSV by category in English: translated headings and category names, units instead of refunds", async () => {
    const response = await download(`format=csv&${october}&groupBy=category`, admin.cookie, "en");
    expect(response.headers.get("Content-Disposition")).toContain('filename="sales-report-category-2026-10-01-2026-10-31.csv"');
    expect(await text(response)).toBe("\uFEFFCategory,Receipts,Units,Sales,Net,Shoppers\r\nKitchen,2,5,350000,350000,1\r\n");
  });

  it("is audited: who, which report, format, filters and row count", async () => {
    await download(`format=csv&${october}&groupBy=store`, admin.cookie);
    expect(await lastExport()).toMatchObject({
      actorUserId: admin.id,
      entityType: "report",
      entityId: "retail-pos.sales",
      ip: "127.0.0.1",
      data: { format: "csv", filters: { from: "2026-10-01", to: "2026-10-31", groupBy: "store", store: null, branchIds: null }, rows: 2 },
    });
  });

  it("XLSX by day: one sheet named after the table, days as dates, Rupiah as numbers in a Rupiah format", async () => {
    const response = await download(`format=xlsx&${october}&groupBy=day&store=${melati}`, admin.cookie);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const { book, ExcelJS } = await workbook(response);
    expect(book.worksheets.map((s) => s.name)).toEqual(["Laporan penjualan · Hari"]);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, "Hari", "Struk", "Penjualan", "Retur", "Bersih", "Pelanggan"]);
    expect(sheet.rowCount).toBe(3);
    // latest day first, as on the page: 6 Oct has only the refund
    const refundDay = sheet.getRow(2);
    expect(refundDay.getCell(1).type).toBe(ExcelJS.ValueType.Date);
    expect(refundDay.getCell(1).value).toEqual(new Date("2026-10-06T00:00:00Z"));
    expect(refundDay.getCell(1).numFmt).toBe("yyyy-mm-dd");
    expect(refundDay.getCell(4).value).toBe(50_000);
    expect(refundDay.getCell(5).value).toBe(-50_000);
    expect(refundDay.getCell(5).numFmt).toBe('"Rp" #,##0');
    const saleDay = sheet.getRow(3);
    expect(saleDay.getCell(1).value).toEqual(new Date("2026-10-05T00:00:00Z"));
    expect(saleDay.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(saleDay.getCell(2).value).toBe(1);
    expect(saleDay.getCell(3).value).toBe(150_000);
    expect(saleDay.getCell(3).numFmt).toBe('"Rp" #,##0');
    expect(saleDay.getCell(6).numFmt).toBe("#,##0.##");
    expect((await lastExport()).data).toMatchObject({ format: "xlsx", filters: { groupBy: "day", store: melati, branchIds: [melati] }, rows: 2 });
  });

  it("a formula-like text stays text in the XLSX", async () => {
    const { book, ExcelJS } = await workbook(await download(`format=xlsx&${october}&groupBy=store`, admin.cookie));
    const cell = book.worksheets[0].getRow(2).getCell(1);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=HYPERLINK("http://x")');
  });

  it("a branch-limited manager gets their own store only, on the page and in the file, and is refused another's", async () => {
    expect(await text(await download(`format=csv&${october}&groupBy=store`, branchManager.cookie))).toBe("\uFEFFToko,Struk,Penjualan,Retur,Bersih,Pelanggan\r\nToko Melati,1,150000,50000,100000,1\r\n");
    expect((await lastExport()).data).toMatchObject({ filters: { branchIds: [melati] }, rows: 1 });
    const other = await download(`format=csv&${october}&store=${formula}`, branchManager.cookie);
    expect(other.status).toBe(400);
    expect(await other.text()).toBe("Anda tidak dapat melihat cabang itu.");
    const page = unwrap(await callRoute(app.runtime, reportsRoute.loader, { path: `/staff/pos/reports?${october}&store=${formula}`, cookie: branchManager.cookie })).data as {
      rows: { key: string }[];
      stores: { id: string }[];
      store: string;
    };
    expect(page.store).toBe("");
    expect(page.stores.map((s) => s.id)).toEqual([melati]);
    expect(page.rows.map((r) => r.key)).toEqual(["Toko Melati"]);
  });

  it("needs the page's permission", async () => {
    const agent = await createStaff(app.runtime, { roles: ["agent"] });
    const before = await lastExport();
    expect((await download(`format=csv&${october}`, agent.cookie)).status).toBe(403);
    expect((await lastExport()).id).toBe(before.id);
  });

  it("answers bad input with a translated 400, and audits nothing", async () => {
    const before = await lastExport();
    const cases: [string, "id" | "en", string][] = [
      [`format=pdf&${october}`, "id", "Format berkas tidak dikenal; pilih CSV atau XLSX."],
      [`format=csv&from=2026-02-30&to=2026-03-01`, "en", "That date or month does not exist."],
      [`format=csv&from=2020-01-01&to=2026-10-31`, "id", "Periode laporan paling lama lima tahun."],
      [`format=xlsx&${october}&groupBy=week`, "en", "That report filter is not known."],
      [`format=csv&${october}&store=not-a-store`, "en", "You cannot see that branch."],
    ];
    for (const [query, language, message] of cases) {
      const response = await download(query, admin.cookie, language);
      expect(response.status, query).toBe(400);
      expect(await response.text(), query).toBe(message);
    }
    expect((await lastExport()).id).toBe(before.id);
  });
});
