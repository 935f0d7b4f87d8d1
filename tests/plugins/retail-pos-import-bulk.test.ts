import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { signedPosPost } from "../support/pos-request.ts";
import { callWithBody } from "../support/raw-request.ts";
import { createCustomer, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as refundsRoute from "../../plugins/retail-pos/routes/api.refunds.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import * as importsRoute from "../../plugins/retail-pos/routes/staff.imports.tsx";
import { importChunk, parseSalesFile, readSalesFile, runImport } from "../../plugins/retail-pos/sale-import.server.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";

// The chunked bulk path of the batch import: one transaction per chunk, set-based writes, one
// event per sale (loyalty earns exactly once), per-row errors, refunds, and the per-receipt fallback.
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let creds: { apiKey: string; signingSecret: string; id: string };
let manager: Awaited<ReturnType<typeof createStaff>>;
let shopper: Awaited<ReturnType<typeof createCustomer>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, retailLoyalty] });
  runtime = app.runtime;
  const [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values ('TST-B', 'Toko Borong', 'store') returning id`));
  const created = await createConnection(runtime.db, { kind: "system" }, { branchId, name: "Ekspor kasir" });
  if (!created.ok) throw new Error("no connection");
  creds = created;
  await runtime.db.execute(sql`insert into retail_pos_products (sku, name, category, price_idr) values ('SKU-A', 'Ember', 'plastik', 25000), ('SKU-B', 'Sapu', 'kebersihan', 30000)`);
  await createStaff(runtime, { roles: ["admin"], email: "admin@nusa-crm.id" });
  manager = await createStaff(runtime, { roles: ["manager"] });
  await seedRetailLoyalty({ db: runtime.db, logger: runtime.logger });
  // the demo campaigns depend on today's date; campaigns have their own tests
  await runtime.db.execute(sql`update retail_loyalty_campaigns set active = false`);
  shopper = await createCustomer(runtime);
  await runtime.db.execute(sql`insert into contact_identifiers (contact_id, system, value) values (${shopper.contact.id}, 'member_card', 'RK700001')`);
});
afterAll(() => app.close());

const bus = () => pluginServices(runtime);

async function upload(name: string, content: string, connectionId = creds.id) {
  const form = new FormData();
  form.set("connectionId", connectionId);
  form.set("file", new File([content], name, { type: name.endsWith(".json") ? "application/json" : "text/csv" }));
  const res = unwrap(await callWithBody(runtime, importsRoute.action, { path: "/staff/pos/imports", method: "POST", body: form, cookie: manager.cookie }));
  expect(res.status).toBe(200);
  const [{ id }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`select id from retail_pos_imports order by created_at desc limit 1`));
  return id;
}
/** Runs the import the way the job does, recording how each chunk went. */
async function importNow(id: string) {
  const chunks: unknown[] = [];
  const done = await runImport({ db: runtime.db, bus: bus() }, id, { onChunk: ({ fellBack }) => chunks.push(fellBack) });
  await runtime.jobs.drain();
  return { done: done!, chunks };
}
const api = async (route: typeof salesRoute | typeof refundsRoute, body: Record<string, unknown>) => (await signedPosPost(runtime, route.action, creds, body)).status;
const one = async <T,>(query: ReturnType<typeof sql>) => rowsOf<T>(await runtime.db.execute(query))[0];
const earnsOf = async (receipt: string) =>
  rowsOf<{ points: number }>(
    await runtime.db.execute(sql`select l.points::int as points from retail_loyalty_ledger l join retail_pos_sales s on s.id = l.sale_id where l.kind = 'earn' and s.receipt_no = ${receipt} and s.kind = 'sale'`),
  ).map((r) => r.points);

const at = "2026-11-20T09:00:00+07:00";
const good = (receiptNumber: string, extra: Record<string, unknown> = {}) => ({
  receiptNumber,
  occurredAt: at,
  customer: { memberCard: "RK700001" },
  lines: [
    { sku: "SKU-A", quantity: 2, unitPrice: 25000 },
    { sku: "SKU-B", quantity: 1, unitPrice: 30000 },
  ],
  total: 80000,
  ...extra,
});

describe("bulk chunk path", () => {
  it("records good rows of a mixed chunk in one go, fails only the bad rows, and earns points once per sale", async () => {
    // the points one such sale earns through the API: the import must earn exactly the same
    expect(await api(salesRoute, good("BK-API-1"))).toBe(201);
    await runtime.jobs.drain();
    const [apiPoints] = await earnsOf("BK-API-1");
    expect(apiPoints).toBeGreaterThan(0);

    const rows = [
      good("BK-1"),
      { receiptNumber: "BK-2", occurredAt: at, total: 1 }, // no lines
      { ...good("BK-3"), total: 79000 }, // total does not add up
      { receiptNumber: "BK-4", occurredAt: at, lines: [{ sku: "SKU-X", name: "Barang lain", quantity: 1, unitPrice: 5000 }], total: 5000 },
      good("BK-1"), // the same receipt again, same content: a duplicate
      { receiptNumber: "BK-4", occurredAt: at, lines: [{ sku: "SKU-X", quantity: 2, unitPrice: 5000 }], total: 10000 }, // same receipt, other content
      good("BK-7", { customer: { phone: "0812-7000-0007", name: "Pembeli Baru" } }),
      good("BK-8", { customer: { phone: "+6281270000007" } }),
      { type: "bonus", ...good("BK-9") },
      good("BK-API-1"), // already sent through the API with the same content
    ];
    const id = await upload("campur.json", JSON.stringify(rows));
    const { done, chunks } = await importNow(id);
    expect(chunks).toEqual([null]); // one bulk transaction, no fallback
    expect(done).toMatchObject({ status: "done", totalRows: 10, processedRows: 10, recordedRows: 4, duplicateRows: 2 });
    expect(done.errors.map((e) => [e.row, e.code])).toEqual([
      [2, "validation_failed"],
      [3, "total_mismatch"],
      [6, "idempotency_key_reused"],
      [9, "validation_failed"],
    ]);
    expect(done.errors[1].message).toMatch(/80000/);

    const sales = rowsOf<{ receipt_no: string; contact_id: string | null; total_idr: string; lines: number; source: string }>(
      await runtime.db.execute(sql`select s.receipt_no, s.contact_id, s.total_idr, s.source, (select count(*)::int from retail_pos_sale_lines l where l.sale_id = s.id) as lines
        from retail_pos_sales s where s.receipt_no like 'BK-%' and s.receipt_no <> 'BK-API-1' order by s.receipt_no`),
    );
    expect(sales.map((s) => [s.receipt_no, Number(s.total_idr), s.lines, s.source])).toEqual([
      ["BK-1", 80000, 2, "batch"],
      ["BK-4", 5000, 1, "batch"],
      ["BK-7", 80000, 2, "batch"],
      ["BK-8", 80000, 2, "batch"],
    ]);
    expect(sales[0].contact_id).toBe(shopper.contact.id);
    expect(sales[1].contact_id).toBeNull();
    // a new customer created once by the first of her two receipts in the chunk
    expect(sales[2].contact_id).not.toBeNull();
    expect(sales[3].contact_id).toBe(sales[2].contact_id);
    const line = await one<{ name: string; category: string; product_id: string | null }>(sql`select l.name, l.category, l.product_id from retail_pos_sale_lines l join retail_pos_sales s on s.id = l.sale_id where s.receipt_no = 'BK-4'`);
    expect(line).toEqual({ name: "Barang lain", category: "lainnya", product_id: null });

    // one event per recorded sale, one earn per member sale, the same points as through the API
    const events = await one<{ n: number }>(sql`select count(*)::int as n from domain_events where name = 'pos.sale.recorded' and payload->>'receiptNumber' in ('BK-1', 'BK-4', 'BK-7', 'BK-8', 'BK-9')`);
    expect(events.n).toBe(4);
    expect(await earnsOf("BK-1")).toEqual([apiPoints]);
    expect(await earnsOf("BK-API-1")).toEqual([apiPoints]);
    expect(await earnsOf("BK-4")).toEqual([]);
  });

  it("counts a file imported again as duplicates, and a receipt changed since as that row's error", async () => {
    const rows = [good("BK-1"), { ...good("BK-7", { customer: { phone: "0812-7000-0007", name: "Pembeli Baru" } }), total: 55000, lines: [{ sku: "SKU-A", quantity: 1, unitPrice: 25000 }, { sku: "SKU-B", quantity: 1, unitPrice: 30000 }] }];
    const { done, chunks } = await importNow(await upload("lagi.json", JSON.stringify(rows)));
    expect(chunks).toEqual([null]);
    expect(done).toMatchObject({ recordedRows: 0, duplicateRows: 1 });
    expect(done.errors).toEqual([{ row: 2, code: "idempotency_key_reused", message: expect.any(String) }]);
    expect(await earnsOf("BK-1")).toHaveLength(1);
  });

  it("spans chunks, treats a repeat in a later chunk as a duplicate, and resumes after the last committed chunk", async () => {
    const n = importChunk + 20;
    // JSON: each element a whole receipt (in a CSV, a later line of BKC-3 would be one more of its lines)
    const sale = (i: number) => ({ receiptNumber: `BKC-${i}`, occurredAt: at, lines: [{ sku: "SKU-A", quantity: 1, unitPrice: 25000 }], total: 25000 });
    const sales = Array.from({ length: n }, (_, i) => sale(i));
    sales.push(sale(3)); // the first chunk's receipt again, in the second chunk
    const id = await upload("dua-chunk.json", JSON.stringify(sales));
    // a first run that recorded the first chunk (writes and progress in one transaction) then died
    const first = await runImport({ db: runtime.db, bus: bus() }, id, {
      onChunk: () => {
        throw new Error("worker died");
      },
    }).catch((e: Error) => e.message);
    expect(first).toBe("worker died");
    expect(await one<{ status: string; processed_rows: number; recorded_rows: number }>(sql`select status, processed_rows, recorded_rows from retail_pos_imports where id = ${id}`)).toEqual({
      status: "failed",
      processed_rows: importChunk,
      recorded_rows: importChunk,
    });
    const { done, chunks } = await importNow(id);
    expect(chunks).toEqual([null]);
    expect(done).toMatchObject({ status: "done", totalRows: n + 1, processedRows: n + 1, recordedRows: n, duplicateRows: 1, errors: [] });
    expect((await one<{ n: number }>(sql`select count(*)::int as n from retail_pos_sales where receipt_no like 'BKC-%'`)).n).toBe(n);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from domain_events where name = 'pos.sale.recorded' and payload->>'receiptNumber' like 'BKC-%'`)).n).toBe(n);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from retail_pos_import_rows where import_id = ${id}`)).n).toBe(0);
  }, 120_000);

  it("stops after a time slice and carries on later; a second run of the same import stops instead of counting twice", async () => {
    const lines = ["receiptNumber,occurredAt,sku,quantity,unitPrice"];
    for (let i = 0; i < importChunk * 3; i++) lines.push(`BKS-${i},${at},SKU-A,1,25000`);
    const id = await upload("irisan.csv", lines.join("\n"));
    const slice = await runImport({ db: runtime.db, bus: bus() }, id, { stopAfterMs: 0 });
    expect(slice).toMatchObject({ status: "running", continues: true, processedRows: importChunk });
    // two runs at once (a job retried while the first still runs): each chunk is committed by one of them
    const [a, b] = await Promise.all([runImport({ db: runtime.db, bus: bus() }, id), runImport({ db: runtime.db, bus: bus() }, id)]);
    const final = await one<{ status: string; processed_rows: number; recorded_rows: number; duplicate_rows: number }>(sql`select status, processed_rows, recorded_rows, duplicate_rows from retail_pos_imports where id = ${id}`);
    expect(final).toEqual({ status: "done", processed_rows: importChunk * 3, recorded_rows: importChunk * 3, duplicate_rows: 0 });
    expect([a!.continues, b!.continues]).toEqual([false, false]);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from domain_events where name = 'pos.sale.recorded' and payload->>'receiptNumber' like 'BKS-%'`)).n).toBe(importChunk * 3);
    await runtime.jobs.drain();
  }, 180_000);

  it("redoes a chunk receipt by receipt when its bulk write hits an unexpected conflict, with the same outcome", async () => {
    // a trigger that refuses any statement writing more than one sale line at once: only the bulk path does
    await runtime.db.execute(sql`create function bk_refuse_bulk() returns trigger language plpgsql as $$
      begin if (select count(*) from new_lines) > 1 then raise exception 'bulk refused' using errcode = '23505'; end if; return null; end $$`);
    await runtime.db.execute(sql`create trigger bk_refuse_bulk after insert on retail_pos_sale_lines referencing new table as new_lines for each statement execute function bk_refuse_bulk()`);
    try {
      const rows = [good("BKF-1", { lines: [{ sku: "SKU-A", quantity: 1, unitPrice: 80000 }] }), good("BKF-2", { lines: [{ sku: "SKU-B", quantity: 1, unitPrice: 80000 }] }), { receiptNumber: "BKF-3", occurredAt: "kemarin", lines: [], total: 0 }];
      const { done, chunks } = await importNow(await upload("mundur.json", JSON.stringify(rows)));
      expect(chunks).toHaveLength(1);
      const why = chunks[0] as Error & { cause?: unknown };
      expect(`${why.message} ${String(why.cause ?? "")}`).toMatch(/bulk refused/);
      expect(done).toMatchObject({ status: "done", recordedRows: 2, duplicateRows: 0 });
      expect(done.errors.map((e) => [e.row, e.code])).toEqual([[3, "validation_failed"]]);
      expect(await earnsOf("BKF-1")).toHaveLength(1);
      expect(await earnsOf("BKF-2")).toHaveLength(1);
    } finally {
      await runtime.db.execute(sql`drop trigger bk_refuse_bulk on retail_pos_sale_lines`);
      await runtime.db.execute(sql`drop function bk_refuse_bulk()`);
    }
  });
});

describe("a receipt whose lines are apart in the file", () => {
  it("is recorded as one sale with all its lines, in order of its first line, and earns points once on its whole total", async () => {
    // a new member, in the base tier
    const member = await createCustomer(runtime);
    await runtime.db.execute(sql`insert into contact_identifiers (contact_id, system, value) values (${member.contact.id}, 'member_card', 'RK700077')`);
    const csv = [
      "No Struk;Waktu;Kartu Member;SKU;Qty;Harga;Total",
      "SP-1;2026-11-20T09:00:00+07:00;RK700077;SKU-A;2;25000;",
      "SP-2;2026-11-20T09:05:00+07:00;;SKU-B;1;30000;",
      "SP-3;2026-11-20T09:10:00+07:00;RK700077;SKU-A;1;25000;55000",
      "SP-1;2026-11-20T09:00:00+07:00;RK700077;SKU-B;1;30000;",
      "SP-3;2026-11-20T09:10:00+07:00;RK700077;SKU-B;1;30000;",
      "SP-4;2026-11-20T09:15:00+07:00;;SKU-B;2;30000;",
      "SP-1;2026-11-20T09:00:00+07:00;RK700077;SKU-A;1;25000;",
    ].join("\n");
    const id = await upload("terpisah.csv", csv);
    const staged = rowsOf<{ seq: number; row: number; receipt: string; lines: number; total: number }>(
      await runtime.db.execute(sql`select seq, row, sale->>'receiptNumber' as receipt, jsonb_array_length(sale->'lines') as lines, (sale->>'total')::int as total from retail_pos_import_rows where import_id = ${id} order by seq`),
    );
    // SP-1: 2×25.000 + 30.000 + 25.000 summed; SP-3 keeps its total cell; positions 1..4 by first line
    expect(staged).toEqual([
      { seq: 1, row: 2, receipt: "SP-1", lines: 3, total: 105000 },
      { seq: 2, row: 3, receipt: "SP-2", lines: 1, total: 30000 },
      { seq: 3, row: 4, receipt: "SP-3", lines: 2, total: 55000 },
      { seq: 4, row: 7, receipt: "SP-4", lines: 1, total: 60000 },
    ]);
    expect((await one<{ total_rows: number }>(sql`select total_rows from retail_pos_imports where id = ${id}`)).total_rows).toBe(4);
    const { done } = await importNow(id);
    expect(done).toMatchObject({ recordedRows: 4, duplicateRows: 0, errors: [] });
    const sale = await one<{ total_idr: string; lines: number }>(
      sql`select s.total_idr, (select count(*)::int from retail_pos_sale_lines l where l.sale_id = s.id) as lines from retail_pos_sales s where s.receipt_no = 'SP-1' and s.kind = 'sale'`,
    );
    expect([Number(sale.total_idr), sale.lines]).toEqual([105000, 3]);
    // one earn per member sale, on all its lines (Silver: 1 point per Rp10.000; kebersihan, SKU-B, 2×):
    // SP-1 (50.000 + 25.000) / 10.000 + 30.000 × 2 / 10.000 = 7,5 + 6 = 13 (the first part alone: 5)
    // SP-3 25.000 / 10.000 + 30.000 × 2 / 10.000 = 8,5 → 8
    expect(await earnsOf("SP-1")).toEqual([13]);
    expect(await earnsOf("SP-3")).toEqual([8]);
    // the same file again: every receipt a duplicate, none a conflicting change
    const again = await importNow(await upload("terpisah-lagi.csv", csv));
    expect(again.done).toMatchObject({ recordedRows: 0, duplicateRows: 4, errors: [] });
  });
});

describe("refunds in a batch file", () => {
  it("records refunds through the API's refund rules: never more than the sale, once, points reversed", async () => {
    const csv = [
      "Jenis;No Struk;Struk Asal;Waktu;Kartu Member;SKU;Qty;Harga;Total;Alasan",
      "penjualan;RF-S1;;2026-11-20T09:00:00+07:00;RK700001;SKU-A;2;25000;;",
      "penjualan;RF-S1;;2026-11-20T09:00:00+07:00;RK700001;SKU-B;1;30000;;",
      "retur;RF-R1;RF-S1;2026-11-20T12:00:00+07:00;;;;;30000;rusak",
      "retur;RF-R2;RF-S1;2026-11-20T13:00:00+07:00;;;;;60000;",
      "retur;RF-R3;TIDAK-ADA;2026-11-20T13:00:00+07:00;;;;;1000;",
      "refund;RF-R4;RF-S1;2026-11-20T14:00:00+07:00;;;;;0;",
    ].join("\n");
    const parsed = await parseSalesFile("retur.csv", new TextEncoder().encode(csv));
    expect(parsed.ok && parsed.rows[1]).toEqual({
      row: 4,
      sale: { type: "refund", receiptNumber: "RF-R1", originalReceiptNumber: "RF-S1", occurredAt: "2026-11-20T12:00:00+07:00", total: 30000, reason: "rusak" },
      receiptKey: "refund:RF-R1",
      totalGiven: true,
    });
    const { done, chunks } = await importNow(await upload("retur.csv", csv));
    expect(chunks).toEqual([null]);
    expect(done).toMatchObject({ recordedRows: 2, duplicateRows: 0 });
    expect(done.errors.map((e) => [e.row, e.code])).toEqual([
      [5, "refund_exceeds_sale"],
      [6, "original_sale_not_found"],
      [7, "validation_failed"],
    ]);
    const sale = await one<{ refunded_idr: string; id: string }>(sql`select id, refunded_idr from retail_pos_sales where receipt_no = 'RF-S1' and kind = 'sale'`);
    expect(Number(sale.refunded_idr)).toBe(30000);
    const refund = await one<{ original_sale_id: string; contact_id: string; source: string }>(sql`select original_sale_id, contact_id, source from retail_pos_sales where receipt_no = 'RF-R1' and kind = 'refund'`);
    // (the earn of a sale and a refund of it in the same file are delivered in no set order: the
    // reversal is checked below, for a refund of an earlier file's sale)
    expect(refund).toEqual({ original_sale_id: sale.id, contact_id: shopper.contact.id, source: "batch" });
    expect((await one<{ n: number }>(sql`select count(*)::int as n from domain_events where name = 'pos.sale.refunded' and payload->>'originalReceiptNumber' = 'RF-S1'`)).n).toBe(1);

    // the same refund again (file or API) is a duplicate; a refund sent through the API first counts once
    expect(await api(refundsRoute, { receiptNumber: "RF-R5", originalReceiptNumber: "RF-S1", occurredAt: "2026-11-21T09:00:00+07:00", total: 10000 })).toBe(201);
    const again = JSON.stringify([
      { type: "refund", receiptNumber: "RF-R1", originalReceiptNumber: "RF-S1", occurredAt: "2026-11-20T12:00:00+07:00", total: 30000, reason: "rusak" },
      { jenis: "retur", receiptNumber: "RF-R5", originalReceiptNumber: "RF-S1", occurredAt: "2026-11-21T09:00:00+07:00", total: 10000 },
      { type: "refund", receiptNumber: "RF-R6", originalReceiptNumber: "RF-S1", occurredAt: "2026-11-21T10:00:00+07:00", total: 40000 },
    ]);
    const second = await importNow(await upload("retur-lagi.json", again));
    expect(second.done).toMatchObject({ recordedRows: 1, duplicateRows: 2, errors: [] });
    expect(Number((await one<{ refunded_idr: string }>(sql`select refunded_idr from retail_pos_sales where id = ${sale.id}`)).refunded_idr)).toBe(80000);
    // the refund takes back points of its sale, once
    const reversals = await one<{ n: number }>(sql`select count(*)::int as n from retail_loyalty_ledger where refund_id = (select id from retail_pos_sales where receipt_no = 'RF-R6' and kind = 'refund')`);
    expect(reversals.n).toBe(1);
  });
});

describe("the import page's sample files", () => {
  it("import as documented, in both languages: two sales and a refund each", async () => {
    for (const [code, name, content] of [
      ["SMP-ID", "contoh-penjualan.csv", importsRoute.importSamples.id.csv],
      ["SMP-EN", "sample-sales.csv", importsRoute.importSamples.en.csv],
      ["SMP-JS", "sample-sales.json", importsRoute.importSampleJson],
    ]) {
      const [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values (${code}, ${code}, 'store') returning id`));
      const conn = await createConnection(runtime.db, { kind: "system" }, { branchId, name: code });
      if (!conn.ok) throw new Error("no connection");
      const { done } = await importNow(await upload(name, content, conn.id));
      expect(done).toMatchObject({ status: "done", recordedRows: code === "SMP-JS" ? 2 : 3, duplicateRows: 0, errors: [] });
      const sale = await one<{ total_idr: string; refunded_idr: string }>(sql`select total_idr, refunded_idr from retail_pos_sales where connection_id = ${conn.id} and receipt_no = 'TK01-000123'`);
      expect([Number(sale.total_idr), Number(sale.refunded_idr)]).toEqual([245000, 60000]);
    }
  });
});

describe("readSalesFile", () => {
  it("reads a file arriving in small pieces the same as whole, groups consecutive lines, and marks each CSV receipt for joining later parts", async () => {
    const json = JSON.stringify({ sales: [good("P-1"), good("P-2")] });
    const pieces = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => new TextEncoder().encode(text.slice(i * size, (i + 1) * size)));
    const read = async (name: string, source: Iterable<Uint8Array>) => {
      const rows = [];
      for await (const row of readSalesFile(name, source)) rows.push(row);
      return rows;
    };
    expect(await read("a.json", pieces(json, 3))).toEqual([
      { row: 1, sale: good("P-1") },
      { row: 2, sale: good("P-2") },
    ]);
    const csv = "\uFEFFstruk,waktu,sku,qty,harga\nC-1,2026-11-20T09:00:00Z,SKU-A,1,25000\nC-1,2026-11-20T09:00:00Z,SKU-B,1,30000\n\nC-2,2026-11-20T09:00:00Z,SKU-A,1,25000\nC-1,2026-11-20T09:00:00Z,SKU-A,1,25000\n";
    const rows = await read("b.csv", pieces(csv, 7));
    expect(rows.map((r) => [r.row, (r.sale as { receiptNumber: string }).receiptNumber, (r.sale as { lines: unknown[] }).lines.length, r.receiptKey, r.totalGiven])).toEqual([
      [2, "C-1", 2, "sale:C-1", false],
      [5, "C-2", 1, "sale:C-2", false],
      [6, "C-1", 1, "sale:C-1", false],
    ]);
    expect(await parseSalesFile("c.json", new TextEncoder().encode('[{"a": 1}, '))).toEqual({ ok: false, error: "unreadable" });
    expect(await parseSalesFile("d.json", new TextEncoder().encode("[]"))).toEqual({ ok: false, error: "empty" });
    expect(await parseSalesFile("e.csv", new TextEncoder().encode("struk,waktu\n"))).toEqual({ ok: false, error: "missingColumns" });
  });
});
