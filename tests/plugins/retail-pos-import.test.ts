import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { callWithBody } from "../support/raw-request.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import { signatureHeader } from "../../plugins/retail-pos/api-auth.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import * as importsRoute from "../../plugins/retail-pos/routes/staff.imports.tsx";
import { importChunk, parseSalesFile } from "../../plugins/retail-pos/sale-import.server.ts";

// Batch ingest through the real staff route (multipart upload) and the real job.
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let creds: { apiKey: string; signingSecret: string; id: string };
let manager: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos] });
  runtime = app.runtime;
  const [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values ('TST-I', 'Toko Impor', 'store') returning id`));
  const created = await createConnection(runtime.db, { kind: "system" }, { branchId, name: "Ekspor kasir" });
  if (!created.ok) throw new Error("no connection");
  creds = created;
  await runtime.db.execute(sql`insert into retail_pos_products (sku, name, category, price_idr) values ('SKU-A', 'Ember', 'plastik', 25000), ('SKU-B', 'Sapu', 'kebersihan', 30000)`);
  manager = await createStaff(runtime, { roles: ["manager"] });
});
afterAll(() => app.close());

async function upload(cookie: string, name: string, content: string, connectionId = creds.id) {
  const form = new FormData();
  form.set("connectionId", connectionId);
  form.set("file", new File([content], name, { type: name.endsWith(".json") ? "application/json" : "text/csv" }));
  return unwrap(await callWithBody(runtime, importsRoute.action, { path: "/staff/pos/imports", method: "POST", body: form, cookie }));
}
const lastImport = async () =>
  rowsOf<{ id: string; status: string; total_rows: number; processed_rows: number; recorded_rows: number; duplicate_rows: number; errors: { row: number; code: string; message?: string }[] }>(
    await runtime.db.execute(sql`select id, status, total_rows, processed_rows, recorded_rows, duplicate_rows, errors from retail_pos_imports order by created_at desc limit 1`),
  )[0];
const salesCount = async (like: string) => Number(rowsOf<{ n: number }>(await runtime.db.execute(sql`select count(*)::int as n from retail_pos_sales where receipt_no like ${like}`))[0].n);

const csv = [
  "No Struk;Waktu;Kartu Member;SKU;Qty;Harga;Diskon",
  "IMP-1;2026-11-20T09:00:00+07:00;RK880001;SKU-A;2;25000;",
  "IMP-1;2026-11-20T09:00:00+07:00;RK880001;SKU-B;1;30000;5000",
  "IMP-2;2026-11-20T10:00:00+07:00;;SKU-A;1;25000;",
  "IMP-3;bukan-tanggal;;SKU-A;1;25000;",
  "IMP-4;2026-11-20T11:00:00+07:00;;SKU-B;abc;30000;",
].join("\n");

describe("staff sales import", () => {
  it("records a CSV export as a job: grouped by receipt, progress counted, bad rows reported by line", async () => {
    const res = await upload(manager.cookie, "ekspor-november.csv", csv);
    expect(res).toMatchObject({ status: 200, data: { queued: { file: "ekspor-november.csv", count: 4 } } });
    expect(await lastImport()).toMatchObject({ status: "queued", total_rows: 4, processed_rows: 0 });
    await runtime.jobs.drain();
    const done = await lastImport();
    expect(done).toMatchObject({ status: "done", total_rows: 4, processed_rows: 4, recorded_rows: 2, duplicate_rows: 0 });
    expect(done.errors.map((e) => [e.row, e.code])).toEqual([
      [5, "validation_failed"],
      [6, "validation_failed"],
    ]);
    expect(done.errors[0].message).toMatch(/occurredAt/);
    const [sale] = rowsOf<{ total_idr: string; contact_id: string | null; source: string }>(await runtime.db.execute(sql`select total_idr, contact_id, source from retail_pos_sales where receipt_no = 'IMP-1'`));
    expect(sale).toMatchObject({ source: "batch" });
    expect(Number(sale.total_idr)).toBe(75000);
    expect(sale.contact_id).not.toBeNull();
    const page = unwrap(await callRoute(runtime, importsRoute.loader, { path: `/staff/pos/imports?errors=${done.id}`, cookie: manager.cookie })).data as { imports: { recordedRows: number; errorCount: number }[]; errors: { errors: unknown[] } };
    expect(page.imports[0]).toMatchObject({ recordedRows: 2, errorCount: 2 });
    expect(page.errors.errors).toHaveLength(2);
  });

  it("counts a re-uploaded file and sales already sent through the API once", async () => {
    const raw = JSON.stringify({ receiptNumber: "IMP-API-1", occurredAt: "2026-11-21T08:00:00+07:00", lines: [{ sku: "SKU-A", quantity: 1, unitPrice: 25000 }], total: 25000 });
    const api = (await callWithBody(runtime, salesRoute.action, {
      path: "/api/pos/v1/sales",
      method: "POST",
      body: raw,
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${creds.apiKey}`, "Nusa-Signature": signatureHeader(creds.signingSecret, raw) },
    })) as Response;
    expect(api.status).toBe(201);
    const json = JSON.stringify({ sales: [JSON.parse(raw), { receiptNumber: "IMP-J-2", occurredAt: "2026-11-21T09:00:00+07:00", lines: [{ sku: "SKU-B", quantity: 2, unitPrice: 30000 }], total: 60000 }] });
    await upload(manager.cookie, "ekspor.json", json);
    await runtime.jobs.drain();
    expect(await lastImport()).toMatchObject({ status: "done", recorded_rows: 1, duplicate_rows: 1, errors: [] });
    await upload(manager.cookie, "ekspor-lagi.json", json);
    await upload(manager.cookie, "ekspor-nov-lagi.csv", csv);
    await runtime.jobs.drain();
    expect(await lastImport()).toMatchObject({ status: "done", recorded_rows: 0, duplicate_rows: 2 });
    expect(await salesCount("IMP-%")).toBe(4);
    expect(Number(rowsOf<{ n: number }>(await runtime.db.execute(sql`select count(*)::int as n from domain_events where name = 'pos.sale.recorded' and payload->>'receiptNumber' like 'IMP-%'`))[0].n)).toBe(4);
  });

  it("records a larger file chunk by chunk and resumes after the last recorded chunk when a job is retried", async () => {
    const lines = ["receiptNumber,occurredAt,sku,quantity,unitPrice"];
    const n = importChunk * 2 + 7;
    for (let i = 0; i < n; i++) lines.push(`BIG-${i},2026-11-22T08:00:00+07:00,SKU-A,1,25000`);
    await upload(manager.cookie, "besar.csv", lines.join("\n"));
    const { id } = await lastImport();
    // as if a first run crashed after its first chunk: progress says one chunk is done
    await runtime.db.execute(sql`update retail_pos_imports set status = 'running', processed_rows = ${importChunk}, recorded_rows = ${importChunk} where id = ${id}`);
    await runtime.jobs.drain();
    expect(await lastImport()).toMatchObject({ status: "done", processed_rows: n, recorded_rows: n, duplicate_rows: 0 });
    expect(await salesCount("BIG-%")).toBe(n - importChunk);
    const [{ rows }] = rowsOf<{ rows: unknown[] }>(await runtime.db.execute(sql`select rows from retail_pos_imports where id = ${id}`));
    expect(rows).toEqual([]);
  });

  it("refuses unreadable files and files without the required columns, and staff without the permission", async () => {
    const missing = await upload(manager.cookie, "x.csv", "nama,harga\nA,1");
    expect(missing).toMatchObject({ status: 400, data: { error: "imports.errors.missingColumns" } });
    expect((await upload(manager.cookie, "x.json", "{ rusak")).status).toBe(400);
    expect((await upload(manager.cookie, "x.csv", csv, "00000000-0000-0000-0000-000000000000")).status).toBe(400);
    // a post that is not a multipart upload, or claims to be one and is not: "choose a file", not a 500
    for (const headers of [{ "Content-Type": "application/x-www-form-urlencoded" }, { "Content-Type": "multipart/form-data; boundary=x" }]) {
      const res = unwrap(await callWithBody(runtime, importsRoute.action, { path: "/staff/pos/imports", method: "POST", body: "file=a.csv&connectionId=x", headers, cookie: manager.cookie }));
      expect(res).toMatchObject({ status: 400, data: { error: "imports.errors.noFile" } });
    }
    const agent = await createStaff(runtime, { roles: ["agent"] });
    expect((await upload(agent.cookie, "x.csv", csv)).status).toBe(403);
    expect(unwrap(await callRoute(runtime, importsRoute.loader, { path: "/staff/pos/imports", cookie: agent.cookie })).status).toBe(403);
  });
});

describe("parseSalesFile", () => {
  it("groups CSV lines by receipt and sums the total when there is no total column", async () => {
    const parsed = await parseSalesFile("a.csv", new TextEncoder().encode(csv));
    expect(parsed.ok && parsed.rows[0]).toEqual({
      row: 2,
      sale: { receiptNumber: "IMP-1", occurredAt: "2026-11-20T09:00:00+07:00", customer: { memberCard: "RK880001" }, lines: [{ sku: "SKU-A", quantity: 2, unitPrice: 25000 }, { sku: "SKU-B", quantity: 1, unitPrice: 30000, discount: 5000 }], total: 75000 },
      receiptKey: "sale:IMP-1",
      totalGiven: false,
    });
    expect(await parseSalesFile("b.csv", new Uint8Array())).toEqual({ ok: false, error: "empty" });
  });
});
