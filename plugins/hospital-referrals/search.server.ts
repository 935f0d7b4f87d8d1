// Referrals in the staff global search, by number: "RJK-2026-000123" (any case, spaces or none) or
// the running number alone ("123"). Scoped as the referral list is: any holder of referral.read.
import { eq, like, sql } from "drizzle-orm";
import { defineSearchProvider } from "../../app/plugin-api/index.ts";
import { contacts, partnerOrganisations } from "../../app/plugin-api/schema.ts";
import { referrals } from "./schema.ts";

/** The number condition a query means, or null when it cannot be a referral number. */
function numberCondition(query: string) {
  const compact = query.replace(/\s+/g, "").toUpperCase();
  const full = /^RJK-?(\d{4})-?(\d{1,6})$/.exec(compact);
  if (full) return eq(referrals.number, `RJK-${full[1]}-${full[2].padStart(6, "0")}`);
  // the running number alone, of any year (a few thousand rows a year: the scan is cheap)
  if (/^\d{1,6}$/.test(compact)) return like(referrals.number, `RJK-____-${compact.padStart(6, "0")}`);
  return null;
}

export const referralSearch = defineSearchProvider({
  kind: "referrals",
  label: "search.kind",
  permission: "hospital-referrals.referral.read",
  search: async (query, limit, ctx) => {
    const condition = numberCondition(query);
    if (!condition) return [];
    const rows = await ctx.db
      .select({
        id: referrals.id,
        number: referrals.number,
        direction: referrals.direction,
        status: referrals.status,
        patient: contacts.fullName,
        partner: partnerOrganisations.name,
      })
      .from(referrals)
      .innerJoin(contacts, eq(contacts.id, referrals.contactId))
      .innerJoin(partnerOrganisations, eq(partnerOrganisations.id, referrals.partnerOrgId))
      .where(condition)
      .orderBy(sql`${referrals.createdAt} desc`)
      .limit(limit);
    return rows.map((r) => ({
      id: r.id,
      title: `${r.number} · ${r.patient}`,
      subtitle: [ctx.t(`direction.${r.direction}`), r.partner, ctx.t(`status.${r.status}`)].join(" · "),
      href: `/staff/referrals/${r.id}`,
    }));
  },
});
