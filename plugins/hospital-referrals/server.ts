import { sql } from "drizzle-orm";
import { defineServer } from "../../app/plugin-api/index.ts";
import { referrals } from "./schema.ts";
import { referralKpis } from "./kpis.server.ts";
import { formatDate } from "../../app/plugin-api/ui.ts";
import { linkVisit, reassignReferrals, referralsOfContact } from "./referrals.server.ts";
import { seedReferrals } from "./seed.server.ts";
import { referralChangedEvent } from "./events.ts";
import { fhirResources } from "./fhir.server.ts";
import { personalData } from "./personal-data.server.ts";
import { referralSearch } from "./search.server.ts";

export default defineServer({
  personalData,
  // the appointments plugin is never imported: its events carry the referral id as their source
  events: [referralChangedEvent],
  handlers: {
    "appointments.visit.booked": (event, ctx) => linkVisit(ctx.db, ctx.services, event.payload, "booked"),
    "appointments.visit.fulfilled": (event, ctx) => linkVisit(ctx.db, ctx.services, event.payload, "fulfilled"),
    "appointments.visit.cancelled": (event, ctx) => linkVisit(ctx.db, ctx.services, event.payload, "cancelled"),
    "core.contact.merged": (event, ctx) => reassignReferrals(ctx.db, event.payload.mergedContactId, event.payload.keptContactId),
  },
  // a patient referred to or by us (any referral, drafts included) is a patient here
  patientRelationship: (contactId) => sql`exists (select 1 from ${referrals} where ${referrals.contactId} = ${contactId})`,
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
  /** Measures for dashboards and reports (kpis.server.ts). */
  kpis: referralKpis,
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
  /** Referral numbers in the staff global search. */
  searchProviders: [referralSearch],
  seed: seedReferrals,
});
