// /staff/referrals/reports/export: the referral report page's two tables as CSV and XLSX, against a
// fixture worked out by hand; same permission, filters and branches as the page; audited; bad input is a 400.
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, branches, users } from "../../db/schema/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import * as exportRoute from "../../plugins/hospital-referrals/routes/staff.referrals.reports.export.ts";
import * as reportsRoute from "../../plugins/hospital-referrals/routes/staff.referrals.reports.tsx";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";
import { callRoute, createContact, createPartnerOrg, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let jakarta: string;
let admin: Awaited<ReturnType<typeof createStaff>>;
let branchManager: Awaited<ReturnType<typeof createStaff>>;

const at = (iso: string) => new Date(iso);
const hoursAfter = (iso: string, h: number) => new Date(at(iso).getTime() + h * 3600_000);

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalReferrals] });
  const db = app.runtime.db;
  let makassar: string;
  [{ id: jakarta }, { id: makassar }] = await db
    .insert(branches)
    .values([
      { code: "REF-JKT", name: "RS Jakarta", kind: "hospital", timeZone: "Asia/Jakarta" },
      { code: "REF-MKS", name: "RS Makassar", kind: "hospital", timeZone: "Asia/Makassar" },
    ])
    .returning({ id: branches.id });
  // a partner name a spreadsheet would run as a formula
  const clinic = await createPartnerOrg(app.runtime, { name: "=Klinik Sehat" });
  const hospital = await createPartnerOrg(app.runtime, { name: "RS Mitra B", type: "hospital" });
  const contact = await createContact(app.runtime);
  const base = { contactId: contact.id, reason: "Keluhan", icd10Code: "J18.9", icd10Text: "Pneumonia", targetService: "Poli Penyakit Dalam" };
  const oct = "2026-10-05T02:00:00Z";
  const nov = "2026-11-02T03:00:00Z";
  await db.insert(referrals).values([
    // Jakarta, October, from the clinic: accepted after 2 h, rejected after 1 h, one waiting
    { ...base, branchId: jakarta, partnerOrgId: clinic.id, direction: "incoming", status: "accepted", sentAt: at(oct), decidedAt: hoursAfter(oct, 2) },
    { ...base, branchId: jakarta, partnerOrgId: clinic.id, direction: "incoming", status: "rejected", sentAt: at(oct), decidedAt: hoursAfter(oct, 1), rejectionReason: "Penuh" },
    { ...base, branchId: jakarta, partnerOrgId: clinic.id, direction: "incoming", status: "sent", sentAt: at(oct) },
    // Jakarta, November, to the other hospital: completed, accepted after 24 h
    { ...base, branchId: jakarta, partnerOrgId: hospital.id, direction: "outgoing", status: "completed", sentAt: at(nov), decidedAt: hoursAfter(nov, 24) },
    // Makassar, October, from the same clinic: accepted after 4 h
    { ...base, branchId: makassar, partnerOrgId: clinic.id, direction: "incoming", status: "accepted", sentAt: at(oct), decidedAt: hoursAfter(oct, 4) },
  ]);
  admin = await createStaff(app.runtime, { roles: ["admin"] });
  branchManager = await createStaff(app.runtime, { roles: ["manager"] });
  // the manager belongs to Jakarta: their report never counts Makassar's referrals
  await db.update(users).set({ branchId: jakarta }).where(eq(users.id, branchManager.id));
});
afterAll(() => app.close());

const window = "from=2026-10&to=2026-11";

async function download(query: string, cookie: string, language: "id" | "en" = "id") {
  return (await callRoute(app.runtime, exportRoute.loader, { path: `/staff/referrals/reports/export?${query}`, cookie, headers: { "Accept-Language": language } })) as Response;
}

// Response.text() drops the BOM: decode keeping it
const text = async (response: Response) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());

const lastExport = async () => (await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "report.exported")).orderBy(desc(auditLog.id)).limit(1))[0];

const idMeasures = "Terkirim,Diterima,Ditolak,Menunggu,Tingkat penerimaan (%),Median waktu sampai diterima (jam),Rata-rata waktu sampai diterima (jam)";

describe("referral report export", () => {
  it("CSV: BOM, both tables under their titles, headings in Indonesian, the formula-like partner made safe", async () => {
    const response = await download(`format=csv&${window}`, admin.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="laporan-rujukan-2026-10-2026-11.csv"');
    expect(await text(response)).toBe(
      [
        "\uFEFFRingkasan periode",
        `Arah,${idMeasures}`,
        // incoming: 4 sent, 2 accepted (2 h and 4 h), 1 rejected, 1 waiting → 2 ÷ 3
        "Rujukan masuk,4,2,1,1,66.7,3,3",
        "Rujukan keluar,1,1,0,0,100,24,24",
        "",
        "Per bulan dan per mitra",
        `Bulan,Mitra,Arah,${idMeasures}`,
        "2026-11,RS Mitra B,Rujukan keluar,1,1,0,0,100,24,24",
        "2026-10,'=Klinik Sehat,Rujukan masuk,4,2,1,1,66.7,3,3",
        "",
      ].join("\r\n"),
    );
    expect(await lastExport()).toMatchObject({
      actorUserId: admin.id,
      entityType: "report",
      entityId: "hospital-referrals.referrals",
      ip: "127.0.0.1",
      data: { format: "csv", filters: { from: "2026-10", to: "2026-11", direction: null, branchIds: null }, rows: 4 },
    });
  });

  it("CSV in English, one direction", async () => {
    const response = await download(`format=csv&${window}&direction=outgoing`, admin.cookie, "en");
    expect(response.headers.get("Content-Disposition")).toContain('filename="referral-report-2026-10-2026-11.csv"');
    const measures = "Sent,Accepted,Rejected,Waiting,Acceptance rate (%),Median time to accept (h),Average time to accept (h)";
    expect(await text(response)).toBe(
      `\uFEFFPeriod summary\r\nDirection,${measures}\r\nOutgoing referral,1,1,0,0,100,24,24\r\n\r\nBy month and partner\r\nMonth,Partner,Direction,${measures}\r\n2026-11,RS Mitra B,Outgoing referral,1,1,0,0,100,24,24\r\n`,
    );
    expect((await lastExport()).data).toMatchObject({ filters: { direction: "outgoing" }, rows: 2 });
  });

  it("XLSX: a sheet per table, months as dates, rates as percent, hours as numbers, text kept text", async () => {
    const response = await download(`format=xlsx&${window}`, admin.cookie);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(response.headers.get("Content-Disposition")).toContain('filename="laporan-rujukan-2026-10-2026-11.xlsx"');
    const ExcelJS = (await import("exceljs")).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(["Ringkasan periode", "Per bulan dan per mitra"]);
    const [totals, byMonth] = book.worksheets;
    expect(totals.rowCount).toBe(3);
    const incoming = totals.getRow(2);
    expect(incoming.getCell(1).value).toBe("Rujukan masuk");
    expect(incoming.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(incoming.getCell(2).value).toBe(4);
    expect(incoming.getCell(6).value).toBeCloseTo(0.667, 6);
    expect(incoming.getCell(6).numFmt).toBe("0.0%");
    expect(incoming.getCell(7).value).toBe(3);
    expect(incoming.getCell(7).numFmt).toBe("0.0");
    expect(byMonth.getRow(1).values).toEqual([undefined, "Bulan", "Mitra", "Arah", ...idMeasures.split(",")]);
    const november = byMonth.getRow(2);
    expect(november.getCell(1).type).toBe(ExcelJS.ValueType.Date);
    expect(november.getCell(1).value).toEqual(new Date("2026-11-01T00:00:00Z"));
    expect(november.getCell(1).numFmt).toBe("yyyy-mm");
    // month, partner, direction, then the measures: the acceptance rate is the eighth column
    expect(november.getCell(4).value).toBe(1);
    expect(november.getCell(8).value).toBe(1);
    expect(november.getCell(8).numFmt).toBe("0.0%");
    expect(november.getCell(9).value).toBe(24);
    const clinicCell = byMonth.getRow(3).getCell(2);
    expect(clinicCell.type).toBe(ExcelJS.ValueType.String);
    expect(clinicCell.value).toBe("=Klinik Sehat");
    expect((await lastExport()).data).toMatchObject({ format: "xlsx", rows: 4 });
  });

  it("a branch-limited manager gets their own branch's referrals only, on the page and in the file", async () => {
    const csv = await text(await download(`format=csv&${window}&direction=incoming`, branchManager.cookie));
    // Jakarta alone: 3 sent, 1 accepted after 2 h, 1 rejected, 1 waiting
    expect(csv).toContain("\r\nRujukan masuk,3,1,1,1,50,2,2\r\n");
    expect(csv).toContain("\r\n2026-10,'=Klinik Sehat,Rujukan masuk,3,1,1,1,50,2,2\r\n");
    expect(csv).not.toContain(",4,");
    expect((await lastExport()).data).toMatchObject({ filters: { branchIds: [jakarta] }, rows: 2 });
    const page = unwrap(await callRoute(app.runtime, reportsRoute.loader, { path: `/staff/referrals/reports?${window}&direction=incoming`, cookie: branchManager.cookie })).data as { totals: { sent: number }[] };
    expect(page.totals.map((t) => t.sent)).toEqual([3]);
  });

  it("needs the page's permission", async () => {
    const nobody = await createStaff(app.runtime, { roles: ["marketing"] });
    const before = await lastExport();
    expect((await download(`format=csv&${window}`, nobody.cookie)).status).toBe(403);
    expect((await lastExport()).id).toBe(before.id);
  });

  it("answers bad input with a translated 400, and audits nothing", async () => {
    const before = await lastExport();
    const cases: [string, "id" | "en", string][] = [
      [`format=ods&${window}`, "en", "Unknown file format; choose CSV or XLSX."],
      [`format=csv&from=2026-13&to=2026-11`, "id", "Tanggal atau bulan itu tidak ada."],
      [`format=csv&from=2020-01&to=2026-11`, "en", "A report period can be at most five years."],
      [`format=xlsx&${window}&direction=sideways`, "id", "Filter laporan itu tidak dikenal."],
    ];
    for (const [query, language, message] of cases) {
      const response = await download(query, admin.cookie, language);
      expect(response.status, query).toBe(400);
      expect(await response.text(), query).toBe(message);
    }
    expect((await lastExport()).id).toBe(before.id);
    // the page itself shows its default for the same input
    const page = unwrap(await callRoute(app.runtime, reportsRoute.loader, { path: "/staff/referrals/reports?from=2020-01&to=2026-11", cookie: admin.cookie }));
    expect(page.status).toBe(200);
  });
});
