import { defineServer } from "../../app/plugin-api/index.ts";
import { formatDate } from "../../app/plugin-api/ui.ts";
import { linkVisit, reassignReferrals, referralsOfContact } from "./referrals.server.ts";
import { seedReferrals } from "./seed.server.ts";
import { fhirResources } from "./fhir.server.ts";

export default defineServer({
  // the appointments plugin is never imported: its events carry the referral id as their source
  handlers: {
    "appointments.visit.booked": (event, ctx) => linkVisit(ctx.db, ctx.services, event.payload, "booked"),
    "appointments.visit.fulfilled": (event, ctx) => linkVisit(ctx.db, ctx.services, event.payload, "fulfilled"),
    "appointments.visit.cancelled": (event, ctx) => linkVisit(ctx.db, ctx.services, event.payload, "cancelled"),
    "core.contact.merged": (event, ctx) => reassignReferrals(ctx.db, String(event.payload.mergedContactId), String(event.payload.keptContactId)),
  },
  contactPanels: [
    {
      id: "referrals",
      permission: "hospital-referrals.referral.read",
      load: async (contactId, ctx) => {
        const rows = await referralsOfContact(ctx.db, contactId);
        return {
          title: ctx.t("panel.title"),
          rows: rows.map((r) => ({
            label: `${r.number} · ${formatDate(r.createdAt, ctx.language)}`,
            value: `${ctx.t(`direction.${r.direction}`)} · ${r.partnerName} · ${r.icd10Code} · ${ctx.t(`status.${r.status}`)}`,
            href: `/staff/referrals/${r.id}`,
          })),
          empty: ctx.t("panel.empty"),
          actions: ctx.actor.permissions.has("hospital-referrals.referral.manage") ? [{ label: ctx.t("panel.refer"), href: `/staff/referrals?box=out&contactId=${contactId}#new` }] : [],
        };
      },
    },
  ],
  dashboardWidgets: [
    {
      id: "inbox",
      permission: "hospital-referrals.referral.read",
      load: async (ctx) => {
        const { pendingIncoming } = await import("./reports.server.ts");
        const n = await pendingIncoming(ctx.db);
        return { kind: "stat", title: ctx.t("widgets.pending"), value: String(n.pending), hint: ctx.t("widgets.overdue", { count: n.overdue }) };
      },
    },
  ],
  fhirResources,
  seed: seedReferrals,
});
