import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { callWithBody } from "../support/raw-request.ts";
import { callRoute, createContact, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import { signatureHeader } from "../../plugins/retail-pos/api-auth.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as refundsRoute from "../../plugins/retail-pos/routes/api.refunds.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import * as openapiRoute from "../../plugins/retail-pos/routes/api.openapi.ts";
import * as receiptsRoute from "../../plugins/retail-pos/routes/portal.receipts.tsx";
import * as sellThroughRoute from "../../plugins/retail-pos/routes/partner.sell-through.tsx";
import * as reportsRoute from "../../plugins/retail-pos/routes/staff.reports.tsx";
import * as connectionsRoute from "../../plugins/retail-pos/routes/staff.connections.tsx";
import { contactMergedEvent } from "../../app/core/events/core-events.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let creds: { apiKey: string; signingSecret: string; id: string };
let branchId: string;

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos] });
  runtime = app.runtime;
  [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values ('TST-1', 'Toko Uji', 'store') returning id`));
  const created = await createConnection(runtime.db, { kind: "system" }, { branchId, name: "Kasir 1" });
  if (!created.ok) throw new Error("no connection");
  creds = created;
  await runtime.db.execute(sql`insert into retail_pos_products (sku, name, category, price_idr) values ('SKU-1', 'Wajan', 'dapur', 100000)`);
});
afterAll(() => app.close());

let counter = 0;
function sale(overrides: Record<string, unknown> = {}) {
  counter++;
  return { receiptNumber: `R-${counter}`, occurredAt: new Date().toISOString(), lines: [{ sku: "SKU-1", quantity: 2, unitPrice: 100000, discount: 10000 }], total: 190000, ...overrides };
}

async function post(route: typeof salesRoute | typeof refundsRoute, body: unknown, options: { key?: string; secret?: string; idempotencyKey?: string; signature?: string; raw?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Authorization: `Bearer ${options.key ?? creds.apiKey}`,
    "Nusa-Signature": options.signature ?? signatureHeader(options.secret ?? creds.signingSecret, raw),
  };
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  const path = route === salesRoute ? "/api/pos/v1/sales" : "/api/pos/v1/refunds";
  const response = (await callWithBody(runtime, route.action, { path, method: "POST", body: raw, headers })) as Response;
  return { status: response.status, body: (await response.json()) as Record<string, any>, headers: response.headers };
}

const count = async (table: string, where = sql`true`) =>
  Number(rowsOf<{ n: number }>(await runtime.db.execute(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`))[0].n);

describe("POST /api/pos/v1/sales", () => {
  it("records a signed sale, links the member and emits pos.sale.recorded in the same transaction", async () => {
    const body = sale({ customer: { memberCard: "rk777001", name: "Sri Wahyuni", phone: "0812-3456-7001" } });
    const res = await post(salesRoute, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: "sale", status: "recorded", customerMatched: true, total: 190000 });
    const [row] = rowsOf<{ contact_id: string; total_idr: string }>(await runtime.db.execute(sql`select contact_id, total_idr from retail_pos_sales where id = ${res.body.id}`));
    expect(Number(row.total_idr)).toBe(190000);
    const [ident] = rowsOf<{ contact_id: string }>(await runtime.db.execute(sql`select contact_id from contact_identifiers where system = 'member_card' and value = 'RK777001'`));
    expect(ident.contact_id).toBe(row.contact_id);
    const [event] = rowsOf<{ payload: any }>(await runtime.db.execute(sql`select payload from domain_events where name = 'pos.sale.recorded' and payload->>'saleId' = ${res.body.id}`));
    expect(event.payload).toMatchObject({ version: 1, contactId: row.contact_id, total: 190000, lines: [{ sku: "SKU-1", category: "dapur", quantity: 2, amount: 190000 }] });
  });

  it("identifies a known contact by phone, and leaves a sale without customer anonymous", async () => {
    const known = await createContact(runtime, { phone: "+6281399990001" });
    const byPhone = await post(salesRoute, sale({ customer: { phone: "+62 813 9999 0001" } }));
    expect(byPhone.status).toBe(201);
    expect(await count("retail_pos_sales", sql`id = ${byPhone.body.id} and contact_id = ${known.id}`)).toBe(1);
    const anonymous = await post(salesRoute, sale());
    expect(anonymous.body.customerMatched).toBe(false);
  });

  it("records a retried sale exactly once, and refuses the same key with another body", async () => {
    const body = sale();
    const first = await post(salesRoute, body);
    const again = await post(salesRoute, body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    const changed = await post(salesRoute, { ...body, total: 200000, lines: [{ sku: "SKU-1", quantity: 2, unitPrice: 100000 }] });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe("idempotency_key_reused");
    const otherKey = await post(salesRoute, body, { idempotencyKey: "another-key" });
    expect(otherKey.status).toBe(409);
    expect(otherKey.body.error.code).toBe("receipt_already_recorded");
    expect(await count("retail_pos_sales", sql`receipt_no = ${body.receiptNumber}`)).toBe(1);
    expect(await count("domain_events", sql`name = 'pos.sale.recorded' and payload->>'receiptNumber' = ${body.receiptNumber}`)).toBe(1);
  });

  it("counts a sale sent concurrently many times once", async () => {
    const body = sale({ customer: { memberCard: "RK777999" } });
    const results = await Promise.all(Array.from({ length: 8 }, () => post(salesRoute, body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await count("retail_pos_sales", sql`receipt_no = ${body.receiptNumber}`)).toBe(1);
    expect(await count("contact_identifiers", sql`value = 'RK777999'`)).toBe(1);
    expect(await count("domain_events", sql`name = 'pos.sale.recorded' and payload->>'receiptNumber' = ${body.receiptNumber}`)).toBe(1);
  });

  it("refuses wrong keys, bad or stale signatures, and accepts either secret while one rotates", async () => {
    const body = sale();
    expect((await post(salesRoute, body, { key: "nusa_pos_wrong" })).body.error.code).toBe("unauthorized");
    expect((await post(salesRoute, body, { secret: "whsec_wrong" })).body.error.code).toBe("signature_invalid");
    const raw = JSON.stringify(body);
    const stale = signatureHeader(creds.signingSecret, raw, Math.floor(Date.now() / 1000) - 301);
    expect((await post(salesRoute, body, { signature: stale })).body.error.code).toBe("signature_expired");
    expect((await post(salesRoute, body, { signature: "" })).status).toBe(401);
    // the signature covers the raw bytes: the same JSON re-spaced does not verify
    const signedCompact = signatureHeader(creds.signingSecret, raw);
    const res = await post(salesRoute, body, { raw: JSON.stringify(body, null, 2), signature: signedCompact });
    expect(res.body.error.code).toBe("signature_invalid");

    await runtime.db.execute(sql`update retail_pos_connections set previous_signing_secret = signing_secret, signing_secret = 'whsec_new', previous_secret_expires_at = now() + interval '1 hour' where id = ${creds.id}`);
    const both = `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)},${signatureHeader("whsec_new", raw).split(",")[1]}`;
    expect((await post(salesRoute, body, { signature: both })).status).toBe(201);
    expect((await post(salesRoute, sale(), { secret: creds.signingSecret })).status).toBe(201);
    await runtime.db.execute(sql`update retail_pos_connections set previous_secret_expires_at = now() - interval '1 second' where id = ${creds.id}`);
    expect((await post(salesRoute, sale(), { secret: creds.signingSecret })).body.error.code).toBe("signature_invalid");
    await runtime.db.execute(sql`update retail_pos_connections set signing_secret = ${creds.signingSecret}, previous_signing_secret = null where id = ${creds.id}`);
  });

  it("answers bad input with codes and writes nothing", async () => {
    const before = await count("retail_pos_sales");
    const events = await count("domain_events");
    expect((await post(salesRoute, null, { raw: "{not json" })).body.error.code).toBe("invalid_json");
    const invalid = await post(salesRoute, sale({ lines: [], extra: 1 }));
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe("validation_failed");
    expect(invalid.body.error.issues.length).toBeGreaterThan(0);
    expect((await post(salesRoute, sale({ total: 1 }))).body.error).toMatchObject({ code: "total_mismatch", expected: 190000 });
    expect((await post(salesRoute, sale({ customer: { phone: "12" } }))).body.error.code).toBe("validation_failed");
    expect(await count("retail_pos_sales")).toBe(before);
    expect(await count("domain_events")).toBe(events);
  });
});

describe("POST /api/pos/v1/refunds", () => {
  it("refunds within the sale total, once per key, and emits pos.sale.refunded", async () => {
    const original = sale({ customer: { memberCard: "RK777002" } });
    await post(salesRoute, original);
    const refund = { receiptNumber: `RF-${counter}`, originalReceiptNumber: original.receiptNumber, occurredAt: new Date().toISOString(), total: 100000 };
    const first = await post(refundsRoute, refund);
    expect(first.status).toBe(201);
    expect((await post(refundsRoute, refund)).status).toBe(200);
    const tooMuch = await post(refundsRoute, { ...refund, receiptNumber: `RF-${counter}-b`, total: 90001 });
    expect(tooMuch.body.error.code).toBe("refund_exceeds_sale");
    expect((await post(refundsRoute, { ...refund, receiptNumber: `RF-${counter}-c`, total: 90000 })).status).toBe(201);
    expect((await post(refundsRoute, { ...refund, receiptNumber: "RF-x", originalReceiptNumber: "NOPE" })).body.error.code).toBe("original_sale_not_found");
    expect(await count("domain_events", sql`name = 'pos.sale.refunded' and payload->>'originalReceiptNumber' = ${original.receiptNumber}`)).toBe(2);
  });

  it("never refunds more than the sale under concurrent refunds", async () => {
    const original = sale();
    await post(salesRoute, original);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post(refundsRoute, { receiptNumber: `CR-${counter}-${i}`, originalReceiptNumber: original.receiptNumber, occurredAt: new Date().toISOString(), total: 100000 })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const [row] = rowsOf<{ refunded_idr: string }>(await runtime.db.execute(sql`select refunded_idr from retail_pos_sales where receipt_no = ${original.receiptNumber} and kind = 'sale'`));
    expect(Number(row.refunded_idr)).toBe(100000);
  });
});

describe("GET /api/pos/v1/openapi.json", () => {
  it("describes the API", async () => {
    const res = openapiRoute.loader() as Response;
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(["/sales", "/refunds", "/vouchers/{code}/check", "/vouchers/{code}/redeem", "/openapi.json"]);
  });
});

describe("who sees which sales", () => {
  it("a shopper sees only their own receipts in /portal", async () => {
    const ani = await createCustomer(runtime);
    const budi = await createCustomer(runtime);
    await runtime.db.execute(sql`insert into contact_identifiers (contact_id, system, value) values (${ani.contact.id}, 'member_card', 'RK555001'), (${budi.contact.id}, 'member_card', 'RK555002')`);
    const mine = sale({ customer: { memberCard: "RK555001" } });
    await post(salesRoute, mine);
    await post(salesRoute, sale({ customer: { memberCard: "RK555002" } }));
    const page = unwrap(await callRoute(runtime, receiptsRoute.loader, { path: "/portal/receipts", cookie: ani.cookie })).data as { receipts: { receiptNo: string; lines: unknown[] }[] };
    expect(page.receipts.map((r) => r.receiptNo)).toEqual([mine.receiptNumber]);
    expect(page.receipts[0].lines).toHaveLength(1);
    expect(unwrap(await callRoute(runtime, receiptsRoute.loader, { path: "/portal/receipts" })).status).toBe(302);
    // a mangled or forged page cursor starts from the first page (it was a 500)
    for (const before of ["abc_x", "1733480100000_x", "%%%"]) {
      const again = unwrap(await callRoute(runtime, receiptsRoute.loader, { path: `/portal/receipts?before=${encodeURIComponent(before)}`, cookie: ani.cookie }));
      expect(again.status).toBe(200);
      expect((again.data as { receipts: { receiptNo: string }[] }).receipts.map((r) => r.receiptNo)).toEqual([mine.receiptNumber]);
    }
  });

  it("a supplier sees sell-through of its own products only", async () => {
    const supplier = await createPartnerOrg(runtime, { type: "supplier" });
    const other = await createPartnerOrg(runtime, { type: "supplier" });
    await runtime.db.execute(sql`insert into retail_pos_products (sku, name, category, price_idr, supplier_org_id) values
      ('SUP-A', 'Ember', 'plastik', 50000, ${supplier.id}), ('SUP-B', 'Gayung', 'plastik', 20000, ${other.id})`);
    await post(salesRoute, sale({ lines: [{ sku: "SUP-A", quantity: 3, unitPrice: 50000 }, { sku: "SUP-B", quantity: 1, unitPrice: 20000 }], total: 170000 }));
    const user = await createPartnerUser(runtime, supplier.id);
    const rows = (unwrap(await callRoute(runtime, sellThroughRoute.loader, { path: "/partner/sell-through", cookie: user.cookie })).data as { rows: { sku: string; units: number; revenue: number }[] }).rows;
    expect(rows).toEqual([expect.objectContaining({ sku: "SUP-A", units: 3, revenue: 150000 })]);
  });

  it("reports and connections need their permissions", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const manager = await createStaff(runtime, { roles: ["manager"] });
    expect(unwrap(await callRoute(runtime, reportsRoute.loader, { path: "/staff/pos/reports", cookie: agent.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(runtime, connectionsRoute.loader, { path: "/staff/pos/connections", cookie: agent.cookie })).status).toBe(403);
    const report = unwrap(await callRoute(runtime, reportsRoute.loader, { path: "/staff/pos/reports?groupBy=category", cookie: manager.cookie })).data as { rows: { key: string; gross: number }[] };
    expect(report.rows.find((r) => r.key === "dapur")?.gross).toBeGreaterThan(0);
    const created = unwrap(await callRoute(runtime, connectionsRoute.action, { path: "/staff/pos/connections", cookie: manager.cookie, form: { intent: "create", name: "Kasir 2", branchId } })).data as { created: { apiKey: string } };
    expect(created.created.apiKey).toMatch(/^nusa_pos_/);
    const [stored] = rowsOf<{ key_hash: string }>(await runtime.db.execute(sql`select key_hash from retail_pos_connections where name = 'Kasir 2'`));
    expect(stored.key_hash).not.toContain(created.created.apiKey);
  });
});

describe("contact merges", () => {
  it("moves a merged duplicate's receipts to the kept contact, once", async () => {
    const kept = await createContact(runtime);
    const duplicate = await createContact(runtime, { phone: "+6281377770001" });
    const res = await post(salesRoute, sale({ customer: { phone: "081377770001" } }));
    expect(await count("retail_pos_sales", sql`id = ${res.body.id} and contact_id = ${duplicate.id}`)).toBe(1);
    await runtime.db.transaction((tx) => runtime.bus.emit(tx, contactMergedEvent, { keptContactId: kept.id, mergedContactId: duplicate.id }));
    await runtime.jobs.drain();
    expect(await count("retail_pos_sales", sql`id = ${res.body.id} and contact_id = ${kept.id}`)).toBe(1);
  });
});
