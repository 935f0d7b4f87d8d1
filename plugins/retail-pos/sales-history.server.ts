// Reading sales: a shopper's own receipts, a contact's purchase summary and timeline, the staff
// sales report and a supplier's sell-through. Every scope is in the query; aggregates run in SQL.
import { sql } from "drizzle-orm";
import { dayInstants, rowsOf, startOfLocalDay, z, type Actor, type Database, type DateRange } from "../../app/plugin-api/index.ts";
import { cursorPart, decodeCursor, encodeCursor, inBranchesSql } from "../../app/plugin-api/server.ts";

type CustomerActor = Extract<Actor, { kind: "customer" }>;
type PartnerActor = Extract<Actor, { kind: "partner" }>;
export const receiptPageSize = 10;

export interface Receipt {
  id: string;
  kind: "sale" | "refund";
  receiptNo: string;
  occurredAt: string;
  total: number;
  store: string;
  timeZone: string;
  lines: { name: string; quantity: number; unitPrice: number; discount: number; amount: number }[];
}

/** The signed-in shopper's receipts, newest first (keyset on occurred_at, id). */
export async function listOwnReceipts(db: Database, actor: CustomerActor, input: { before?: string | null } = {}) {
  const key = decodeCursor(input.before, z.tuple([cursorPart.instant(), cursorPart.id()]));
  const cursor = key ? { at: key[0], id: key[1] } : null;
  const sales = rowsOf<{ id: string; kind: "sale" | "refund"; receipt_no: string; occurred_at: string | Date; total_idr: string; store: string; time_zone: string }>(
    await db.execute(sql`
      select s.id, s.kind, s.receipt_no, s.occurred_at, s.total_idr, b.name as store, b.time_zone
      from retail_pos_sales s join branches b on b.id = s.branch_id
      where s.contact_id = ${actor.contactId}
        and (${cursor?.at ?? null}::timestamptz is null or (s.occurred_at, s.id) < (${cursor?.at ?? null}::timestamptz, ${cursor?.id ?? null}::uuid))
      order by s.occurred_at desc, s.id desc limit ${receiptPageSize + 1}`),
  );
  const page = sales.slice(0, receiptPageSize);
  const ids = page.map((s) => s.id);
  const lines = ids.length
    ? rowsOf<{ sale_id: string; name: string; quantity: number; unit_price_idr: string; discount_idr: string; amount_idr: string }>(
        await db.execute(sql`select sale_id, name, quantity, unit_price_idr, discount_idr, amount_idr from retail_pos_sale_lines
          where sale_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) order by sale_id, line_no`),
      )
    : [];
  const receipts: Receipt[] = page.map((s) => ({
    id: s.id,
    kind: s.kind,
    receiptNo: s.receipt_no,
    occurredAt: new Date(s.occurred_at).toISOString(),
    total: Number(s.total_idr),
    store: s.store,
    timeZone: s.time_zone,
    lines: lines
      .filter((l) => l.sale_id === s.id)
      .map((l) => ({ name: l.name, quantity: Number(l.quantity), unitPrice: Number(l.unit_price_idr), discount: Number(l.discount_idr), amount: Number(l.amount_idr) })),
  }));
  const last = page.at(-1);
  return { receipts, next: sales.length > receiptPageSize && last ? encodeCursor([new Date(last.occurred_at).toISOString(), last.id]) : null };
}

/** Spend and visits of one contact, for the 360 panel. */
export async function purchaseSummary(db: Database, contactId: string) {
  const [row] = rowsOf<{ sales: number; spend_12m: string | null; spend_all: string | null; last_at: string | Date | null; last_store: string | null }>(
    await db.execute(sql`
      select count(*) filter (where s.kind = 'sale')::int as sales,
             sum(case when s.kind = 'sale' then s.total_idr else -s.total_idr end) filter (where s.occurred_at > now() - interval '12 months') as spend_12m,
             sum(case when s.kind = 'sale' then s.total_idr else -s.total_idr end) as spend_all,
             max(s.occurred_at) as last_at,
             (select b.name from retail_pos_sales x join branches b on b.id = x.branch_id where x.contact_id = ${contactId} order by x.occurred_at desc limit 1) as last_store
      from retail_pos_sales s where s.contact_id = ${contactId}`),
  );
  return {
    sales: Number(row?.sales ?? 0),
    spend12m: Number(row?.spend_12m ?? 0),
    spendAll: Number(row?.spend_all ?? 0),
    lastAt: row?.last_at ? new Date(row.last_at) : null,
    lastStore: row?.last_store ?? null,
  };
}

/** Sales and refunds of a contact before a moment, for the timeline. */
export async function contactSales(db: Database, contactId: string, range: { before: Date; limit: number }) {
  return rowsOf<{ id: string; kind: "sale" | "refund"; receipt_no: string; occurred_at: string | Date; total_idr: string; store: string; items: number }>(
    await db.execute(sql`
      select s.id, s.kind, s.receipt_no, s.occurred_at, s.total_idr, b.name as store,
             (select coalesce(sum(quantity), 0)::int from retail_pos_sale_lines l where l.sale_id = s.id) as items
      from retail_pos_sales s join branches b on b.id = s.branch_id
      where s.contact_id = ${contactId} and s.occurred_at < ${range.before.toISOString()}::timestamptz
      order by s.occurred_at desc limit ${range.limit}`),
  ).map((r) => ({ ...r, occurredAt: new Date(r.occurred_at), total: Number(r.total_idr), items: Number(r.items) }));
}

export const reportGroupings = ["store", "product", "category", "day"] as const;
export type ReportGrouping = (typeof reportGroupings)[number];

/**
 * Net sales over whole local days `from`..`to` (each sale counted on its own store's calendar day),
 * grouped by store, product, category or day. Revenue from sale lines; refunds are subtracted at
 * receipt level for store and day.
 */
export async function salesReport(db: Database, input: DateRange & { groupBy: ReportGrouping; branchId?: string | null; branchIds?: string[] | null }) {
  // the instants that can hold any store's days: from WIT's first midnight to WIB's last
  const earliest = startOfLocalDay(input.from, "Asia/Jayapura").toISOString();
  const latest = dayInstants(input.to, "Asia/Jakarta").end.toISOString();
  const branch = input.branchId ?? null;
  // branchIds: the branches the viewer may see (null = every branch); a branch-limited manager's numbers stay theirs
  const scope = sql`s.occurred_at >= ${earliest}::timestamptz and s.occurred_at < ${latest}::timestamptz
    and (s.occurred_at at time zone b.time_zone)::date between ${input.from}::date and ${input.to}::date
    and (${branch}::uuid is null or s.branch_id = ${branch}::uuid)
    and ${inBranchesSql(sql`s.branch_id`, { branchIds: input.branchIds ?? null })}`;
  let query;
  if (input.groupBy === "store" || input.groupBy === "day") {
    const key = input.groupBy === "store" ? sql`b.name` : sql`to_char(s.occurred_at at time zone b.time_zone, 'YYYY-MM-DD')`;
    query = sql`
      select ${key} as key,
             count(*) filter (where s.kind = 'sale')::int as receipts,
             coalesce(sum(s.total_idr) filter (where s.kind = 'sale'), 0) as gross,
             coalesce(sum(s.total_idr) filter (where s.kind = 'refund'), 0) as refunds,
             count(distinct s.contact_id)::int as shoppers
      from retail_pos_sales s join branches b on b.id = s.branch_id
      where ${scope}
      group by 1 order by 1 ${input.groupBy === "day" ? sql`desc` : sql``} limit 400`;
  } else {
    const key = input.groupBy === "product" ? sql`l.sku || ' · ' || l.name` : sql`l.category`;
    query = sql`
      select ${key} as key, count(distinct s.id)::int as receipts, coalesce(sum(l.amount_idr), 0) as gross, 0 as refunds,
             coalesce(sum(l.quantity), 0)::int as units, count(distinct s.contact_id)::int as shoppers
      from retail_pos_sale_lines l join retail_pos_sales s on s.id = l.sale_id join branches b on b.id = s.branch_id
      where ${scope} and s.kind = 'sale'
      group by 1 order by gross desc limit 400`;
  }
  return rowsOf<{ key: string; receipts: number; gross: string; refunds: string; shoppers: number; units?: number }>(await db.execute(query)).map((r) => ({
    key: r.key,
    receipts: Number(r.receipts),
    gross: Number(r.gross),
    refunds: Number(r.refunds),
    net: Number(r.gross) - Number(r.refunds),
    shoppers: Number(r.shoppers),
    units: r.units === undefined ? null : Number(r.units),
  }));
}

/** Units and revenue of the signed-in supplier's own products, per product, in a period. */
export async function supplierSellThrough(db: Database, actor: PartnerActor, input: { from: Date; to: Date }) {
  return rowsOf<{ sku: string; name: string; category: string; units: number; revenue: string; stores: number }>(
    await db.execute(sql`
      select p.sku, p.name, p.category, coalesce(sum(l.quantity) filter (where s.id is not null), 0)::int as units,
             coalesce(sum(l.amount_idr) filter (where s.id is not null), 0) as revenue, count(distinct s.branch_id)::int as stores
      from retail_pos_products p
      left join retail_pos_sale_lines l on l.product_id = p.id
      left join retail_pos_sales s on s.id = l.sale_id and s.kind = 'sale'
        and s.occurred_at >= ${input.from.toISOString()}::timestamptz and s.occurred_at < ${input.to.toISOString()}::timestamptz
      where p.supplier_org_id = ${actor.partnerOrgId}
      group by p.sku, p.name, p.category
      order by revenue desc, p.sku`),
  ).map((r) => ({ ...r, units: Number(r.units), revenue: Number(r.revenue), stores: Number(r.stores) }));
}

/** Moves a merged duplicate's sales to the kept contact (handler of core.contact.merged). */
export async function moveSalesToContact(db: Database, fromContactId: string, toContactId: string) {
  await db.execute(sql`update retail_pos_sales set contact_id = ${toContactId} where contact_id = ${fromContactId}`);
}
