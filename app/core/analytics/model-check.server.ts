// The model check as a job: a staff member asks (audited), a background job fits on the business's
// own transactions and stores the result; the page shows the latest run.
import { and, desc, eq, gt, inArray } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { analyticsModelChecks } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { JobQueue } from "../jobs/job-queue.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { dayInstants, localDateOf, today as localToday, type TimeZone } from "../time/local-time.ts";
import { dayNumber, isoOfDay, type Transaction } from "./customer-summary.ts";
import { checkModelCheckDates, defaultModelCheckDates, runModelCheck, type ModelCheckProblem, type ModelCheckResult } from "./model-check.ts";
import { loadAnalyticsTransactions } from "./transactions.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export const modelCheckQueue = "core.analytics.model-check";
/** A run still queued or running after this long is taken as lost; a new one may start. */
const STALE_AFTER_MS = 30 * 60_000;
/** All history: customers' first transactions may lie long before the calibration end. */
export const analyticsHistoryStart = new Date("2000-01-01T00:00:00Z");

export type ModelCheckRequestProblem = ModelCheckProblem | "alreadyRunning";

export type StoredModelCheck = Omit<typeof analyticsModelChecks.$inferSelect, "result" | "problem"> & {
  result: ModelCheckResult | null;
  problem: ModelCheckProblem | "unexpected" | null;
};

/** The form's defaults: the holdout is the last 26 whole weeks up to yesterday. */
export function defaultModelCheckForm(timeZone: TimeZone, now: Date) {
  const today = dayNumber(localToday(timeZone, now)) as number;
  const d = defaultModelCheckDates(today);
  return { calibrationEnd: isoOfDay(d.calibrationEnd), holdoutEnd: isoOfDay(d.holdoutEnd) };
}

export async function requestModelCheck(
  runtime: { db: Database; jobs: Pick<JobQueue, "send"> },
  actor: StaffActor,
  input: { calibrationEnd: string; holdoutEnd: string; timeZone: TimeZone; now: Date; ip?: string | null },
): Promise<{ ok: true; id: string } | { ok: false; problem: ModelCheckRequestProblem }> {
  const today = dayNumber(localToday(input.timeZone, input.now)) as number;
  const calibrationEnd = dayNumber(input.calibrationEnd);
  const holdoutEnd = dayNumber(input.holdoutEnd);
  const problem = checkModelCheckDates({ calibrationEnd, holdoutEnd, today });
  if (problem) return { ok: false, problem };
  return runtime.db.transaction(async (tx) => {
    const [running] = await tx
      .select({ id: analyticsModelChecks.id })
      .from(analyticsModelChecks)
      .where(and(inArray(analyticsModelChecks.status, ["queued", "running"]), gt(analyticsModelChecks.requestedAt, new Date(input.now.getTime() - STALE_AFTER_MS))));
    if (running) return { ok: false as const, problem: "alreadyRunning" as const };
    const [row] = await tx
      .insert(analyticsModelChecks)
      .values({ calibrationEnd: input.calibrationEnd, holdoutEnd: input.holdoutEnd, timeZone: input.timeZone, requestedAt: input.now })
      .returning({ id: analyticsModelChecks.id });
    await audit(tx, actor, { action: "analytics.model_check.requested", entityType: "analytics_model_check", entityId: row.id, data: { calibrationEnd: input.calibrationEnd, holdoutEnd: input.holdoutEnd }, ip: input.ip ?? null });
    await runtime.jobs.send(modelCheckQueue, { checkId: row.id }, { db: tx });
    return { ok: true as const, id: row.id };
  });
}

/** Business transactions as the models' day numbers, dated in `timeZone`, up to the end of `lastDate`. */
export async function analyticsTransactionsByDay(db: Database, registry: PluginRegistry, timeZone: TimeZone, lastDate: string): Promise<{ transactions: Transaction[]; hasAmounts: boolean }> {
  const loaded = await loadAnalyticsTransactions(db, registry, { from: analyticsHistoryStart, to: dayInstants(lastDate, timeZone).end }, { oneMeasure: true });
  return {
    hasAmounts: loaded.hasAmounts,
    transactions: loaded.transactions.map((t) => ({ contactId: t.contactId, day: dayNumber(localDateOf(t.at, timeZone)) as number, amount: t.amount })),
  };
}

/** The job: fit, compare and store. A problem the data causes is stored for the page, not thrown. */
export async function runModelCheckJob(db: Database, registry: PluginRegistry, checkId: string) {
  const [check] = await db.select().from(analyticsModelChecks).where(eq(analyticsModelChecks.id, checkId));
  if (!check || check.status === "done" || check.status === "failed") return;
  await db.update(analyticsModelChecks).set({ status: "running" }).where(eq(analyticsModelChecks.id, checkId));
  try {
    const { transactions } = await analyticsTransactionsByDay(db, registry, check.timeZone, check.holdoutEnd);
    const outcome = runModelCheck(transactions, { calibrationEnd: dayNumber(check.calibrationEnd) as number, holdoutEnd: dayNumber(check.holdoutEnd) as number });
    await db
      .update(analyticsModelChecks)
      .set(outcome.ok ? { status: "done", result: outcome.result, finishedAt: new Date() } : { status: "failed", problem: outcome.problem, finishedAt: new Date() })
      .where(eq(analyticsModelChecks.id, checkId));
  } catch (error) {
    await db.update(analyticsModelChecks).set({ status: "failed", problem: "unexpected", finishedAt: new Date() }).where(eq(analyticsModelChecks.id, checkId));
    throw error;
  }
}

export async function latestModelCheck(db: Database): Promise<StoredModelCheck | null> {
  const [row] = await db.select().from(analyticsModelChecks).orderBy(desc(analyticsModelChecks.requestedAt)).limit(1);
  return (row as StoredModelCheck | undefined) ?? null;
}

/** The latest run that finished with a result (shown while a new one is running). */
export async function latestModelCheckResult(db: Database): Promise<StoredModelCheck | null> {
  const [row] = await db.select().from(analyticsModelChecks).where(eq(analyticsModelChecks.status, "done")).orderBy(desc(analyticsModelChecks.requestedAt)).limit(1);
  return (row as StoredModelCheck | undefined) ?? null;
}
