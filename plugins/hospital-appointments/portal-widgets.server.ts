// The patient's portal home (issue #15 item 3): the next visit with what can be done about it, and a
// slot held for them from the waitlist. Both read only the signed-in patient's own rows.
import { sql, type SQL } from "drizzle-orm";
import type { PortalWidget, PortalWidgetAction, PortalWidgetContext, PortalWidgetView, TimeZone } from "../../app/plugin-api/index.ts";
import { zoneAbbreviation } from "../../app/plugin-api/index.ts";
import { formatDate, formatDateTime, formatTime } from "../../app/plugin-api/ui.ts";
import { myVisits } from "./booking.server.ts";
import { appointmentSettings } from "./visit.server.ts";
import { appointments, waitlistEntries } from "./schema.ts";
import { myWaitlist } from "./waitlist.server.ts";

const portalBase = "/portal/appointments";

/** A patient here: anyone who booked a visit (even one later cancelled) or waits for a slot. */
export const portalRelationship = (contactId: SQL) =>
  sql`(exists (select 1 from ${appointments} where ${appointments.contactId} = ${contactId}) or exists (select 1 from ${waitlistEntries} where ${waitlistEntries.contactId} = ${contactId}))`;

/** "pukul 08.15 WIB" / "at 08.15 WIB": the time as written here, with the branch's zone. */
function atTime(ctx: PortalWidgetContext, at: Date, timeZone: TimeZone) {
  return ctx.t("home.at", { time: formatTime(at, ctx.language, timeZone), zone: zoneAbbreviation(timeZone) });
}

const nextVisit: PortalWidget = {
  id: "next-visit",
  portal: "portal",
  load: async (ctx, actor) => {
    const [{ upcoming, past }, settings] = await Promise.all([myVisits(ctx.db, actor, ctx.now), appointmentSettings(ctx.db)]);
    const next = upcoming[0];
    if (!next) {
      if (!past.length) return null;
      return {
        title: ctx.t("home.nextVisit"),
        lines: [ctx.t("portal.noUpcoming")],
        actions: [
          { kind: "link", label: ctx.t("portal.book"), href: `${portalBase}/book`, primary: true },
          { kind: "link", label: ctx.t("home.allVisits"), href: portalBase },
        ],
      };
    }
    const booked = next.status === "booked";
    const changeable = booked && next.startAt.getTime() > ctx.now.getTime() + settings.cancelCutoffHours * 3600_000;
    const actions: PortalWidgetAction[] = [];
    if (booked && !next.confirmedAt) {
      actions.push({ kind: "post", label: ctx.t("home.confirm"), action: portalBase, fields: { intent: "confirm", appointmentId: next.id }, primary: true });
    }
    if (changeable) {
      actions.push({ kind: "link", label: ctx.t("portal.reschedule"), href: `${portalBase}/book?reschedule=${next.id}` });
      actions.push({ kind: "post", label: ctx.t("portal.cancel"), action: portalBase, fields: { intent: "cancel", appointmentId: next.id }, danger: true });
    }
    actions.push({ kind: "link", label: ctx.t("home.allVisits"), href: portalBase });
    const state = next.status === "arrived" ? ctx.t("status.arrived") : next.confirmedAt ? ctx.t("home.confirmed") : ctx.t("home.notConfirmed");
    const view: PortalWidgetView = {
      title: ctx.t("home.nextVisit"),
      headline: formatDate(next.startAt, ctx.language, next.timeZone),
      badge: ctx.t("portal.queue", { queue: next.queueNumber }),
      lines: [atTime(ctx, next.startAt, next.timeZone), `${next.serviceName} · ${next.practitionerName}`, next.branchName, state],
      actions,
    };
    if (upcoming.length > 1) view.lines!.push(ctx.t("home.moreVisits", { count: upcoming.length - 1 }));
    if (booked && !changeable) view.note = ctx.t("portal.cutoffNote", { hours: settings.cancelCutoffHours });
    return view;
  },
};

const heldSlot: PortalWidget = {
  id: "held-slot",
  portal: "portal",
  load: async (ctx, actor) => {
    const { offers } = await myWaitlist(ctx.db, actor.contactId, ctx.now);
    const offer = offers[0];
    if (!offer || !offer.holdExpiresAt) return null;
    return {
      title: ctx.t("home.heldSlot"),
      attention: true,
      headline: formatDate(offer.startAt, ctx.language, offer.timeZone),
      badge: ctx.t("portal.queue", { queue: offer.queueNumber }),
      lines: [atTime(ctx, offer.startAt, offer.timeZone), `${offer.serviceName} · ${offer.practitionerName}`, offer.branchName],
      note: ctx.t("portal.waitlist.heldUntil", { time: formatDateTime(offer.holdExpiresAt, ctx.language, offer.timeZone) }),
      actions: [
        { kind: "post", label: ctx.t("portal.waitlist.accept"), action: portalBase, fields: { intent: "acceptOffer", appointmentId: offer.id }, primary: true },
        { kind: "post", label: ctx.t("portal.waitlist.decline"), action: portalBase, fields: { intent: "declineOffer", appointmentId: offer.id }, danger: true },
      ],
    };
  },
};

export const portalWidgets: PortalWidget[] = [heldSlot, nextVisit];
