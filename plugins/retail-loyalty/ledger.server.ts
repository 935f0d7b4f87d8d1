// The points ledger. Every change locks the member row, appends one entry with the balance after
// it, and moves FIFO lots; the database refuses a negative balance (CHECK on members and entries)
// and a second earn for one sale or a second reversal for one refund (partial unique indexes).
import crypto from "node:crypto";
import { and, asc, desc, eq, gt, gte, lte, sql } from "drizzle-orm";
import { localDateOf, rowsOf, type Actor, type Database } from "../../app/plugin-api/index.ts";
import { audit, branchTimeZone } from "../../app/plugin-api/server.ts";
import { computeEarn, type EarnCampaign } from "./earn-rules.ts";
import type { SaleRecorded, SaleRefunded } from "./pos-events.ts";
import {
  retailLoyaltyCampaigns,
  retailLoyaltyLedger,
  retailLoyaltyLots,
  retailLoyaltyMembers,
  retailLoyaltyPrograms,
  retailLoyaltyRewards,
  retailLoyaltyTiers,
  retailLoyaltyVouchers,
} from "./schema.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
type CustomerActor = Extract<Actor, { kind: "customer" }>;
type Entry = Omit<typeof retailLoyaltyLedger.$inferInsert, "contactId" | "balanceAfter">;

export class LoyaltyError extends Error {
  constructor(readonly code: "notMember" | "insufficientPoints" | "noProgram" | "rewardUnavailable" | "voucherNotFound" | "voucherUsed" | "voucherExpired" | "notFound") {
    super(code);
  }
}

export async function activeProgram(db: Database) {
  const [program] = await db.select().from(retailLoyaltyPrograms).where(eq(retailLoyaltyPrograms.active, true)).orderBy(asc(retailLoyaltyPrograms.createdAt)).limit(1);
  if (!program) return null;
  const tiers = await db.select().from(retailLoyaltyTiers).where(eq(retailLoyaltyTiers.programId, program.id)).orderBy(asc(retailLoyaltyTiers.minSpendIdr));
  return { ...program, tiers };
}
export type Program = NonNullable<Awaited<ReturnType<typeof activeProgram>>>;

/**
 * Rolling 12-month spend counted by the ledger (sales minus refunds), including the spend of
 * duplicates merged into this contact (found through their transfer_in entries, recursively).
 */
export async function spend12m(db: Database, contactId: string, at = new Date()) {
  const [row] = rowsOf<{ spend: string | null }>(
    await db.execute(sql`
      with recursive sources(id) as (
        select ${contactId}::uuid
        union
        select (l.metadata->>'fromContactId')::uuid from retail_loyalty_ledger l join sources s on l.contact_id = s.id where l.kind = 'transfer_in')
      select sum(spend_idr) as spend from retail_loyalty_ledger where contact_id in (select id from sources)
      and occurred_at > ${at.toISOString()}::timestamptz - interval '12 months' and occurred_at <= ${at.toISOString()}::timestamptz`),
  );
  return Math.max(0, Number(row?.spend ?? 0));
}

export function tierFor(program: Program, spend: number) {
  let tier = program.tiers[0] ?? null;
  for (const t of program.tiers) if (spend >= t.minSpendIdr) tier = t;
  const next = program.tiers.find((t) => t.minSpendIdr > spend) ?? null;
  return { tier, next };
}

/** Enrols a contact (idempotent); returns the member number. */
export async function enrol(db: Database, actor: StaffActor | { kind: "system" }, contactId: string) {
  const program = await activeProgram(db);
  if (!program) throw new LoyaltyError("noProgram");
  const memberNo = `NM${crypto.createHash("sha256").update(contactId).digest("hex").slice(0, 10).toUpperCase()}`;
  const inserted = await db
    .insert(retailLoyaltyMembers)
    .values({ contactId, programId: program.id, memberNo, enrolledBy: actor.kind === "staff" ? actor.userId : null })
    .onConflictDoNothing()
    .returning({ memberNo: retailLoyaltyMembers.memberNo });
  if (inserted.length && actor.kind === "staff") await audit(db, actor, { action: "retail-loyalty.member.enrolled", entityType: "contact", entityId: contactId });
  return { memberNo, created: inserted.length > 0 };
}

/** Locks the member row for this transaction. */
async function lockMember(tx: Database, contactId: string) {
  const [member] = rowsOf<{ balance: string }>(await tx.execute(sql`select balance from retail_loyalty_members where contact_id = ${contactId} for update`));
  if (!member) throw new LoyaltyError("notMember");
  return { balance: Number(member.balance) };
}

async function append(tx: Database, contactId: string, balance: number, entry: Entry) {
  const balanceAfter = balance + Number(entry.points);
  await tx.update(retailLoyaltyMembers).set({ balance: balanceAfter }).where(eq(retailLoyaltyMembers.contactId, contactId));
  const [row] = await tx.insert(retailLoyaltyLedger).values({ ...entry, contactId, balanceAfter }).returning({ id: retailLoyaltyLedger.id });
  return { id: row.id, balanceAfter };
}

/** Takes points from the oldest unexpired lots first; returns how many it could take. */
async function consumeFifo(tx: Database, contactId: string, points: number, skipLot?: number) {
  let left = points;
  const lots = rowsOf<{ id: string; remaining: string }>(
    await tx.execute(sql`select id, remaining from retail_loyalty_lots where contact_id = ${contactId} and remaining > 0
      and (${skipLot ?? null}::bigint is null or id <> ${skipLot ?? null}::bigint) order by expires_at, id for update`),
  );
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, Number(lot.remaining));
    await tx.update(retailLoyaltyLots).set({ remaining: sql`${retailLoyaltyLots.remaining} - ${take}` }).where(eq(retailLoyaltyLots.id, Number(lot.id)));
    left -= take;
  }
  return points - left;
}

/** The campaigns of a programme that are switched on and include this store-local date (in a fixed order: it is the order of bonuses in an earn's breakdown). */
export async function campaignsOn(db: Database, programId: string, localDate: string): Promise<EarnCampaign[]> {
  return db
    .select()
    .from(retailLoyaltyCampaigns)
    .where(and(eq(retailLoyaltyCampaigns.programId, programId), eq(retailLoyaltyCampaigns.active, true), lte(retailLoyaltyCampaigns.startsOn, localDate), gte(retailLoyaltyCampaigns.endsOn, localDate)))
    .orderBy(asc(retailLoyaltyCampaigns.createdAt), asc(retailLoyaltyCampaigns.id));
}

/** Every switched-on campaign of a programme, in campaignsOn's order (the earn rules pick those running on a sale's date). */
export async function programCampaigns(db: Database, programId: string): Promise<EarnCampaign[]> {
  return db
    .select()
    .from(retailLoyaltyCampaigns)
    .where(and(eq(retailLoyaltyCampaigns.programId, programId), eq(retailLoyaltyCampaigns.active, true)))
    .orderBy(asc(retailLoyaltyCampaigns.createdAt), asc(retailLoyaltyCampaigns.id));
}

/** The contact a payload's contact id stands for now: a merged duplicate resolves to the kept record. */
async function currentContactId(db: Database, contactId: string) {
  const [row] = rowsOf<{ id: string }>(await db.execute(sql`select coalesce(merged_into_id, id) as id from contacts where id = ${contactId}`));
  return row?.id ?? contactId;
}

/**
 * Earns the points of one recorded sale. The handler earns a batch at once (earnFromSales in
 * batch-earn.server.ts); this sale-by-sale path is the reference its test compares against.
 */
export async function earnFromSale(tx: Database, recorded: SaleRecorded) {
  if (!recorded.contactId) return null;
  const sale = { ...recorded, contactId: await currentContactId(tx, recorded.contactId) };
  const program = await activeProgram(tx);
  if (!program) return null;
  await enrol(tx, { kind: "system" }, sale.contactId);
  const { balance } = await lockMember(tx, sale.contactId);
  const { tier } = tierFor(program, await spend12m(tx, sale.contactId, new Date(sale.occurredAt)));
  const localDate = localDateOf(new Date(sale.occurredAt), await branchTimeZone(tx, sale.branchId));
  const breakdown = computeEarn(program, await campaignsOn(tx, program.id, localDate), { lines: sale.lines, localDate, tier });
  const points = breakdown.points;
  const earnedAt = new Date(sale.occurredAt);
  const expiresAt = new Date(earnedAt);
  expiresAt.setUTCMonth(expiresAt.getUTCMonth() + program.expiryMonths);
  const [lot] = await tx
    .insert(retailLoyaltyLots)
    .values({ contactId: sale.contactId, points, remaining: points, valueIdr: points * program.pointValueIdr, saleId: sale.saleId, earnedAt, expiresAt })
    .returning({ id: retailLoyaltyLots.id });
  await append(tx, sale.contactId, balance, { kind: "earn", points, spendIdr: sale.total, saleId: sale.saleId, lotId: lot.id, occurredAt: earnedAt, reason: sale.receiptNumber, metadata: { ...breakdown } });
  await tx
    .update(retailLoyaltyMembers)
    .set({ lastPurchaseAt: sql`greatest(${retailLoyaltyMembers.lastPurchaseAt}, ${earnedAt.toISOString()}::timestamptz)` })
    .where(eq(retailLoyaltyMembers.contactId, sale.contactId));
  return points;
}

/**
 * Reverses the points of exactly the refunded sale, in proportion to the refunded amount: first from
 * that sale's lot, then (points already spent) from other lots, never below zero.
 */
export async function reverseRefund(tx: Database, refunded: SaleRefunded) {
  if (!refunded.contactId) return null;
  const refund = { ...refunded, contactId: await currentContactId(tx, refunded.contactId) };
  const [earn] = await tx
    .select({ points: retailLoyaltyLedger.points, lotId: retailLoyaltyLedger.lotId })
    .from(retailLoyaltyLedger)
    .where(and(eq(retailLoyaltyLedger.kind, "earn"), eq(retailLoyaltyLedger.saleId, refund.saleId)));
  const [member] = await tx.select({ contactId: retailLoyaltyMembers.contactId }).from(retailLoyaltyMembers).where(eq(retailLoyaltyMembers.contactId, refund.contactId));
  if (!member) return null;
  const { balance } = await lockMember(tx, refund.contactId);
  const [already] = rowsOf<{ reversed: string | null }>(
    await tx.execute(sql`select -sum(points) as reversed from retail_loyalty_ledger where kind = 'reversal' and sale_id = ${refund.saleId}`),
  );
  const earned = earn ? Number(earn.points) : 0;
  const target = refund.refundTotal >= refund.saleTotal ? earned : Math.floor((earned * refund.refundTotal) / Math.max(1, refund.saleTotal));
  const due = Math.max(0, Math.min(target, earned - Number(already?.reversed ?? 0)));
  let taken = 0;
  if (due > 0 && earn?.lotId) {
    const [lot] = rowsOf<{ remaining: string }>(await tx.execute(sql`select remaining from retail_loyalty_lots where id = ${earn.lotId} for update`));
    const fromLot = Math.min(due, Number(lot?.remaining ?? 0));
    if (fromLot > 0) await tx.update(retailLoyaltyLots).set({ remaining: sql`${retailLoyaltyLots.remaining} - ${fromLot}` }).where(eq(retailLoyaltyLots.id, earn.lotId));
    taken = fromLot + (due > fromLot ? await consumeFifo(tx, refund.contactId, due - fromLot, earn.lotId) : 0);
  }
  const unrecovered = due - taken;
  await append(tx, refund.contactId, balance, {
    kind: "reversal",
    points: -taken,
    spendIdr: -refund.refundTotal,
    saleId: refund.saleId,
    refundId: refund.refundId,
    occurredAt: new Date(refund.occurredAt),
    reason: unrecovered > 0 ? `${refund.receiptNumber} · unrecovered ${unrecovered}` : refund.receiptNumber,
  });
  return taken;
}

/** Staff adds or removes points, with a reason; removal takes oldest lots first. */
export async function adjustPoints(db: Database, actor: StaffActor, input: { contactId: string; points: number; reason: string }) {
  const program = await activeProgram(db);
  if (!program) throw new LoyaltyError("noProgram");
  return db.transaction(async (tx) => {
    const { balance } = await lockMember(tx, input.contactId);
    if (input.points < 0 && balance + input.points < 0) throw new LoyaltyError("insufficientPoints");
    let lotId: number | null = null;
    if (input.points > 0) {
      const expiresAt = new Date();
      expiresAt.setUTCMonth(expiresAt.getUTCMonth() + program.expiryMonths);
      [{ id: lotId }] = await tx
        .insert(retailLoyaltyLots)
        .values({ contactId: input.contactId, points: input.points, remaining: input.points, valueIdr: input.points * program.pointValueIdr, earnedAt: new Date(), expiresAt })
        .returning({ id: retailLoyaltyLots.id });
    } else {
      await consumeFifo(tx, input.contactId, -input.points);
    }
    const entry = await append(tx, input.contactId, balance, { kind: "adjust", points: input.points, staffUserId: actor.userId, reason: input.reason, lotId });
    await audit(tx, actor, { action: "retail-loyalty.points.adjusted", entityType: "contact", entityId: input.contactId, data: { points: input.points, reason: input.reason } });
    return entry;
  });
}

const voucherAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
function voucherCode() {
  const bytes = crypto.randomBytes(10);
  return `NV-${Array.from(bytes, (b) => voucherAlphabet[b % voucherAlphabet.length]).join("")}`;
}

/** The shopper spends points on a reward and receives a voucher code. */
export async function redeemReward(db: Database, actor: CustomerActor, rewardId: string) {
  const [reward] = await db.select().from(retailLoyaltyRewards).where(and(eq(retailLoyaltyRewards.id, rewardId), eq(retailLoyaltyRewards.active, true)));
  if (!reward) throw new LoyaltyError("rewardUnavailable");
  return db.transaction(async (tx) => {
    const { balance } = await lockMember(tx, actor.contactId);
    if (balance < reward.pointsCost) throw new LoyaltyError("insufficientPoints");
    await consumeFifo(tx, actor.contactId, reward.pointsCost);
    const [voucher] = await tx
      .insert(retailLoyaltyVouchers)
      .values({ code: voucherCode(), contactId: actor.contactId, rewardId: reward.id, pointsCost: reward.pointsCost, valueIdr: reward.valueIdr, expiresAt: new Date(Date.now() + reward.validDays * 86_400_000) })
      .returning({ id: retailLoyaltyVouchers.id, code: retailLoyaltyVouchers.code });
    await append(tx, actor.contactId, balance, { kind: "redeem", points: -reward.pointsCost, voucherId: voucher.id, reason: reward.code });
    return voucher;
  });
}

/** A voucher as the cashier sees it before accepting it. */
export async function checkVoucher(db: Database, code: string) {
  const [v] = rowsOf<{ id: string; status: string; expires_at: string | Date; value_idr: string; full_name: string; name: { id: string; en: string } }>(
    await db.execute(sql`select v.id, v.status, v.expires_at, v.value_idr, c.full_name, r.name from retail_loyalty_vouchers v
      join contacts c on c.id = v.contact_id join retail_loyalty_rewards r on r.id = v.reward_id where v.code = ${code.trim().toUpperCase()}`),
  );
  if (!v) return { ok: false as const, error: "voucherNotFound" as const };
  const base = { code: code.trim().toUpperCase(), valueIdr: Number(v.value_idr), holder: v.full_name, reward: v.name, expiresAt: new Date(v.expires_at).toISOString() };
  if (v.status !== "issued") return { ok: false as const, error: "voucherUsed" as const, voucher: base };
  if (new Date(v.expires_at) <= new Date()) return { ok: false as const, error: "voucherExpired" as const, voucher: base };
  return { ok: true as const, voucher: base };
}

/** Marks a voucher used, once: a second burn of the same code is refused. */
export async function burnVoucher(db: Database, actor: StaffActor | { kind: "system" }, input: { code: string; receiptNo?: string | null }) {
  const code = input.code.trim().toUpperCase();
  const used = await db
    .update(retailLoyaltyVouchers)
    .set({ status: "used", usedAt: new Date(), usedBy: actor.kind === "staff" ? actor.userId : null, usedReceiptNo: input.receiptNo ?? null })
    .where(and(eq(retailLoyaltyVouchers.code, code), eq(retailLoyaltyVouchers.status, "issued"), gt(retailLoyaltyVouchers.expiresAt, new Date())))
    .returning({ id: retailLoyaltyVouchers.id });
  if (used.length === 0) {
    const check = await checkVoucher(db, code);
    return { ok: false as const, error: check.ok ? ("voucherUsed" as const) : check.error };
  }
  return { ok: true as const };
}

/** Expires what is left of lots past their date (the daily job). */
export async function expireDuePoints(db: Database, now = new Date()) {
  const due = await db
    .select({ id: retailLoyaltyLots.id, contactId: retailLoyaltyLots.contactId })
    .from(retailLoyaltyLots)
    .where(and(lte(retailLoyaltyLots.expiresAt, now), gt(retailLoyaltyLots.remaining, 0)))
    .orderBy(asc(retailLoyaltyLots.id))
    .limit(5000);
  let expired = 0;
  for (const lot of due) {
    await db.transaction(async (tx) => {
      const { balance } = await lockMember(tx, lot.contactId);
      const [row] = rowsOf<{ remaining: string }>(await tx.execute(sql`select remaining from retail_loyalty_lots where id = ${lot.id} for update`));
      const points = Number(row?.remaining ?? 0);
      if (points > 0) {
        await tx.update(retailLoyaltyLots).set({ remaining: 0 }).where(eq(retailLoyaltyLots.id, lot.id));
        await append(tx, lot.contactId, balance, { kind: "expire", points: -Math.min(points, balance), lotId: lot.id, occurredAt: now });
        expired += points;
      }
    });
  }
  return expired;
}

/** What a member sees: balance, tier and progress, points expiring soon, history, vouchers. */
export async function memberOverview(db: Database, contactId: string) {
  const program = await activeProgram(db);
  const [member] = await db.select().from(retailLoyaltyMembers).where(eq(retailLoyaltyMembers.contactId, contactId));
  if (!program || !member) return null;
  const spend = await spend12m(db, contactId);
  const { tier, next } = tierFor(program, spend);
  const [expiring] = rowsOf<{ points: string | null; first: string | Date | null }>(
    await db.execute(sql`select sum(remaining) as points, min(expires_at) as first from retail_loyalty_lots
      where contact_id = ${contactId} and remaining > 0 and expires_at <= now() + interval '60 days'`),
  );
  const history = await db
    .select({ id: retailLoyaltyLedger.id, kind: retailLoyaltyLedger.kind, points: retailLoyaltyLedger.points, balanceAfter: retailLoyaltyLedger.balanceAfter, reason: retailLoyaltyLedger.reason, occurredAt: retailLoyaltyLedger.occurredAt })
    .from(retailLoyaltyLedger)
    .where(eq(retailLoyaltyLedger.contactId, contactId))
    .orderBy(desc(retailLoyaltyLedger.id))
    .limit(20);
  const vouchers = await db
    .select({ code: retailLoyaltyVouchers.code, status: retailLoyaltyVouchers.status, valueIdr: retailLoyaltyVouchers.valueIdr, expiresAt: retailLoyaltyVouchers.expiresAt, name: retailLoyaltyRewards.name })
    .from(retailLoyaltyVouchers)
    .innerJoin(retailLoyaltyRewards, eq(retailLoyaltyRewards.id, retailLoyaltyVouchers.rewardId))
    .where(eq(retailLoyaltyVouchers.contactId, contactId))
    .orderBy(desc(retailLoyaltyVouchers.issuedAt))
    .limit(20);
  return {
    memberNo: member.memberNo,
    balance: member.balance,
    pointValueIdr: program.pointValueIdr,
    spend12m: spend,
    tier: tier ? { code: tier.code, name: tier.name, benefits: tier.benefits } : null,
    next: next ? { name: next.name, minSpendIdr: next.minSpendIdr, missing: next.minSpendIdr - spend, progressPct: Math.min(100, Math.floor((spend * 100) / next.minSpendIdr)) } : null,
    expiring: { points: Number(expiring?.points ?? 0), first: expiring?.first ? new Date(expiring.first).toISOString() : null },
    history: history.map((h) => ({ ...h, occurredAt: h.occurredAt.toISOString() })),
    vouchers: vouchers.map((v) => ({ ...v, expiresAt: v.expiresAt.toISOString() })),
    lastPurchaseAt: member.lastPurchaseAt?.toISOString() ?? null,
  };
}

export async function listRewards(db: Database) {
  return db.select().from(retailLoyaltyRewards).where(eq(retailLoyaltyRewards.active, true)).orderBy(asc(retailLoyaltyRewards.pointsCost));
}

/** Active members (bought in 12 months), points liability in Rupiah, redemption rate (points redeemed per point issued, 12 months). */
export async function programKpis(db: Database) {
  const [row] = rowsOf<{ members: number; active: number; balance: string | null; earned: string | null; redeemed: string | null; value: string | null }>(
    await db.execute(sql`
      select (select count(*)::int from retail_loyalty_members) as members,
             (select count(*)::int from retail_loyalty_members where last_purchase_at > now() - interval '12 months') as active,
             (select sum(balance) from retail_loyalty_members) as balance,
             -- points issued: earned, and granted by staff (opening balances carried over, goodwill); transfers only move points
             (select sum(points) from retail_loyalty_ledger where (kind = 'earn' or (kind = 'adjust' and points > 0)) and occurred_at > now() - interval '12 months') as earned,
             (select -sum(points) from retail_loyalty_ledger where kind = 'redeem' and occurred_at > now() - interval '12 months') as redeemed,
             (select point_value_idr from retail_loyalty_programs where active order by created_at limit 1) as value`),
  );
  const earned = Number(row?.earned ?? 0);
  const redeemed = Number(row?.redeemed ?? 0);
  return {
    members: Number(row?.members ?? 0),
    activeMembers: Number(row?.active ?? 0),
    pointsOutstanding: Number(row?.balance ?? 0),
    liabilityIdr: Number(row?.balance ?? 0) * Number(row?.value ?? 0),
    redemptionRatePct: earned > 0 ? Math.round((redeemed * 1000) / earned) / 10 : 0,
  };
}
