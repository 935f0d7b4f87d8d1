// The shopper's portal home (issue #15 item 3): points, tier progress and points that expire soon,
// from the member's own overview (the same figures as /portal/loyalty).
import { sql, type SQL } from "drizzle-orm";
import type { PortalWidget } from "../../app/plugin-api/index.ts";
import { formatDate, formatNumber, formatRupiah } from "../../app/plugin-api/ui.ts";
import { memberOverview } from "./ledger.server.ts";
import { retailLoyaltyMembers } from "./schema.ts";

/** A member here: the contact holds a member card. */
export const portalRelationship = (contactId: SQL) => sql`exists (select 1 from ${retailLoyaltyMembers} where ${retailLoyaltyMembers.contactId} = ${contactId})`;

const points: PortalWidget = {
  id: "points",
  portal: "portal",
  load: async (ctx, actor) => {
    const member = await memberOverview(ctx.db, actor.contactId);
    if (!member) return null;
    const pts = (n: number) => ctx.t("points", { count: n, formatted: formatNumber(n, ctx.language) });
    return {
      title: ctx.t("home.title"),
      headline: pts(member.balance),
      badge: member.tier ? ctx.t("portal.tier", { tier: member.tier.name }) : undefined,
      lines: [
        ctx.t("portal.worth", { value: formatRupiah(member.balance * member.pointValueIdr, ctx.language) }),
        ctx.t("portal.memberNo", { memberNo: member.memberNo }),
        ...(member.next ? [] : [ctx.t("portal.top")]),
      ],
      progress: member.next
        ? { percent: member.next.progressPct, label: ctx.t("portal.progress", { missing: formatRupiah(member.next.missing, ctx.language), next: member.next.name }) }
        : undefined,
      note: member.expiring.points > 0 && member.expiring.first ? ctx.t("home.expiring", { points: pts(member.expiring.points), date: formatDate(member.expiring.first, ctx.language) }) : undefined,
      actions: [{ kind: "link", label: ctx.t("home.open"), href: "/portal/loyalty", primary: true }],
    };
  },
};

export const portalWidgets: PortalWidget[] = [points];
