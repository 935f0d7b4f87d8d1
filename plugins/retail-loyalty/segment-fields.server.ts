// Segment fields retail-loyalty offers the core's contact segments: tier, points balance, last
// purchase and rolling 12-month spend. Each is SQL on the member tables, computed live; only
// members match (a contact who never enrolled has no tier, balance or spend to compare).
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type SegmentField } from "../../app/plugin-api/index.ts";
import { segmentComparison } from "../../app/plugin-api/server.ts";

const permission = "retail-loyalty.member.read";

/**
 * Per member: 12-month spend counted the way spend12m counts it (the member's ledger plus that of
 * duplicates merged into it, found through transfer_in entries), and the tier that spend earns in
 * the active programme (the lowest tier when no threshold is reached, as tierFor does).
 */
const memberFacts = sql`
  with recursive sources(owner, source) as (
    select contact_id, contact_id from retail_loyalty_members
    union
    select s.owner, (l.metadata->>'fromContactId')::uuid
    from retail_loyalty_ledger l join sources s on l.contact_id = s.source
    where l.kind = 'transfer_in' and l.metadata ? 'fromContactId'
  ),
  spend as (
    select s.owner as contact_id,
           greatest(0, coalesce(sum(l.spend_idr) filter (where l.occurred_at > now() - interval '12 months' and l.occurred_at <= now()), 0)) as spend
    from sources s left join retail_loyalty_ledger l on l.contact_id = s.source
    group by s.owner
  )
  select sp.contact_id, sp.spend,
         (select t.code from retail_loyalty_tiers t
          where t.program_id = (select p.id from retail_loyalty_programs p where p.active order by p.created_at limit 1)
          order by case when t.min_spend_idr <= sp.spend then t.min_spend_idr end desc nulls last, t.min_spend_idr asc
          limit 1) as tier
  from spend sp`;

const memberWhere = (contactId: SQL, condition: SQL) => sql`${contactId} in (select m.contact_id from retail_loyalty_members m where ${condition})`;
const factsWhere = (contactId: SQL, condition: SQL) => sql`${contactId} in (select f.contact_id from (${memberFacts}) f where ${condition})`;

export const loyaltySegmentFields: SegmentField[] = [
  {
    key: "tier",
    label: "segments.tier",
    type: "enum",
    permission,
    loadOptions: async (db) =>
      rowsOf<{ code: string; name: string }>(
        await db.execute(sql`select t.code, t.name from retail_loyalty_tiers t
          where t.program_id = (select p.id from retail_loyalty_programs p where p.active order by p.created_at limit 1)
          order by t.min_spend_idr`),
      ).map((t) => ({ value: t.code, label: t.name })),
    condition: (c, { contactId }) => factsWhere(contactId, segmentComparison(sql`f.tier`, c)),
  },
  {
    key: "pointsBalance",
    label: "segments.pointsBalance",
    type: "number",
    permission,
    condition: (c, { contactId }) => memberWhere(contactId, segmentComparison(sql`m.balance`, c)),
  },
  {
    key: "lastPurchase",
    label: "segments.lastPurchase",
    type: "date",
    permission,
    condition: (c, { contactId }) => memberWhere(contactId, segmentComparison(sql`m.last_purchase_at`, c, "timestamp")),
  },
  {
    key: "spend12m",
    label: "segments.spend12m",
    type: "money",
    permission,
    condition: (c, { contactId }) => factsWhere(contactId, segmentComparison(sql`f.spend`, c)),
  },
];
