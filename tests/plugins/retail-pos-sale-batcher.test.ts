import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";
import { signedPosPost } from "../support/pos-request.ts";
import { createTestApp } from "../support/test-app.ts";
import { sha256Hex } from "../../plugins/retail-pos/api-auth.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import { createSaleBatcher } from "../../plugins/retail-pos/sale-batcher.server.ts";
import type { SaleInput } from "../../plugins/retail-pos/sale-payload.ts";
import { connectionForKey } from "../../plugins/retail-pos/api-auth.server.ts";

// Sales arriving together are written in one transaction, and every request still gets the answer
// it would get alone: 201 once, a replay for the same key and body, 409 for a key or receipt reused.
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let creds: { apiKey: string; signingSecret: string; id: string };
let other: { apiKey: string; signingSecret: string; id: string };

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos] });
  runtime = app.runtime;
  const branches = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values ('GC-1', 'Toko Satu', 'store'), ('GC-2', 'Toko Dua', 'store') returning id`));
  const first = await createConnection(runtime.db, { kind: "system" }, { branchId: branches[0].id, name: "Kasir 1" });
  const second = await createConnection(runtime.db, { kind: "system" }, { branchId: branches[1].id, name: "Kasir 2" });
  if (!first.ok || !second.ok) throw new Error("no connection");
  creds = first;
  other = second;
  await runtime.db.execute(sql`insert into retail_pos_products (sku, name, category, price_idr) values ('GC-SKU', 'Panci', 'dapur', 50000)`);
});
afterAll(() => app.close());

const sale = (receiptNumber: string, extra: Partial<SaleInput> = {}): SaleInput => ({
  receiptNumber,
  occurredAt: "2026-11-20T02:00:00.000Z",
  lines: [{ sku: "GC-SKU", quantity: 1, unitPrice: 50000, discount: 0 }],
  total: 50000,
  ...extra,
});
const count = async (query: ReturnType<typeof sql>) => Number(rowsOf<{ n: number }>(await runtime.db.execute(query))[0].n);

describe("sales sent together", () => {
  it("are written in fewer transactions than requests, each answered as if it had come alone", async () => {
    const transactions: number[] = [];
    const batcher = createSaleBatcher({ db: runtime.db, bus: pluginServices(runtime) }, { onTransaction: (n) => transactions.push(n) });
    const connection = (await connectionForKey(runtime.db, `Bearer ${creds.apiKey}`))!;
    const otherStore = (await connectionForKey(runtime.db, `Bearer ${other.apiKey}`))!;
    const meta = (key: string, body: unknown) => ({ idempotencyKey: key, requestHash: sha256Hex(JSON.stringify(body)) });
    // one earlier sale: its key again is a replay (same body) or a conflict (other body)
    const earlier = sale("GC-0", { customer: { memberCard: "GC000001" } });
    expect(await batcher.record(connection, earlier, meta("k-0", earlier))).toMatchObject({ ok: true, replayed: false });

    const changed = sale("GC-0", { total: 100000, lines: [{ sku: "GC-SKU", quantity: 2, unitPrice: 50000, discount: 0 }] });
    const calls = [
      batcher.record(connection, sale("GC-1", { customer: { memberCard: "GC000001" } }), meta("k-1", sale("GC-1", { customer: { memberCard: "GC000001" } }))),
      batcher.record(connection, sale("GC-2", { customer: { memberCard: "GC000002", phone: "081234500002" } }), meta("k-2", "b2")),
      batcher.record(connection, earlier, meta("k-0", earlier)), // replay of the earlier sale
      batcher.record(connection, changed, meta("k-0", changed)), // the earlier key with another body
      batcher.record(connection, sale("GC-3"), meta("k-3", "b3")),
      batcher.record(connection, sale("GC-3"), meta("k-3", "b3")), // the same request twice in one transaction
      batcher.record(connection, sale("GC-3"), meta("k-3b", "b3")), // its receipt under another key
      batcher.record(otherStore, sale("GC-1"), meta("k-1", "other store")), // another store's key and receipt space
      batcher.record(connection, sale("GC-4", { total: 1 }), meta("k-4", "b4")), // total not the lines' sum
    ];
    const results = await Promise.all(calls);
    const summary = results.map((r) => (r.ok ? (r.replayed ? "replayed" : "recorded") : r.code));
    expect(summary).toEqual([
      "recorded",
      "recorded",
      "replayed",
      "idempotency_key_reused",
      "recorded",
      "replayed",
      "receipt_already_recorded",
      "recorded",
      "total_mismatch",
    ]);
    // the first sale alone, then the eight valid ones together
    expect(transactions).toEqual([1, 8]);
    const replay = results[2];
    expect(replay.ok && replay.sale.receiptNumber).toBe("GC-0");
    expect(results[5].ok && results[4].ok && results[5].sale.id).toBe(results[4].ok && results[4].sale.id);
    // each sale once, its lines, its customer linked, one event each
    expect(await count(sql`select count(*)::int as n from retail_pos_sales where receipt_no like 'GC-%'`)).toBe(5);
    expect(await count(sql`select count(*)::int as n from retail_pos_sale_lines l join retail_pos_sales s on s.id = l.sale_id where s.receipt_no like 'GC-%'`)).toBe(5);
    expect(await count(sql`select count(*)::int as n from domain_events where name = 'pos.sale.recorded' and payload->>'receiptNumber' like 'GC-%'`)).toBe(5);
    const gc1 = rowsOf<{ contact_id: string | null }>(await runtime.db.execute(sql`select contact_id from retail_pos_sales where receipt_no = 'GC-1' and connection_id = ${creds.id}`))[0];
    const gc0 = rowsOf<{ contact_id: string | null }>(await runtime.db.execute(sql`select contact_id from retail_pos_sales where receipt_no = 'GC-0'`))[0];
    expect(gc1.contact_id).toBe(gc0.contact_id);
    expect(gc1.contact_id).not.toBeNull();
  });

  it("redoes the sales one by one when the transaction fails as a whole, recording each once", async () => {
    const services = pluginServices(runtime);
    let failures = 1;
    const bus = {
      emit: services.emit,
      emitMany: (async (...args: Parameters<typeof services.emitMany>) => {
        if (failures-- > 0) throw new Error("deadlock detected");
        return services.emitMany(...args);
      }) as typeof services.emitMany,
    };
    const transactions: number[] = [];
    const batcher = createSaleBatcher({ db: runtime.db, bus }, { onTransaction: (n) => transactions.push(n) });
    const connection = (await connectionForKey(runtime.db, `Bearer ${creds.apiKey}`))!;
    const results = await Promise.all(["GF-1", "GF-2", "GF-3"].map((r) => batcher.record(connection, sale(r), { idempotencyKey: r, requestHash: r })));
    expect(results.map((r) => r.ok && !r.replayed)).toEqual([true, true, true]);
    expect(transactions).toEqual([3]);
    expect(await count(sql`select count(*)::int as n from retail_pos_sales where receipt_no like 'GF-%'`)).toBe(3);
    expect(await count(sql`select count(*)::int as n from domain_events where name = 'pos.sale.recorded' and payload->>'receiptNumber' like 'GF-%'`)).toBe(3);
  });

  it("through the API: concurrent requests share transactions and get the same answers", async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => sale(`GA-${i}`, { customer: { memberCard: `GA00000${i % 3}` } }));
    const responses = await Promise.all([...bodies, bodies[0]].map((b) => signedPosPost(runtime, salesRoute.action, creds, b)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array(12).fill(201)]);
    expect(await count(sql`select count(*)::int as n from retail_pos_sales where receipt_no like 'GA-%'`)).toBe(12);
    // three members, each created once although their sales came in one transaction
    expect(await count(sql`select count(*)::int as n from contact_identifiers where value like 'GA00000%'`)).toBe(3);
  });
});
