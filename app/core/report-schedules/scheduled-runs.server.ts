// Scheduled reports on the job queue, each run once however many processes run:
//
// 1. A tick (cron, every minute) claims the subscriptions that are due with FOR UPDATE SKIP LOCKED,
//    moves each one's next_run_at on and enqueues its run in the same transaction: a second process
//    ticking at the same moment skips the locked rows and then finds them no longer due.
// 2. A run works out the period, and in alert mode reads the KPI and decides (hysteresis: it fires
//    when the value crosses the threshold, and may fire again only after it came back past the
//    threshold by the hysteresis); it resolves the recipients and writes one delivery per recipient,
//    unique per (subscription, run, recipient), with its job, in one transaction.
// 3. A delivery computes the report as its recipient may see it (a user: their own permissions and
//    branches; an address: the subscription's creator's), draws tiles and charts as PNG, builds the
//    workbook and sends the e-mail in the recipient's language. A transport failure is counted in the
//    log and thrown, so the queue retries with backoff; after the last attempt it is marked failed.
import { render } from "@react-email/components";
import { and, eq, inArray, sql } from "drizzle-orm";
import { createElement } from "react";
import type { Database } from "../../../db/client.ts";
import { reportDeliveries, reportSubscriptions, userRoles, users } from "../../../db/schema/index.ts";
import { ScheduledReportEmail } from "../../../emails/scheduled-report-email.tsx";
import { svgToPng } from "../charts/chart-png.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { formatLocalDate } from "../i18n/format.ts";
import type { Language } from "../i18n/languages.ts";
import type { JobQueue } from "../jobs/job-queue.server.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { EmailAttachment, EmailTransport } from "../messaging/email.server.ts";
import { loadPermissions } from "../permissions/permissions.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { composedReport, composedReportSheets, type ComposedReportSpec } from "../reports/composed-report.server.ts";
import { rollupView } from "../reports/kpi-rollup.server.ts";
import { dashboards, isDashboardId } from "../reports/dashboards.ts";
import { formatKpiValue } from "../reports/kpi-format.ts";
import { kpiTotal, visibleBranches, visibleKpis } from "../reports/kpis.server.ts";
import { reportWorkbook } from "../reports/report-workbook.server.ts";
import { tilesSvg } from "../reports/tiles-image.server.ts";
import { zoneOrDefault, type DateRange } from "../time/local-time.ts";
import { nextRunAt, reportedPeriod } from "./schedule.ts";

export const reportScheduleTickQueue = "core.reports.schedule-tick";
export const reportScheduleTickCron = "* * * * *";
export const reportRunQueue = "core.reports.run";
export const reportDeliveryQueue = "core.reports.deliver";
export const reportDeliveryMaxAttempts = 5;

type StaffActor = Extract<Actor, { kind: "staff" }>;
type Subscription = typeof reportSubscriptions.$inferSelect;

export interface ReportScheduleDeps {
  db: Database;
  /** The read replica for the figures (ADR 024); who may see what is read from `db`. */
  readDb?: Database;
  registry: PluginRegistry;
  jobs: Pick<JobQueue, "send">;
  email: EmailTransport;
  mailFrom: string;
  appOrigin: string;
  logger: Logger;
}

const scheduleOf = (s: Subscription) => ({ frequency: s.frequency, weekday: s.weekday, monthDay: s.monthDay, localTime: s.localTime, timeZone: zoneOrDefault(s.timeZone) });

/** Claims the due subscriptions and enqueues one run each; returns how many. */
export async function claimDueRuns(deps: Pick<ReportScheduleDeps, "db" | "jobs">, now: Date = new Date()): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(reportSubscriptions)
      .where(and(eq(reportSubscriptions.paused, false), sql`${reportSubscriptions.nextRunAt} <= ${now.toISOString()}::timestamptz`))
      .orderBy(reportSubscriptions.nextRunAt)
      .limit(100)
      .for("update", { skipLocked: true });
    for (const subscription of due) {
      // missed runs (the server was down) are not caught up: the next one is from now
      const next = nextRunAt(scheduleOf(subscription), now);
      await tx.update(reportSubscriptions).set({ nextRunAt: next }).where(eq(reportSubscriptions.id, subscription.id));
      await deps.jobs.send(reportRunQueue, { subscriptionId: subscription.id, runAt: subscription.nextRunAt.toISOString() }, { db: tx });
    }
    return due.length;
  });
}

/** A staff user as the reports see them: their permissions now (disabled plugins' dropped) and branch; null when inactive. */
async function staffActor(deps: Pick<ReportScheduleDeps, "db" | "registry">, userId: string | null): Promise<StaffActor | null> {
  if (!userId) return null;
  const [user] = await deps.db.select({ id: users.id, kind: users.kind, active: users.active, branchId: users.branchId }).from(users).where(eq(users.id, userId));
  if (!user || user.kind !== "staff" || !user.active) return null;
  const scope = await deps.registry.permissionScope(deps.db);
  const permissions = await loadPermissions(deps.db, user.id, scope.disabledPlugins, scope.activePluginRoles);
  if (!permissions.has("core.report.read")) return null;
  return { kind: "staff", userId: user.id, permissions, branchId: user.branchId };
}

/** Whether the actor may see the subscription's branch (or, for "every branch", every branch). */
async function maySee(db: Database, actor: StaffActor, branchId: string | null) {
  const scope = await visibleBranches(db, actor);
  return branchId ? scope.branches.some((b) => b.id === branchId) : scope.all;
}

/** The KPI an alert watches, read as the creator over the period; null when it cannot be read. */
async function alertValue(deps: Pick<ReportScheduleDeps, "db" | "readDb" | "registry">, subscription: Subscription, period: DateRange, now: Date): Promise<number | null> {
  const creator = await staffActor(deps, subscription.createdBy);
  if (!creator || !(await maySee(deps.db, creator, subscription.branchId))) return null;
  const kpi = (await visibleKpis(deps.db, deps.registry, creator)).find((k) => k.id === subscription.targetId);
  if (!kpi) return null;
  const scope = await visibleBranches(deps.db, creator);
  const branchIds = subscription.branchId ? [subscription.branchId] : scope.all ? null : scope.branches.map((b) => b.id);
  return (await kpiTotal(deps.readDb ?? deps.db, kpi, { range: period, branchIds, now }, "id", await rollupView(deps.readDb ?? deps.db))).value;
}

/** Fire when the value crosses; clear once it is back past the threshold by the hysteresis. */
export function nextAlertState(state: "clear" | "firing", value: number | null, rule: { direction: "above" | "below"; threshold: number; hysteresis: number }): { state: "clear" | "firing"; fire: boolean } {
  if (value == null) return { state, fire: false };
  const crossed = rule.direction === "above" ? value > rule.threshold : value < rule.threshold;
  const recovered = rule.direction === "above" ? value <= rule.threshold - rule.hysteresis : value >= rule.threshold + rule.hysteresis;
  if (state === "clear") return crossed ? { state: "firing", fire: true } : { state, fire: false };
  return recovered ? { state: "clear", fire: false } : { state, fire: false };
}

/** One run of a subscription: the alert decision, the recipients, a delivery each. Returns the deliveries made. */
export async function runSubscription(deps: Pick<ReportScheduleDeps, "db" | "registry" | "jobs">, subscriptionId: string, runAtText: string, now: Date = new Date()): Promise<number> {
  const [subscription] = await deps.db.select().from(reportSubscriptions).where(eq(reportSubscriptions.id, subscriptionId));
  if (!subscription || subscription.paused) return 0;
  const runAt = new Date(runAtText);
  const period = reportedPeriod(scheduleOf(subscription), runAt);
  let fired: number | null = null;
  let alertUpdate: Partial<Subscription> = {};
  if (subscription.mode === "alert") {
    const value = await alertValue(deps, subscription, period, now);
    const decision = nextAlertState(subscription.alertState, value, { direction: subscription.alertDirection ?? "above", threshold: subscription.alertThreshold ?? 0, hysteresis: subscription.alertHysteresis });
    alertUpdate = { alertState: decision.state, lastValue: value };
    if (decision.fire) fired = value;
  }

  type Recipient = { recipient: string; userId: string | null; language: Language };
  const recipients: Recipient[] = [];
  if (subscription.mode === "digest" || fired != null) {
    if (subscription.recipientRoles.length) {
      const members = await deps.db
        .selectDistinct({ id: users.id, email: users.email, locale: users.locale })
        .from(users)
        .innerJoin(userRoles, eq(userRoles.userId, users.id))
        .where(and(inArray(userRoles.roleId, subscription.recipientRoles), eq(users.kind, "staff"), eq(users.active, true)));
      for (const member of members) {
        // a member who may not see the branch's numbers gets nothing (and never another branch's)
        const actor = await staffActor(deps, member.id);
        if (actor && (await maySee(deps.db, actor, subscription.branchId))) recipients.push({ recipient: member.email, userId: member.id, language: member.locale ?? "id" });
      }
    }
    for (const address of subscription.recipientEmails) {
      if (!recipients.some((r) => r.recipient === address)) recipients.push({ recipient: address, userId: null, language: subscription.emailLanguage });
    }
  }

  return deps.db.transaction(async (tx) => {
    // compare-and-set on the state read above: a concurrent run of the same subscription decides once
    const updated = await tx
      .update(reportSubscriptions)
      .set({ ...alertUpdate, lastRunAt: now })
      .where(and(eq(reportSubscriptions.id, subscription.id), eq(reportSubscriptions.alertState, subscription.alertState)))
      .returning({ id: reportSubscriptions.id });
    if (!updated.length) return 0;
    if (!recipients.length) return 0;
    const inserted = await tx
      .insert(reportDeliveries)
      .values(recipients.map((r) => ({ subscriptionId: subscription.id, runAt, periodFrom: period.from, periodTo: period.to, alertValue: fired, ...r })))
      .onConflictDoNothing()
      .returning({ id: reportDeliveries.id });
    for (const row of inserted) await deps.jobs.send(reportDeliveryQueue, { deliveryId: row.id }, { db: tx });
    return inserted.length;
  });
}

function specOf(subscription: Subscription): ComposedReportSpec {
  if (subscription.targetKind === "dashboard" && isDashboardId(subscription.targetId)) {
    const d = dashboards[subscription.targetId];
    return { kpis: d.kpis, charts: d.charts, defaultPreset: d.defaultPreset };
  }
  return { kpis: [subscription.targetId], charts: [subscription.targetId], defaultPreset: "month" };
}

export interface RenderedReportEmail {
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

/** The e-mail of one delivery, in its language, as its recipient may see the numbers; null when they may see nothing. */
export async function renderReportEmail(
  deps: Pick<ReportScheduleDeps, "db" | "registry" | "appOrigin">,
  subscription: Subscription,
  delivery: { periodFrom: string; periodTo: string; userId: string | null; language: Language; alertValue: number | null },
  now: Date = new Date(),
): Promise<RenderedReportEmail | null> {
  const actor = await staffActor(deps, delivery.userId ?? subscription.createdBy);
  if (!actor || !(await maySee(deps.db, actor, subscription.branchId))) return null;
  const language = delivery.language;
  const query = new URLSearchParams({ range: "custom", from: delivery.periodFrom, to: delivery.periodTo });
  if (subscription.branchId) query.set("branch", subscription.branchId);
  const url = new URL(`${deps.appOrigin}/staff?${query}`);
  const spec = specOf(subscription);
  const report = await composedReport(deps, actor, { spec, url, language, now });
  if (!report.sections.length) return null;
  const t = fixedT(language, "emails");
  const tRep = fixedT(language, "reports");
  const reportName = subscription.targetKind === "dashboard" ? tRep(`dashboards.${subscription.targetId}`) : report.sections[0].name;
  const fmt = (d: string) => formatLocalDate(d, language, "medium");
  const values = {
    subscription: subscription.name,
    report: reportName,
    period: delivery.periodFrom === delivery.periodTo ? fmt(delivery.periodFrom) : `${fmt(delivery.periodFrom)} – ${fmt(delivery.periodTo)}`,
    branch: report.branchName ?? tRep("branch.all"),
  };
  const kpiUnit = report.sections[0].unit;
  const alert =
    subscription.mode === "alert" && delivery.alertValue != null
      ? {
          kpi: reportName,
          value: formatKpiValue(kpiUnit, delivery.alertValue, language),
          threshold: formatKpiValue(kpiUnit, subscription.alertThreshold ?? 0, language),
          direction: subscription.alertDirection ?? "above",
        }
      : null;

  const tiles = tilesSvg(report.tiles, { title: reportName, now: tRep("tile.now"), noPrevious: tRep("tile.noPrevious") });
  const images = [
    { cid: "tiles", alt: tiles.alt, width: 360, png: svgToPng(tiles.svg) },
    ...report.charts.map((chart, i) => ({ cid: `chart-${i + 1}`, alt: `${chart.title}. ${chart.description}`, width: 360, png: svgToPng(chart.svg) })),
  ];
  const lines = report.tiles.map((tile) => `${tile.name}: ${tile.value}${tile.change ? ` (${tile.change.text})` : ""}`);
  const workbook = await reportWorkbook(composedReportSheets(report, language));
  const manageUrl = `${deps.appOrigin}/staff/reports/subscriptions`;
  const element = createElement(ScheduledReportEmail, { t, lang: language, values, alert, images: images.map(({ png: _, ...i }) => i), lines, url: url.toString(), manageUrl });
  const fileBase = `${t("schedule.fileName")}-${subscription.targetId.replace(/[^A-Za-z0-9.-]/g, "-")}-${delivery.periodFrom}-${delivery.periodTo}`;
  return {
    subject: alert ? t("schedule.alertSubject", { ...values, ...alert }) : t("schedule.subject", values),
    html: await render(element),
    text: await render(element, { plainText: true }),
    attachments: [
      ...images.map((i) => ({ filename: `${i.cid}.png`, content: i.png, contentType: "image/png", cid: i.cid })),
      { filename: `${fileBase}.xlsx`, content: workbook, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    ],
  };
}

/** Sends one delivery; throws on a transport failure so the queue retries it. */
export async function deliverReport(deps: ReportScheduleDeps, deliveryId: string, now: Date = new Date()): Promise<void> {
  const [delivery] = await deps.db.select().from(reportDeliveries).where(eq(reportDeliveries.id, deliveryId));
  if (!delivery || delivery.status !== "queued") return;
  const [subscription] = await deps.db.select().from(reportSubscriptions).where(eq(reportSubscriptions.id, delivery.subscriptionId));
  const fail = (error: string) => deps.db.update(reportDeliveries).set({ status: "failed", lastError: error }).where(eq(reportDeliveries.id, deliveryId));
  if (!subscription) return void (await fail("subscription removed"));
  if (subscription.paused) return void (await fail("paused"));
  const email = await renderReportEmail(deps, subscription, delivery, now);
  // the recipient (or, for an address, the creator) may no longer see these numbers: nothing is sent
  if (!email) return void (await fail("not allowed to see this report"));
  try {
    await deps.email.send({ from: deps.mailFrom, to: delivery.recipient, subject: email.subject, html: email.html, text: email.text, attachments: email.attachments });
    await deps.db
      .update(reportDeliveries)
      .set({ status: "sent", sentAt: new Date(), attempts: sql`${reportDeliveries.attempts} + 1`, lastError: null })
      .where(eq(reportDeliveries.id, deliveryId));
  } catch (error) {
    deps.logger.warn({ err: error, deliveryId }, "scheduled report delivery failed; will retry");
    await deps.db
      .update(reportDeliveries)
      .set({
        attempts: sql`${reportDeliveries.attempts} + 1`,
        status: delivery.attempts + 1 >= reportDeliveryMaxAttempts ? "failed" : "queued",
        lastError: String((error as Error).message ?? error).slice(0, 500),
      })
      .where(eq(reportDeliveries.id, deliveryId));
    throw error;
  }
}

/** Deliveries of a subscription (tests, and the page's log). */
export async function deliveriesOf(db: Database, subscriptionId: string) {
  return db.select().from(reportDeliveries).where(eq(reportDeliveries.subscriptionId, subscriptionId)).orderBy(reportDeliveries.createdAt);
}
