// Earning for a batch of recorded sales in one pass (ADR 023): the same rules and the same ledger,
// lots and balances as earning sale by sale (earnFromSale, kept as the reference the test compares
// against), but with a fixed number of queries per batch instead of a dozen per sale.
//
// What one sale's earn reads, and how the batch gets it:
// - the contact a payload names now (a merged duplicate resolves to the kept record): one query;
// - the programme, its tiers and campaigns: once; the store's time zone: once per store;
// - the member row, locked, and its balance: one query, members enrolled first in one insert;
// - the rolling 12-month spend at the sale's time (tier): one query gives, per sale, what the ledger
//   held before the batch; the spend of the batch's own earlier sales of that member is added here,
//   so each sale sees exactly what it would have seen after the ones before it were written.
// Then lots, ledger entries (balance after each, in sale order) and member rows in three statements.
// Sales of one member keep their order: entries are built and numbered in event order.
import { sql } from "drizzle-orm";
import { localDateOf, rowsOf, type Database } from "../../app/plugin-api/index.ts";
import { branchTimeZone } from "../../app/plugin-api/server.ts";
import { computeEarn } from "./earn-rules.ts";
import { activeProgram, programCampaigns, tierFor } from "./ledger.server.ts";
import type { SaleRecorded } from "./pos-events.ts";
import { retailLoyaltyLedger, retailLoyaltyLots } from "./schema.ts";

/** Rows per multi-row insert: well below PostgreSQL's 65,535 parameters. */
const insertChunk = 1000;

/** Earns the points of recorded sales, in order, in the caller's transaction; returns the points per sale (null: no member). */
export async function earnFromSales(tx: Database, recorded: SaleRecorded[]): Promise<(number | null)[]> {
  const withContact = recorded.filter((s) => s.contactId);
  if (withContact.length === 0) return recorded.map(() => null);
  const program = await activeProgram(tx);
  if (!program) return recorded.map(() => null);
  // a batch's queries are a few index lookups each; PostgreSQL's JIT, triggered by their row
  // estimates, spent a second compiling per batch (no-op on PGlite, which has no JIT)
  await tx.execute(sql`select set_config('jit', 'off', true)`);

  const current = await currentContactIds(tx, [...new Set(withContact.map((s) => s.contactId!))]);
  const sales = withContact.map((s) => ({ ...s, contactId: current.get(s.contactId!) ?? s.contactId! }));
  const contacts = [...new Set(sales.map((s) => s.contactId))].sort();

  // enrol whoever is not a member yet, then lock every member row of the batch in one fixed order
  await tx.execute(sql`
    insert into retail_loyalty_members (contact_id, program_id, member_no)
    select c, ${program.id}::uuid, 'NM' || upper(substr(encode(sha256(convert_to(c::text, 'UTF8')), 'hex'), 1, 10))
    from unnest(${pgUuidArray(contacts)}::uuid[]) as c
    on conflict do nothing`);
  const balances = new Map(
    rowsOf<{ contact_id: string; balance: string }>(
      await tx.execute(sql`select contact_id, balance from retail_loyalty_members where contact_id = any(${pgUuidArray(contacts)}::uuid[]) order by contact_id for update`),
    ).map((m) => [m.contact_id, Number(m.balance)]),
  );

  const spendBefore = await ledgerSpendAt(tx, sales.map((s) => ({ contactId: s.contactId, at: s.occurredAt })));
  const campaigns = await programCampaigns(tx, program.id);
  const zones = new Map<string, Awaited<ReturnType<typeof branchTimeZone>>>();
  for (const branchId of new Set(sales.map((s) => s.branchId))) zones.set(branchId, await branchTimeZone(tx, branchId));

  const earlier = new Map<string, { at: number; spend: number }[]>(); // this batch's sales per member, so far
  const lots: (typeof retailLoyaltyLots.$inferInsert)[] = [];
  const entries: (typeof retailLoyaltyLedger.$inferInsert)[] = [];
  const lastPurchase = new Map<string, Date>();
  const points = new Map<string, number>();
  sales.forEach((sale, i) => {
    const earnedAt = new Date(sale.occurredAt);
    const mine = earlier.get(sale.contactId) ?? [];
    const since = spendBefore[i].since.getTime();
    const spend = spendBefore[i].spend + mine.reduce((sum, e) => (e.at > since && e.at <= earnedAt.getTime() ? sum + e.spend : sum), 0);
    const { tier } = tierFor(program, Math.max(0, spend));
    const localDate = localDateOf(earnedAt, zones.get(sale.branchId)!);
    const breakdown = computeEarn(program, campaigns, { lines: sale.lines, localDate, tier });
    const expiresAt = new Date(earnedAt);
    expiresAt.setUTCMonth(expiresAt.getUTCMonth() + program.expiryMonths);
    const balanceAfter = balances.get(sale.contactId)! + breakdown.points;
    balances.set(sale.contactId, balanceAfter);
    lots.push({ contactId: sale.contactId, points: breakdown.points, remaining: breakdown.points, valueIdr: breakdown.points * program.pointValueIdr, saleId: sale.saleId, earnedAt, expiresAt });
    entries.push({ contactId: sale.contactId, kind: "earn", points: breakdown.points, balanceAfter, spendIdr: sale.total, saleId: sale.saleId, occurredAt: earnedAt, reason: sale.receiptNumber, metadata: { ...breakdown } });
    mine.push({ at: earnedAt.getTime(), spend: sale.total });
    earlier.set(sale.contactId, mine);
    const last = lastPurchase.get(sale.contactId);
    if (!last || last < earnedAt) lastPurchase.set(sale.contactId, earnedAt);
    points.set(sale.saleId, breakdown.points);
  });

  const lotIds = new Map<string, number>();
  for (let i = 0; i < lots.length; i += insertChunk) {
    const inserted = await tx.insert(retailLoyaltyLots).values(lots.slice(i, i + insertChunk)).returning({ id: retailLoyaltyLots.id, saleId: retailLoyaltyLots.saleId });
    for (const lot of inserted) lotIds.set(lot.saleId!, lot.id);
  }
  for (let i = 0; i < entries.length; i += insertChunk) {
    await tx.insert(retailLoyaltyLedger).values(entries.slice(i, i + insertChunk).map((e) => ({ ...e, lotId: lotIds.get(e.saleId!)! })));
  }
  const members = [...balances.keys()].filter((c) => lastPurchase.has(c));
  await tx.execute(sql`
    update retail_loyalty_members m set balance = u.balance, last_purchase_at = greatest(m.last_purchase_at, u.last_purchase_at)
    from unnest(${pgUuidArray(members)}::uuid[], ${`{${members.map((c) => balances.get(c)).join(",")}}`}::bigint[], ${`{${members.map((c) => `"${lastPurchase.get(c)!.toISOString()}"`).join(",")}}`}::timestamptz[])
      as u(contact_id, balance, last_purchase_at)
    where m.contact_id = u.contact_id`);
  return recorded.map((s) => (s.contactId ? (points.get(s.saleId) ?? null) : null));
}

/** The contact each id stands for now (a merged duplicate: the kept record). */
async function currentContactIds(tx: Database, ids: string[]) {
  const rows = rowsOf<{ id: string; current: string }>(
    await tx.execute(sql`select id, coalesce(merged_into_id, id) as current from contacts where id = any(${pgUuidArray(ids)}::uuid[])`),
  );
  return new Map(rows.map((r) => [r.id, r.current]));
}

/**
 * Per sale, the rolling 12-month spend in the ledger at its time (as spend12m counts it: the member
 * and, through transfer_in entries, the duplicates merged into it) and where that window starts.
 */
async function ledgerSpendAt(tx: Database, sales: { contactId: string; at: string }[]) {
  const rows = rowsOf<{ i: number; since: string | Date; spend: string | null }>(
    await tx.execute(sql`
      with recursive input as (
        select * from unnest(${`{${sales.map((_, i) => i).join(",")}}`}::int[], ${pgUuidArray(sales.map((s) => s.contactId))}::uuid[], ${`{${sales.map((s) => `"${s.at}"`).join(",")}}`}::timestamptz[]) as t(i, contact_id, at)
      ),
      sources(root, id) as (
        select distinct contact_id, contact_id from input
        union
        select s.root, (l.metadata->>'fromContactId')::uuid from retail_loyalty_ledger l join sources s on l.contact_id = s.id where l.kind = 'transfer_in'
      ),
      by_root as (select root, array_agg(id) as ids from sources group by root)
      -- contact ids as an array beside each sale, so that the sum is an index range per member
      -- (contact_id, occurred_at); joined as a set, the planner summed the whole year's ledger per sale
      select i.i, i.at - interval '12 months' as since,
        (select sum(l.spend_idr) from retail_loyalty_ledger l
          where l.contact_id = any(r.ids) and l.occurred_at > i.at - interval '12 months' and l.occurred_at <= i.at) as spend
      from input i join by_root r on r.root = i.contact_id`),
  );
  const out: { since: Date; spend: number }[] = new Array(sales.length);
  for (const r of rows) out[Number(r.i)] = { since: new Date(r.since), spend: Number(r.spend ?? 0) };
  return out;
}

/** A uuid[] literal; the values are uuids the database gave us (checked by the events' schemas). */
function pgUuidArray(ids: string[]) {
  return `{${ids.join(",")}}`;
}
