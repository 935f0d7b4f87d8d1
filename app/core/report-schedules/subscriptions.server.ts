// Scheduled reports as a user manages them: what may be subscribed to (the dashboards and the KPIs
// the user sees, the branches the user sees, the roles), saving with every check the form cannot make,
// pause and resume, removal, the list and the delivery log. Every change is audited.
import { and, asc, desc, eq, inArray, isNull, or } from "drizzle-orm";
import { branches, reportDeliveries, reportSubscriptions, roles } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { dashboardIds, isDashboardId } from "../reports/dashboards.ts";
import { visibleBranches, visibleKpis } from "../reports/kpis.server.ts";
import { zoneOrDefault } from "../time/local-time.ts";
import { staffTimeZone } from "../time/zones.server.ts";
import { nextRunAt } from "./schedule.ts";
import type { SubscriptionInput } from "./subscription-form.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
type Deps = Pick<AppRuntime, "db" | "registry">;

export type SubscriptionError = "target" | "branch" | "role" | "notFound";

/** What the form offers this user: targets and branches they may see, and the roles. */
export async function subscriptionOptions(deps: Deps, actor: StaffActor, language: "id" | "en") {
  const [kpis, scope, roleRows] = await Promise.all([visibleKpis(deps.db, deps.registry, actor), visibleBranches(deps.db, actor), deps.db.select({ id: roles.id }).from(roles).orderBy(asc(roles.id))]);
  const tRep = fixedT(language, "reports");
  return {
    dashboards: dashboardIds.map((id) => ({ value: `dashboard:${id}`, label: tRep(`dashboards.${id}`) })),
    kpis: kpis.map((k) => ({ value: `kpi:${k.id}`, label: fixedT(language, k.namespace)(k.name), unit: k.unit })),
    branches: scope.branches.map((b) => ({ id: b.id, name: b.name, timeZone: b.timeZone })),
    allBranches: scope.all,
    roles: roleRows.map((r) => r.id),
  };
}

/** Subscriptions this user may see and change: all for management, else their branch's and their own. */
function visibleCondition(actor: StaffActor, all: boolean) {
  if (all) return undefined;
  return or(actor.branchId ? eq(reportSubscriptions.branchId, actor.branchId) : undefined, and(isNull(reportSubscriptions.branchId), eq(reportSubscriptions.createdBy, actor.userId)));
}

async function findVisible(deps: Deps, actor: StaffActor, id: string) {
  if (!isUuid(id)) return null;
  const scope = await visibleBranches(deps.db, actor);
  const [row] = await deps.db.select().from(reportSubscriptions).where(and(eq(reportSubscriptions.id, id), visibleCondition(actor, scope.all)));
  return row ?? null;
}

export async function listSubscriptions(deps: Deps, actor: StaffActor) {
  const scope = await visibleBranches(deps.db, actor);
  return deps.db
    .select({
      id: reportSubscriptions.id,
      name: reportSubscriptions.name,
      targetKind: reportSubscriptions.targetKind,
      targetId: reportSubscriptions.targetId,
      branchName: branches.name,
      timeZone: reportSubscriptions.timeZone,
      frequency: reportSubscriptions.frequency,
      weekday: reportSubscriptions.weekday,
      monthDay: reportSubscriptions.monthDay,
      localTime: reportSubscriptions.localTime,
      mode: reportSubscriptions.mode,
      alertDirection: reportSubscriptions.alertDirection,
      alertThreshold: reportSubscriptions.alertThreshold,
      alertState: reportSubscriptions.alertState,
      lastValue: reportSubscriptions.lastValue,
      recipientRoles: reportSubscriptions.recipientRoles,
      recipientEmails: reportSubscriptions.recipientEmails,
      paused: reportSubscriptions.paused,
      nextRunAt: reportSubscriptions.nextRunAt,
      lastRunAt: reportSubscriptions.lastRunAt,
    })
    .from(reportSubscriptions)
    .leftJoin(branches, eq(branches.id, reportSubscriptions.branchId))
    .where(visibleCondition(actor, scope.all))
    .orderBy(asc(reportSubscriptions.name));
}

/** The newest deliveries of the subscriptions this user may see. */
export async function deliveryLog(deps: Deps, actor: StaffActor, limit = 50) {
  const scope = await visibleBranches(deps.db, actor);
  return deps.db
    .select({
      id: reportDeliveries.id,
      subscriptionName: reportSubscriptions.name,
      recipient: reportDeliveries.recipient,
      periodFrom: reportDeliveries.periodFrom,
      periodTo: reportDeliveries.periodTo,
      status: reportDeliveries.status,
      attempts: reportDeliveries.attempts,
      lastError: reportDeliveries.lastError,
      createdAt: reportDeliveries.createdAt,
      sentAt: reportDeliveries.sentAt,
      alertValue: reportDeliveries.alertValue,
    })
    .from(reportDeliveries)
    .innerJoin(reportSubscriptions, eq(reportSubscriptions.id, reportDeliveries.subscriptionId))
    .where(visibleCondition(actor, scope.all))
    .orderBy(desc(reportDeliveries.createdAt))
    .limit(limit);
}

/** The subscription's stored fields for the edit form. */
export async function getSubscription(deps: Deps, actor: StaffActor, id: string) {
  return findVisible(deps, actor, id);
}

/**
 * Creates (no `id`) or changes a subscription after checking what the form cannot: the target is a
 * dashboard or a KPI the user sees, the branch is one of theirs, the roles exist. The time is read in
 * the branch's zone (the user's own zone when every branch is reported on).
 */
export async function saveSubscription(
  deps: Deps,
  actor: StaffActor,
  input: SubscriptionInput & { id?: string },
  now: Date = new Date(),
): Promise<{ ok: true; id: string } | { ok: false; error: SubscriptionError }> {
  const { db } = deps;
  const [kind, ...rest] = input.target.split(":");
  const targetId = rest.join(":");
  if (kind === "dashboard" ? !isDashboardId(targetId) : !(await visibleKpis(db, deps.registry, actor)).some((k) => k.id === targetId)) return { ok: false, error: "target" };
  const scope = await visibleBranches(db, actor);
  const branch = input.branch ? scope.branches.find((b) => b.id === input.branch) : null;
  if (input.branch && !branch) return { ok: false, error: "branch" };
  // a user limited to one branch reports on that branch, never on "every branch"
  if (!branch && !scope.all) return { ok: false, error: "branch" };
  const recipientRoles = [...new Set(input.roles ?? [])];
  if (recipientRoles.length) {
    const known = await db.select({ id: roles.id }).from(roles).where(inArray(roles.id, recipientRoles));
    if (known.length !== recipientRoles.length) return { ok: false, error: "role" };
  }
  const timeZone = branch ? zoneOrDefault(branch.timeZone) : await staffTimeZone(db, actor);
  const schedule = {
    frequency: input.frequency,
    weekday: input.frequency === "weekly" ? (input.weekday ?? 1) : null,
    monthDay: input.frequency === "monthly" ? (input.monthDay ?? 1) : null,
    localTime: input.localTime,
    timeZone,
  };
  const alert = input.mode === "alert";
  const values = {
    name: input.name,
    targetKind: kind as "dashboard" | "kpi",
    targetId,
    branchId: branch?.id ?? null,
    ...schedule,
    mode: input.mode,
    alertDirection: alert ? (input.alertDirection ?? null) : null,
    alertThreshold: alert ? input.alertThreshold : null,
    alertHysteresis: alert ? (input.alertHysteresis ?? 0) : 0,
    recipientRoles,
    recipientEmails: input.emails ?? [],
    emailLanguage: input.emailLanguage,
    nextRunAt: nextRunAt(schedule, now),
    updatedAt: now,
  };
  return db.transaction(async (tx) => {
    let id: string;
    if (input.id) {
      const existing = await findVisible({ ...deps, db: tx }, actor, input.id);
      if (!existing) return { ok: false as const, error: "notFound" as const };
      // a changed threshold or KPI starts the alert afresh
      await tx.update(reportSubscriptions).set({ ...values, alertState: "clear" }).where(eq(reportSubscriptions.id, existing.id));
      id = existing.id;
    } else {
      [{ id }] = await tx.insert(reportSubscriptions).values({ ...values, createdBy: actor.userId }).returning({ id: reportSubscriptions.id });
    }
    await audit(tx, actor, {
      action: input.id ? "report.subscription.updated" : "report.subscription.created",
      entityType: "report_subscription",
      entityId: id,
      data: { target: input.target, branchId: values.branchId, frequency: values.frequency, mode: values.mode, roles: recipientRoles, emails: values.recipientEmails.length },
    });
    return { ok: true as const, id };
  });
}

/** Pauses or resumes; a resumed subscription runs at its next time from now, never catching up. */
export async function setPaused(deps: Deps, actor: StaffActor, id: string, paused: boolean, now: Date = new Date()): Promise<{ ok: true } | { ok: false; error: "notFound" }> {
  const existing = await findVisible(deps, actor, id);
  if (!existing) return { ok: false, error: "notFound" };
  const next = nextRunAt({ ...existing, timeZone: zoneOrDefault(existing.timeZone) }, now);
  await deps.db.transaction(async (tx) => {
    await tx.update(reportSubscriptions).set({ paused, nextRunAt: next, updatedAt: now }).where(eq(reportSubscriptions.id, id));
    await audit(tx, actor, { action: paused ? "report.subscription.paused" : "report.subscription.resumed", entityType: "report_subscription", entityId: id, data: {} });
  });
  return { ok: true };
}

export async function deleteSubscription(deps: Deps, actor: StaffActor, id: string): Promise<{ ok: true } | { ok: false; error: "notFound" }> {
  const existing = await findVisible(deps, actor, id);
  if (!existing) return { ok: false, error: "notFound" };
  await deps.db.transaction(async (tx) => {
    await tx.delete(reportSubscriptions).where(eq(reportSubscriptions.id, id));
    await audit(tx, actor, { action: "report.subscription.deleted", entityType: "report_subscription", entityId: id, data: { name: existing.name } });
  });
  return { ok: true };
}
