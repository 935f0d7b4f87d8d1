// The at-risk list for customer service: BG/NBD's parameters from the latest nightly snapshot (fitted
// at most a week ago; fitted here only when there is none), applied to every customer's history up to
// today, customers selected by `selectAtRisk`, scoped to the asker's branches, profiling objectors left out (at load
// and again when the list is read), follow-up tasks created once per contact, exports audited.
import { and, desc, gte, inArray, isNotNull, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contacts, rfmSnapshotRuns, tasks } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { csvField } from "../contacts/contact-export.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { formatRupiah } from "../i18n/format.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { mayBeProfiled } from "../privacy/profiling-objections.server.ts";
import { visibleBranches } from "../reports/kpis.server.ts";
import { addDays, dayInstants, localDateOf, today as localToday, type TimeZone } from "../time/local-time.ts";
import { customerHistories, selectAtRisk, type AtRiskCustomer } from "./at-risk.ts";
import { fitBgNbd, ModelFitError, type BgNbdParams } from "./bg-nbd.ts";
import { dayNumber, isoOfDay, summariseTransactions } from "./customer-summary.ts";
import { analyticsHistoryStart } from "./model-check.server.ts";
import { loadAnalyticsTransactions } from "./transactions.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export const AT_RISK_TASK_TYPE = "analytics.at-risk";
export const AT_RISK_PAGE_LIMIT = 200;
const PERIOD_DAYS = 7;

export type AtRiskProblem = "noTransactions" | "oneCustomer" | "noRepeatCustomers" | "notConverged";

export interface AtRiskRow extends AtRiskCustomer {
  name: string;
  lastDate: string;
  hasOpenTask: boolean;
}

/** Where the model's parameters came from: a nightly snapshot's fit (its date), or a fit made for this list. */
export type AtRiskModelSource = { kind: "snapshot"; date: string } | { kind: "fittedNow" };

export type AtRiskList =
  | { ok: true; rows: AtRiskRow[]; total: number; hasAmounts: boolean; customers: number; today: string; model: AtRiskModelSource }
  | { ok: false; problem: AtRiskProblem };

/** A snapshot's fit older than this is not reused: the list then fits on today's data. */
export const SNAPSHOT_FIT_MAX_AGE_DAYS = 7;

/** The BG/NBD parameters of the latest snapshot run of the last week whose fit succeeded, if any. */
export async function recentSnapshotFit(db: Database, today: string): Promise<{ date: string; params: BgNbdParams } | null> {
  const runs = await db
    .select({ date: rfmSnapshotRuns.snapshotDate, model: rfmSnapshotRuns.model })
    .from(rfmSnapshotRuns)
    .where(and(isNotNull(rfmSnapshotRuns.model), gte(rfmSnapshotRuns.snapshotDate, addDays(today, -SNAPSHOT_FIT_MAX_AGE_DAYS))))
    .orderBy(desc(rfmSnapshotRuns.snapshotDate))
    .limit(1);
  const run = runs[0];
  if (!run || run.date > today) return null;
  const params = (run.model as { bgNbd?: { params?: Record<string, unknown> } } | null)?.bgNbd?.params;
  const valid = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;
  if (!params || !valid(params.r) || !valid(params.alpha) || !valid(params.a) || !valid(params.b)) return null;
  return { date: run.date, params: { r: params.r, alpha: params.alpha, a: params.a, b: params.b } };
}

export async function atRiskList(runtime: { db: Database; readDb?: Database; registry: PluginRegistry }, actor: StaffActor, input: { timeZone: TimeZone; now: Date }): Promise<AtRiskList> {
  // the histories, model and names from the read replica when there is one (ADR 024); who may see
  // what from the primary
  const { db, registry } = runtime;
  const read = runtime.readDb ?? db;
  const todayText = localToday(input.timeZone, input.now);
  const today = dayNumber(todayText) as number;
  const loaded = await loadAnalyticsTransactions(read, registry, { from: analyticsHistoryStart, to: dayInstants(todayText, input.timeZone).end }, { oneMeasure: true, primary: db });
  if (loaded.transactions.length === 0) return { ok: false, problem: "noTransactions" };
  const byDay = loaded.transactions.map((t) => ({ contactId: t.contactId, day: dayNumber(localDateOf(t.at, input.timeZone)) as number, amount: t.amount, branchId: t.branchId }));
  const summary = summariseTransactions(byDay, { calibrationEnd: today, periodDays: PERIOD_DAYS });
  if (summary.contactIds.length < 2) return { ok: false, problem: "oneCustomer" };
  // fitting takes seconds on a real history: the nightly snapshot's fit serves the list all week
  const snapshot = await recentSnapshotFit(read, todayText);
  let params: BgNbdParams;
  let model: AtRiskModelSource;
  if (snapshot) {
    params = snapshot.params;
    model = { kind: "snapshot", date: snapshot.date };
  } else {
    try {
      params = fitBgNbd(summary).params;
      model = { kind: "fittedNow" };
    } catch (error) {
      if (!(error instanceof ModelFitError)) throw error;
      return { ok: false, problem: error.code === "no_repeat_customers" ? "noRepeatCustomers" : error.code === "too_few_customers" ? "oneCustomer" : "notConverged" };
    }
  }
  // the model describes the whole business; the list shows the customers of the asker's branches
  const scope = await visibleBranches(db, actor);
  let candidates = customerHistories(byDay, today, PERIOD_DAYS);
  if (!scope.all) {
    const allowed = new Set(scope.branches.map((b) => b.id));
    const seenHere = new Set(byDay.filter((t) => t.branchId && allowed.has(t.branchId)).map((t) => t.contactId));
    candidates = candidates.filter((c) => seenHere.has(c.contactId));
  }
  const selected = selectAtRisk(candidates, params, today);
  const named = await contactDetails(read, selected.map((c) => c.contactId));
  const rows = selected
    .filter((c) => named.has(c.contactId))
    .map((c) => ({ ...c, name: named.get(c.contactId)?.name ?? "", lastDate: isoOfDay(c.lastDay), hasOpenTask: named.get(c.contactId)?.openTask ?? false }));
  return { ok: true, rows, total: rows.length, hasAmounts: loaded.hasAmounts, customers: summary.contactIds.length, today: todayText, model };
}

// qualified by hand: inside a subquery drizzle would write a bare "id", which the subquery's own table answers
const contactIdColumn = sql.raw(`"contacts"."id"`);

/** Names and open follow-ups of contacts that may (still) be profiled. */
async function contactDetails(db: Database, ids: string[]) {
  const out = new Map<string, { name: string; openTask: boolean }>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const rows = await db
      .select({
        id: contacts.id,
        name: contacts.fullName,
        openTask: sql<boolean>`exists (select 1 from tasks t where t.contact_id = ${contactIdColumn} and t.related_type = ${AT_RISK_TASK_TYPE} and t.status in ('open', 'in_progress'))`,
      })
      .from(contacts)
      .where(and(inArray(contacts.id, chunk), mayBeProfiled(contactIdColumn)));
    for (const r of rows) out.set(r.id, { name: r.name, openTask: Boolean(r.openTask) });
  }
  return out;
}

/**
 * Follow-up tasks for the chosen contacts of the current list, assigned to the asker. Idempotent: a
 * contact with an open follow-up gets none (a unique index makes it hold under double clicks too).
 */
export async function createFollowUpTasks(
  runtime: { db: Database; registry: PluginRegistry },
  actor: StaffActor,
  input: { contactIds: string[]; timeZone: TimeZone; now: Date; language: Language; ip?: string | null },
): Promise<{ ok: true; created: number; skipped: number } | { ok: false; problem: AtRiskProblem | "nothingChosen" }> {
  const chosen = new Set(input.contactIds);
  if (chosen.size === 0) return { ok: false, problem: "nothingChosen" };
  const list = await atRiskList(runtime, actor, input);
  if (!list.ok) return list;
  const rows = list.rows.filter((r) => chosen.has(r.contactId));
  if (rows.length === 0) return { ok: false, problem: "nothingChosen" };
  const t = fixedT(input.language, "analytics");
  const value = (r: AtRiskRow) => (list.hasAmounts ? formatRupiah(Math.round(r.yearlyValue), input.language) : t("atRisk.visitsPerYear", { count: Math.round(r.yearlyValue * 10) / 10 }));
  return runtime.db.transaction(async (tx) => {
    let created = 0;
    for (const r of rows) {
      const [task] = await tx
        .insert(tasks)
        .values({
          title: t("atRisk.taskTitle", { name: r.name }),
          description: t("atRisk.taskDescription", { percent: Math.round(r.pAlive * 100), last: r.lastDate, value: value(r) }),
          contactId: r.contactId,
          relatedType: AT_RISK_TASK_TYPE,
          relatedId: r.contactId,
          assigneeId: actor.userId,
          createdBy: actor.userId,
          priority: "high",
        })
        .onConflictDoNothing()
        .returning({ id: tasks.id });
      if (!task) continue;
      created++;
      await audit(tx, actor, { action: "task.created", entityType: "task", entityId: task.id, data: { assigneeId: actor.userId, from: AT_RISK_TASK_TYPE } });
    }
    await audit(tx, actor, { action: "analytics.at_risk.tasks_created", entityType: "analytics.at-risk", data: { chosen: rows.length, created, skipped: rows.length - created }, ip: input.ip ?? null });
    return { ok: true as const, created, skipped: rows.length - created };
  });
}

/** The whole list as CSV (UTF-8 with a BOM, formula-safe, headings in the user's language). */
export function atRiskCsv(list: Extract<AtRiskList, { ok: true }>, language: Language) {
  const t = fixedT(language, "analytics");
  const header = ["contact_id", t("atRisk.columns.name"), t("atRisk.columns.transactions"), t("atRisk.columns.lastTransaction"), t(list.hasAmounts ? "atRisk.columns.pastValueRupiah" : "atRisk.columns.pastVisits"), t("atRisk.columns.pAlive"), t(list.hasAmounts ? "atRisk.columns.lostValueRupiah" : "atRisk.columns.lostVisits")];
  const n = (v: number, digits: number) => String(Math.round(v * 10 ** digits) / 10 ** digits);
  const lines = [header.map(csvField).join(",")];
  for (const r of list.rows) lines.push([csvField(r.contactId), csvField(r.name), String(r.transactions), r.lastDate, n(r.pastValue, 2), n(r.pAlive, 4), n(r.expectedLostValue, 2)].join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export async function auditAtRiskExport(db: Database, actor: StaffActor, input: { rows: number; ip?: string | null }) {
  await audit(db, actor, { action: "analytics.at_risk.exported", entityType: "analytics.at-risk", data: { format: "csv", rows: input.rows }, ip: input.ip ?? null });
}
