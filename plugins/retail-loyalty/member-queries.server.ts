// Read-side helpers for staff pages and the timeline.
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database } from "../../app/plugin-api/index.ts";
import { retailLoyaltyLedger } from "./schema.ts";

export async function ledgerEntriesOf(db: Database, contactId: string, range: { before: Date; limit: number }) {
  return db
    .select({ id: retailLoyaltyLedger.id, kind: retailLoyaltyLedger.kind, points: retailLoyaltyLedger.points, reason: retailLoyaltyLedger.reason, occurredAt: retailLoyaltyLedger.occurredAt })
    .from(retailLoyaltyLedger)
    .where(and(eq(retailLoyaltyLedger.contactId, contactId), lt(retailLoyaltyLedger.occurredAt, range.before), sql`${retailLoyaltyLedger.kind} <> 'earn'`))
    .orderBy(desc(retailLoyaltyLedger.occurredAt))
    .limit(range.limit);
}

/**
 * A contact by member card, member number, phone or e-mail, for the staff pages. `visible`
 * (contactsVisibleTo on `c.id`) hides contacts the staff member may not see, except members of the
 * programme: a cashier serves a member who is also a patient, but finds no patient who is not one.
 */
export async function findContactForStaff(db: Database, q: string, visible?: SQL) {
  const value = q.trim();
  const rows = rowsOf<{ id: string; full_name: string }>(
    await db.execute(sql`
      select c.id, c.full_name from contacts c
      where c.merged_into_id is null and (
        c.id::text = ${value}
        or exists (select 1 from contact_identifiers i where i.contact_id = c.id and i.value = upper(${value}))
        or exists (select 1 from retail_loyalty_members m where m.contact_id = c.id and m.member_no = upper(${value}))
        or lower(c.email) = lower(${value}) or c.phone = ${value})
      ${visible ? sql`and (${visible} or exists (select 1 from retail_loyalty_members m where m.contact_id = c.id))` : sql``}
      limit 1`),
  );
  return rows[0] ?? null;
}
