// Issue 11 item 3: loyalty earns a batch of sales in one pass (earnFromSales) and must give exactly
// what earning sale by sale gives (earnFromSale, the reference): the same ledger entries with their
// balances and breakdowns, the same lots and the same member rows. Both run over one event stream,
// from one starting state: the demo data (its opening balances, multipliers and campaigns), then a
// generated year of sales with more campaigns, refunds (in the same batch as their sale, after it)
// and merges, cut into batches as the bus cuts them (consecutive events of one name, 500 a read).
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { earnFromSales } from "../../plugins/retail-loyalty/batch-earn.server.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { earnFromSale, reverseRefund } from "../../plugins/retail-loyalty/ledger.server.ts";
import { moveMembership } from "../../plugins/retail-loyalty/member-merge.server.ts";
import type { SaleRecorded, SaleRefunded } from "../../plugins/retail-loyalty/pos-events.ts";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import { seedRetailPos } from "../../plugins/retail-pos/seed.server.ts";
import { createStaff, createTestApp } from "../support/test-app.ts";

type StreamEvent = { name: "pos.sale.recorded"; payload: SaleRecorded } | { name: "pos.sale.refunded"; payload: SaleRefunded } | { name: "core.contact.merged"; payload: { keptContactId: string; mergedContactId: string } };

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
const readSize = 500;

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, retailLoyalty] });
  runtime = app.runtime;
  const { db } = runtime;
  // the demo stores (the core's demo seed makes them), then retail-pos's and retail-loyalty's demo data
  await db.execute(sql`insert into branches (code, name, kind, time_zone) values
    ('TRK-BDG', 'Toko Bandung', 'store', 'Asia/Jakarta'), ('TRK-SBY', 'Toko Surabaya', 'store', 'Asia/Jakarta'), ('TRK-DPS', 'Toko Denpasar', 'store', 'Asia/Makassar')`);
  await createStaff(runtime, { roles: ["admin"], email: "admin@nusa-crm.id" });
  await seedRetailPos({ db, logger: runtime.logger });
  await seedRetailLoyalty({ db, logger: runtime.logger });
}, 240_000);
afterAll(() => app.close());

/** The demo's own sales of its first shoppers, as retail-pos would have announced them. */
async function demoSales(db: Database, shoppers: number): Promise<SaleRecorded[]> {
  const rows = rowsOf<{ id: string; receipt_no: string; branch_id: string; contact_id: string; occurred_at: string | Date; total_idr: string; lines: { sku: string; category: string; productId: string | null; quantity: number; amount: number }[] }>(
    await db.execute(sql`
      select s.id, s.receipt_no, s.branch_id, s.contact_id, s.occurred_at, s.total_idr,
        (select json_agg(json_build_object('sku', l.sku, 'category', l.category, 'productId', l.product_id, 'quantity', l.quantity, 'amount', l.amount_idr) order by l.line_no) from retail_pos_sale_lines l where l.sale_id = s.id) as lines
      from retail_pos_sales s
      where s.contact_id in (select contact_id from retail_pos_sales where contact_id is not null group by contact_id order by contact_id limit ${shoppers})
      order by s.occurred_at, s.id`),
  );
  return rows.map((r) => ({
    version: 1 as const,
    saleId: r.id,
    receiptNumber: r.receipt_no,
    branchId: r.branch_id,
    contactId: r.contact_id,
    occurredAt: new Date(r.occurred_at).toISOString(),
    total: Number(r.total_idr),
    lines: r.lines.map((l) => ({ ...l, quantity: Number(l.quantity), amount: Number(l.amount) })),
    voucherCodes: [],
  }));
}

/** A year of sales for some demo members and a few new shoppers, with refunds and merges in the stream. */
async function generatedYear(db: Database): Promise<StreamEvent[]> {
  const random = prng(20261207);
  const pick = <T,>(list: T[]) => list[Math.floor(random() * list.length)];
  const stores = rowsOf<{ id: string }>(await db.execute(sql`select id from branches where code in ('TRK-BDG', 'TRK-SBY', 'TRK-DPS') order by code`)).map((r) => r.id);
  const products = rowsOf<{ id: string; sku: string; category: string; price_idr: string }>(await db.execute(sql`select id, sku, category, price_idr from retail_pos_products order by sku`));
  const members = rowsOf<{ contact_id: string }>(await db.execute(sql`select contact_id from retail_loyalty_members order by contact_id limit 40`)).map((r) => r.contact_id);
  const fresh = rowsOf<{ id: string }>(await db.execute(sql`insert into contacts (full_name, source) select 'Pembeli Baru ' || g, 'import' from generate_series(1, 20) g returning id`)).map((r) => r.id);
  const shoppers = [...members, ...fresh];
  const [program] = rowsOf<{ id: string }>(await db.execute(sql`select id from retail_loyalty_programs`));
  // campaigns beside the demo's: a tier-only bonus, a SKU multiplier, a category multiplier all year, overlapping ones, one switched off
  await db.execute(sql`insert into retail_loyalty_campaigns (program_id, name, starts_on, ends_on, multiplier_pct, bonus_points, scope, scope_values, active) values
    (${program.id}, '{"id":"Gold bonus","en":"Gold bonus"}', (now() - interval '200 days')::date, (now() - interval '140 days')::date, null, 75, 'tiers', '["gold","platinum"]', true),
    (${program.id}, '{"id":"Wajan 3x","en":"Wok 3x"}', (now() - interval '100 days')::date, (now() - interval '60 days')::date, 300, null, 'skus', '["DAP-001"]', true),
    (${program.id}, '{"id":"Bersih 1,5x","en":"Clean 1.5x"}', (now() - interval '400 days')::date, (now() + interval '30 days')::date, 150, null, 'categories', '["kebersihan","plastik"]', true),
    (${program.id}, '{"id":"Semua 2x","en":"All 2x"}', (now() - interval '90 days')::date, (now() - interval '80 days')::date, 200, null, 'all', '[]', true),
    (${program.id}, '{"id":"Bonus 10","en":"Bonus 10"}', (now() - interval '90 days')::date, (now() - interval '85 days')::date, null, 10, 'all', '[]', true),
    (${program.id}, '{"id":"Mati","en":"Off"}', (now() - interval '400 days')::date, (now() + interval '30 days')::date, 500, null, 'all', '[]', false)`);

  const events: StreamEvent[] = [];
  const merged = new Map<string, string>(); // duplicate → kept, once merged
  const start = Date.now() - 365 * 86_400_000;
  const sales: SaleRecorded[] = [];
  for (let k = 0; k < 300; k++) {
    const at = new Date(start + (k / 300) * 364 * 86_400_000 + Math.floor(random() * 3_600_000));
    const contactId = pick(shoppers);
    const lines = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
      const p = pick(products);
      const quantity = 1 + Math.floor(random() * 3);
      return { sku: p.sku, category: p.category, productId: p.id, quantity, amount: quantity * Number(p.price_idr) };
    });
    const total = lines.reduce((s, l) => s + l.amount, 0);
    const sale: SaleRecorded = { version: 1, saleId: randomUUID(), receiptNumber: `GEN-${k}`, branchId: pick(stores), contactId, occurredAt: at.toISOString(), total, lines, voucherCodes: [] };
    sales.push(sale);
    events.push({ name: "pos.sale.recorded", payload: sale });
    // ~7 %: refunded a few events later (same batch, after the sale); some twice (partial, then the rest)
    if (random() < 0.07) {
      const refundTotal = random() < 0.5 ? total : Math.max(1, Math.floor(total * random()));
      const refund = (amount: number, n: number): StreamEvent => ({
        name: "pos.sale.refunded",
        payload: { version: 1, refundId: randomUUID(), saleId: sale.saleId, receiptNumber: `RF-${k}-${n}`, originalReceiptNumber: sale.receiptNumber, branchId: sale.branchId, contactId, occurredAt: new Date(at.getTime() + 60_000 * n).toISOString(), refundTotal: amount, saleTotal: total },
      });
      events.push(refund(refundTotal, 1));
      if (refundTotal < total && random() < 0.5) events.push(refund(total - refundTotal, 2));
    }
    // now and then a duplicate is merged into another shopper; its later sales still name the duplicate
    if (k % 60 === 30) {
      const candidates = shoppers.filter((c) => !merged.has(c) && ![...merged.values()].includes(c));
      const duplicate = pick(candidates);
      const kept = pick(candidates.filter((c) => c !== duplicate));
      merged.set(duplicate, kept);
      events.push({ name: "core.contact.merged", payload: { keptContactId: kept, mergedContactId: duplicate } });
    }
  }
  // a few refunds of older sales, arriving in a later batch
  for (const sale of sales.filter((_, i) => i % 31 === 3)) {
    events.push({ name: "pos.sale.refunded", payload: { version: 1, refundId: randomUUID(), saleId: sale.saleId, receiptNumber: `RL-${sale.receiptNumber}`, originalReceiptNumber: sale.receiptNumber, branchId: sale.branchId, contactId: sale.contactId, occurredAt: new Date().toISOString(), refundTotal: Math.max(1, Math.floor(sale.total / 3)), saleTotal: sale.total } });
  }
  return events;
}

/** Applies a merge as the core does before announcing it: the duplicate points at the kept record. */
async function merge(tx: Database, payload: { keptContactId: string; mergedContactId: string }) {
  await tx.execute(sql`update contacts set merged_into_id = ${payload.keptContactId} where id = ${payload.mergedContactId}`);
  await moveMembership(tx, payload.mergedContactId, payload.keptContactId);
}

async function runReference(events: StreamEvent[]) {
  for (const event of events) {
    await runtime.db.transaction(async (tx) => {
      if (event.name === "pos.sale.recorded") await earnFromSale(tx, event.payload);
      else if (event.name === "pos.sale.refunded") await reverseRefund(tx, event.payload);
      else await merge(tx, event.payload);
    });
  }
}

/** As the bus delivers to retail-loyalty: reads of 500, each in one transaction, consecutive sales to the batch at once. */
async function runBatched(events: StreamEvent[]) {
  for (let r = 0; r < events.length; r += readSize) {
    const read = events.slice(r, r + readSize);
    await runtime.db.transaction(async (tx) => {
      let i = 0;
      while (i < read.length) {
        let j = i + 1;
        while (j < read.length && read[j].name === read[i].name) j++;
        const run = read.slice(i, j);
        if (run[0].name === "pos.sale.recorded") await earnFromSales(tx, run.map((e) => e.payload as SaleRecorded));
        else if (run[0].name === "pos.sale.refunded") for (const e of run) await reverseRefund(tx, e.payload as SaleRefunded);
        else for (const e of run) await merge(tx, e.payload as { keptContactId: string; mergedContactId: string });
        i = j;
      }
    });
  }
}

/** Everything loyalty holds, without the generated ids (a ledger entry names its lot by the lot's sale and dates). */
async function snapshot() {
  const { db } = runtime;
  const lots = rowsOf<{ id: string }>(await db.execute(sql`select id, contact_id, points, remaining, value_idr, sale_id, earned_at, expires_at from retail_loyalty_lots order by id`));
  // a lot by its place in the table: both runs create the same lots in the same order, under other ids
  const lotRank = new Map(lots.map((l, i) => [Number(l.id), i]));
  const ledger = rowsOf<{ kind: string; occurred_at: unknown; metadata: { lots?: { lotId: number }[] } | null }>(
    await db.execute(sql`select l.contact_id, l.kind, l.points, l.balance_after, l.spend_idr, l.sale_id, l.refund_id, l.reason, l.metadata, l.occurred_at,
      lot.sale_id as lot_sale_id, lot.earned_at as lot_earned_at, lot.points as lot_points
      from retail_loyalty_ledger l left join retail_loyalty_lots lot on lot.id = l.lot_id order by l.id`),
  ).map((e) =>
    e.kind.startsWith("transfer")
      ? // a transfer is dated by its transaction's clock, and names lots by id
        { ...e, occurred_at: null, metadata: { ...e.metadata, lots: e.metadata?.lots?.map((l) => ({ ...l, lotId: lotRank.get(l.lotId) })) } }
      : e,
  );
  // enrolled_at is the enrolling transaction's clock, which differs between two runs by nature
  const members = rowsOf(await db.execute(sql`select contact_id, member_no, balance, last_purchase_at from retail_loyalty_members order by contact_id`));
  const vouchers = rowsOf(await db.execute(sql`select id, contact_id from retail_loyalty_vouchers order by id`));
  return { ledger, lots: lots.map(({ id: _id, ...lot }) => lot), members, vouchers };
}

/** Back to the state before a run: the demo's members, lots and vouchers, no merges, no entries after it. */
async function restorer() {
  const { db } = runtime;
  const [{ ledger, lot }] = rowsOf<{ ledger: string; lot: string }>(
    await db.execute(sql`select coalesce((select max(id) from retail_loyalty_ledger), 0) as ledger, coalesce((select max(id) from retail_loyalty_lots), 0) as lot`),
  );
  await db.execute(sql`create table keep_members as select * from retail_loyalty_members`);
  await db.execute(sql`create table keep_lots as select * from retail_loyalty_lots`);
  await db.execute(sql`create table keep_vouchers as select id, contact_id from retail_loyalty_vouchers`);
  return async () => {
    await db.transaction(async (tx) => {
      // the ledger refuses deletes (a trigger); a test database may go back in time
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update contacts set merged_into_id = null where merged_into_id is not null`);
      await tx.execute(sql`delete from retail_loyalty_ledger where id > ${ledger}`);
      await tx.execute(sql`delete from retail_loyalty_lots where id > ${lot}`);
      await tx.execute(sql`update retail_loyalty_lots l set remaining = k.remaining, contact_id = k.contact_id from keep_lots k where k.id = l.id`);
      await tx.execute(sql`update retail_loyalty_vouchers v set contact_id = k.contact_id from keep_vouchers k where k.id = v.id`);
      await tx.execute(sql`delete from retail_loyalty_members`);
      await tx.execute(sql`insert into retail_loyalty_members select * from keep_members`);
    });
  };
}

describe("loyalty earning in batches", () => {
  it("gives exactly what earning sale by sale gives, on the demo data and a generated year with campaigns, refunds and merges", async () => {
    const demo = (await demoSales(runtime.db, 30)).map((payload): StreamEvent => ({ name: "pos.sale.recorded", payload }));
    expect(demo.length).toBeGreaterThan(100);
    const restore = await restorer();
    const year = await generatedYear(runtime.db);
    const stream = [...demo, ...year];
    expect(stream.filter((e) => e.name === "pos.sale.refunded").length).toBeGreaterThan(15);
    expect(stream.filter((e) => e.name === "core.contact.merged").length).toBe(5);

    await runReference(stream);
    const reference = await snapshot();
    await restore();
    await runBatched(stream);
    const batched = await snapshot();

    // the stream did what it should: earns with tiers and campaigns, reversals, transfers
    const kinds = new Set(reference.ledger.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(["adjust", "earn", "reversal", "transfer_in", "transfer_out"]);
    const earns = reference.ledger.filter((e) => e.kind === "earn") as unknown as { metadata: { tier: { code: string } | null; campaigns: { kind: string }[] } }[];
    expect(earns.length).toBe(stream.filter((e) => e.name === "pos.sale.recorded").length);
    expect(new Set(earns.map((e) => e.metadata.tier?.code))).toEqual(new Set(["silver", "gold", "platinum"]));
    expect(earns.some((e) => e.metadata.campaigns.some((c) => c.kind === "multiplier"))).toBe(true);
    expect(earns.some((e) => e.metadata.campaigns.some((c) => c.kind === "bonus"))).toBe(true);

    expect(batched.members).toEqual(reference.members);
    expect(batched.lots).toEqual(reference.lots);
    expect(batched.vouchers).toEqual(reference.vouchers);
    expect(batched.ledger.length).toBe(reference.ledger.length);
    expect(batched.ledger).toEqual(reference.ledger);
  }, 600_000);
});
