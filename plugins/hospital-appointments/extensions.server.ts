// Contributions to core pages, as view models: contact 360 panel, timeline entries, dashboard widgets.
import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { ViewContext } from "../../app/plugin-api/index.ts";
import { staffTimeZone } from "../../app/plugin-api/server.ts";
import { formatDateTime, formatNumber, formatTime } from "../../app/plugin-api/ui.ts";
import { bookedVisitsToday, panelVisits, visitsOfContact } from "./booking.server.ts";
import { appointments } from "./schema.ts";
import { localDateOf } from "../../app/plugin-api/index.ts";

export async function upcomingVisitsPanel(contactId: string, ctx: ViewContext) {
  const canManage = ctx.actor.permissions.has("hospital-appointments.appointment.manage");
  const [rows, checkIns] = await Promise.all([panelVisits(ctx.db, contactId), canManage ? bookedVisitsToday(ctx.db, contactId) : []]);
  const dayView = (v: (typeof rows)[number]) => `/staff/appointments?branch=${v.branchId}&date=${v.localDate}`;
  return {
    title: ctx.t("panel.title"),
    rows: rows.map((v) => ({
      label: `${formatDateTime(v.startAt, ctx.language, v.timeZone)} · #${v.queueNumber}`,
      value: `${v.serviceName} · ${v.practitionerName} · ${ctx.t(`status.${v.status}`)}`,
      href: dayView(v),
    })),
    empty: ctx.t("panel.empty"),
    actions: [
      // the front desk checks a patient in from the patient's page: today's booked visits
      ...checkIns.map((v) => ({
        label: ctx.t("panel.checkIn", { time: formatTime(v.startAt, ctx.language, v.timeZone), queue: v.queueNumber }),
        href: dayView(v),
        method: "post" as const,
        fields: { intent: "checkIn", appointmentId: v.id, returnTo: `/staff/contacts/${contactId}` },
      })),
      ...(canManage ? [{ label: ctx.t("panel.book"), href: `/staff/appointments/book?contactId=${contactId}` }] : []),
    ],
  };
}

export async function visitTimeline(contactId: string, range: { before: Date; limit: number }, ctx: ViewContext) {
  const rows = await visitsOfContact(ctx.db, contactId, { limit: range.limit });
  return rows
    .filter((v) => v.startAt < range.before)
    .map((v) => ({
      id: v.id,
      at: v.startAt,
      channel: "visit",
      view: {
        title: ctx.t("timeline.visit", { service: v.serviceName, doctor: v.practitionerName }),
        body: `${ctx.t(`status.${v.status}`)} · #${v.queueNumber} · ${v.branchName}`,
        icon: "calendar",
      },
    }));
}

export async function todayVisitsWidget(ctx: ViewContext) {
  // appointments carry their branch's local date; "today" is the viewer's branch day
  const today = localDateOf(new Date(), await staffTimeZone(ctx.db, ctx.actor));
  const [row] = await ctx.db
    .select({
      total: sql<number>`count(*)::int`,
      arrived: sql<number>`count(*) filter (where ${appointments.status} in ('arrived', 'fulfilled'))::int`,
    })
    .from(appointments)
    .where(and(eq(appointments.localDate, today), sql`${appointments.status} <> 'cancelled'`, ctx.actor.branchId ? eq(appointments.branchId, ctx.actor.branchId) : undefined));
  return { kind: "stat" as const, title: ctx.t("widgets.today"), value: String(row?.total ?? 0), hint: ctx.t("widgets.todayHint", { arrived: row?.arrived ?? 0 }) };
}

export async function noShowRateWidget(ctx: ViewContext) {
  const now = new Date();
  const [row] = await ctx.db
    .select({
      noshow: sql<number>`count(*) filter (where ${appointments.status} = 'noshow')::int`,
      done: sql<number>`count(*) filter (where ${appointments.status} in ('noshow', 'fulfilled', 'arrived'))::int`,
    })
    .from(appointments)
    .where(and(gte(appointments.startAt, new Date(now.getTime() - 30 * 86_400_000)), lt(appointments.startAt, now)));
  const rate = row && row.done > 0 ? Math.round((1000 * row.noshow) / row.done) / 10 : 0;
  return { kind: "stat" as const, title: ctx.t("widgets.noShow"), value: `${formatNumber(rate, ctx.language)}%`, hint: ctx.t("widgets.noShowHint", { count: row?.noshow ?? 0 }) };
}
