// Moving a membership when core merges a duplicate contact (handler of core.contact.merged).
// The ledger is append-only, so nothing is rewritten: the duplicate gets a transfer_out entry that
// takes its balance to zero, the kept contact a transfer_in entry for the same points. The lots
// (points with their earn and expiry dates) and the vouchers are re-pointed as they are, so FIFO
// order, expiry and refunds of the duplicate's sales keep working. The tier is derived from the
// rolling spend, which follows transfer_in entries back to the duplicate's sales (spend12m).
import { eq, sql } from "drizzle-orm";
import { rowsOf, type Database } from "../../app/plugin-api/index.ts";
import { retailLoyaltyLedger, retailLoyaltyLots, retailLoyaltyMembers, retailLoyaltyVouchers } from "./schema.ts";

export interface MembershipMove {
  /** "repointed": only the duplicate was a member; "folded": both were; "none": the duplicate was not. */
  outcome: "repointed" | "folded" | "none";
  points: number;
  lots: number;
  vouchers: number;
}

export async function moveMembership(tx: Database, mergedContactId: string, keptContactId: string): Promise<MembershipMove> {
  if (mergedContactId === keptContactId) return { outcome: "none", points: 0, lots: 0, vouchers: 0 };
  // both member rows locked in one fixed order, like every other balance change
  const members = rowsOf<{ contact_id: string; balance: string; member_no: string }>(
    await tx.execute(sql`select contact_id, balance, member_no from retail_loyalty_members
      where contact_id in (${mergedContactId}::uuid, ${keptContactId}::uuid) order by contact_id for update`),
  );
  const merged = members.find((m) => m.contact_id === mergedContactId);
  const kept = members.find((m) => m.contact_id === keptContactId);

  const lots = await tx
    .update(retailLoyaltyLots)
    .set({ contactId: keptContactId })
    .where(eq(retailLoyaltyLots.contactId, mergedContactId))
    .returning({ id: retailLoyaltyLots.id, remaining: retailLoyaltyLots.remaining, expiresAt: retailLoyaltyLots.expiresAt });
  const vouchers = await tx
    .update(retailLoyaltyVouchers)
    .set({ contactId: keptContactId })
    .where(eq(retailLoyaltyVouchers.contactId, mergedContactId))
    .returning({ id: retailLoyaltyVouchers.id });
  if (!merged) return { outcome: "none", points: 0, lots: lots.length, vouchers: vouchers.length };

  const points = Number(merged.balance);
  const metadata = {
    version: 1,
    fromContactId: mergedContactId,
    toContactId: keptContactId,
    fromMemberNo: merged.member_no,
    toMemberNo: kept?.member_no ?? merged.member_no,
    lots: lots.filter((l) => l.remaining > 0).map((l) => ({ lotId: l.id, points: l.remaining, expiresAt: l.expiresAt.toISOString() })),
    vouchers: vouchers.map((v) => v.id),
  };
  await tx.insert(retailLoyaltyLedger).values({ contactId: mergedContactId, kind: "transfer_out", points: -points, balanceAfter: 0, reason: metadata.toMemberNo, metadata });
  let balanceAfter = points;
  if (kept) {
    balanceAfter = Number(kept.balance) + points;
    await tx.execute(sql`
      update retail_loyalty_members k set balance = ${balanceAfter},
        last_purchase_at = nullif(greatest(coalesce(k.last_purchase_at, '-infinity'), coalesce(m.last_purchase_at, '-infinity')), '-infinity'),
        enrolled_at = least(k.enrolled_at, m.enrolled_at)
      from retail_loyalty_members m where k.contact_id = ${keptContactId}::uuid and m.contact_id = ${mergedContactId}::uuid`);
    await tx.delete(retailLoyaltyMembers).where(eq(retailLoyaltyMembers.contactId, mergedContactId));
  } else {
    // the member number (and the card printed with it) carries over to the kept contact
    await tx.update(retailLoyaltyMembers).set({ contactId: keptContactId }).where(eq(retailLoyaltyMembers.contactId, mergedContactId));
  }
  await tx.insert(retailLoyaltyLedger).values({ contactId: keptContactId, kind: "transfer_in", points, balanceAfter, reason: metadata.fromMemberNo, metadata });
  return { outcome: kept ? "folded" : "repointed", points, lots: lots.length, vouchers: vouchers.length };
}
