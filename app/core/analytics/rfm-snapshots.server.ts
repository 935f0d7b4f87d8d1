// RFM snapshots: computed nightly (and on demand by an admin) from the transactions extension
// point into rfm_snapshots, one row per customer per local calendar day, with the lifetime models'
// scores beside the quintiles. Objectors are never scored (the reader leaves them out) and their
// rows go when they object (deleteContactScores, called by objectToProfiling).
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { rfmSnapshotRuns, rfmSnapshots, type RfmModelProblem } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { JobQueue } from "../jobs/job-queue.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { addDays, addMonths, dayInstants, defaultTimeZone, localDateOf, today, type TimeZone } from "../time/local-time.ts";
import { fitBgNbd, ModelFitError, type BgNbdFit } from "./bg-nbd.ts";
import { dayNumber, summariseTransactions } from "./customer-summary.ts";
import { fitGammaGamma, type GammaGammaFit } from "./gamma-gamma.ts";
import { computeRfm, finiteOrNull, type DayTransaction } from "./rfm.ts";
import { scoreCustomers, type CustomerScores } from "./score.ts";
import { loadAnalyticsTransactions } from "./transactions.server.ts";

/** Scores (RFM, p(alive), CLV …) are profiling: seen only with this permission (UU PDP). */
export const analyticsScoresPermission = "core.scores.view";

export const rfmSnapshotQueue = "core.analytics.rfm-snapshot";
/** 17:30 UTC = 00:30 WIB: yesterday is complete everywhere in the company's zone. */
export const rfmSnapshotCron = "30 17 * * *";
export const defaultWindowDays = 365;
export const minWindowDays = 30;
export const maxWindowDays = 1095;
/** Daily snapshots are kept this long; after it only the last snapshot of each month stays. */
export const dailyRetentionDays = 40;
/** Nothing older is kept: the profiling purpose's retention (core-purposes.ts, 365 days). */
export const snapshotRetentionDays = 365;

/** A segment spans branches: its calendar days are the company's zone (as in segment rules). */
export const analyticsTimeZone: TimeZone = defaultTimeZone;

/** Model time unit: weeks, as in the published BG/NBD work. */
const periodDays = 7;
/** The models read this much history before the snapshot day. */
const historyYears = 5;

export type SnapshotTrigger = "nightly" | "admin";

export interface SnapshotOutcome {
  snapshotDate: string;
  customers: number;
  measure: "purchase" | "visit" | "none";
  modelProblem: RfmModelProblem | null;
}

type ModelResult =
  | { ok: true; bg: BgNbdFit; gg: GammaGammaFit | null; scores: CustomerScores; indexOf: Map<string, number>; spendProblem: string | null }
  | { ok: false; problem: RfmModelProblem };

function fitModels(transactions: DayTransaction[], snapshotDay: number, withAmounts: boolean): ModelResult {
  const summary = summariseTransactions(transactions, { calibrationEnd: snapshotDay, periodDays });
  const n = summary.contactIds.length;
  if (n === 0) return { ok: false, problem: "noTransactions" };
  if (n === 1) return { ok: false, problem: "oneCustomer" };
  if (!summary.x.some((x) => x > 0)) return { ok: false, problem: "noRepeat" };
  let bg: BgNbdFit;
  try {
    bg = fitBgNbd(summary);
  } catch (error) {
    if (error instanceof ModelFitError) return { ok: false, problem: "notConverged" };
    throw error;
  }
  let gg: GammaGammaFit | null = null;
  let spendProblem: string | null = null;
  if (withAmounts) {
    try {
      gg = fitGammaGamma(summary);
    } catch (error) {
      // spend cannot be modelled (e.g. too few repeat buyers): counts and p(alive) still stand
      if (!(error instanceof ModelFitError)) throw error;
      spendProblem = error.code;
    }
  }
  let scores: CustomerScores;
  try {
    scores = scoreCustomers(summary, bg, gg, { periodDays });
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problem: "notConverged" };
    throw error;
  }
  return { ok: true, bg, gg, scores, indexOf: new Map(summary.contactIds.map((id, i) => [id, i])), spendProblem };
}

const finiteRecord = (o: object | null) => (o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, finiteOrNull(v as number)])) : null);

/**
 * Computes the snapshot of `snapshotDate` (a local calendar day in the company's zone) and
 * replaces any earlier one of that day, in one transaction. Safe to run from several processes:
 * writers of the snapshot table queue on one advisory lock.
 */
export async function computeRfmSnapshot(
  db: Database,
  registry: PluginRegistry,
  input: { snapshotDate: string; windowDays: number; trigger: SnapshotTrigger },
): Promise<SnapshotOutcome> {
  const zone = analyticsTimeZone;
  const snapshotDay = dayNumber(input.snapshotDate);
  if (snapshotDay === null) throw new RangeError(`Not a calendar date: ${input.snapshotDate}`);
  const windowDays = Math.min(maxWindowDays, Math.max(minWindowDays, Math.round(input.windowDays)));
  const { end } = dayInstants(input.snapshotDate, zone);
  const { start } = dayInstants(addMonths(input.snapshotDate, -12 * historyYears), zone);
  const loaded = await loadAnalyticsTransactions(db, registry, { from: start, to: end }, { oneMeasure: true });
  const withAmounts = loaded.hasAmounts;
  const transactions: DayTransaction[] = [];
  for (const t of loaded.transactions) {
    const day = dayNumber(localDateOf(t.at, zone));
    if (day === null || day > snapshotDay) continue;
    // a net-negative amount (refund larger than the sale) is no spend
    transactions.push({ contactId: t.contactId, day, amount: t.amount === null ? null : Math.max(0, finiteOrNull(t.amount) ?? 0) });
  }
  const rfm = computeRfm(transactions, { snapshotDay, windowDays, withAmounts });
  const model = fitModels(transactions, snapshotDay, withAmounts);
  const measure: SnapshotOutcome["measure"] = rfm.length === 0 ? "none" : withAmounts ? "purchase" : "visit";
  const modelProblem = model.ok ? null : model.problem;

  const rows = rfm.map((row) => {
    const base = {
      snapshotDate: input.snapshotDate,
      contactId: row.contactId,
      recencyDays: row.recencyDays,
      frequency: row.frequency,
      monetary: finiteOrNull(row.monetary),
      r: row.r,
      f: row.f,
      m: row.m,
      segment: row.segment,
    };
    const i = model.ok ? model.indexOf.get(row.contactId) : undefined;
    if (!model.ok || i === undefined) return base;
    const s = model.scores;
    const spend = model.gg ? s : null;
    return {
      ...base,
      pAlive: finiteOrNull(s.pAlive[i]),
      pAliveLow: finiteOrNull(s.pAliveInterval[0][i]),
      pAliveHigh: finiteOrNull(s.pAliveInterval[1][i]),
      expected30: finiteOrNull(s.expected[0][i]),
      expected30Low: finiteOrNull(s.expectedInterval[0][0][i]),
      expected30High: finiteOrNull(s.expectedInterval[0][1][i]),
      expected90: finiteOrNull(s.expected[1][i]),
      expected90Low: finiteOrNull(s.expectedInterval[1][0][i]),
      expected90High: finiteOrNull(s.expectedInterval[1][1][i]),
      expected365: finiteOrNull(s.expected[2][i]),
      expected365Low: finiteOrNull(s.expectedInterval[2][0][i]),
      expected365High: finiteOrNull(s.expectedInterval[2][1][i]),
      expectedSpend: spend ? finiteOrNull(spend.expectedSpend[i]) : null,
      expectedSpendLow: spend ? finiteOrNull(spend.expectedSpendInterval[0][i]) : null,
      expectedSpendHigh: spend ? finiteOrNull(spend.expectedSpendInterval[1][i]) : null,
      clv: spend ? finiteOrNull(spend.clv[i]) : null,
      clvLow: spend ? finiteOrNull(spend.clvInterval[0][i]) : null,
      clvHigh: spend ? finiteOrNull(spend.clvInterval[1][i]) : null,
    };
  });
  const modelJson = model.ok
    ? {
        period: "week",
        bgNbd: { params: finiteRecord(model.bg.params), standardErrors: finiteRecord(model.bg.standardErrors), logLikelihood: finiteOrNull(model.bg.logLikelihood), customers: model.bg.customers },
        gammaGamma: model.gg ? { params: finiteRecord(model.gg.params), standardErrors: finiteRecord(model.gg.standardErrors), logLikelihood: finiteOrNull(model.gg.logLikelihood), customers: model.gg.customers } : null,
        spendProblem: model.spendProblem,
        clv: { months: 12, monthDays: 30, monthlyDiscountRate: 0.01 },
      }
    : null;

  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('core.analytics.rfm-snapshot'))`);
    await tx.delete(rfmSnapshots).where(eq(rfmSnapshots.snapshotDate, input.snapshotDate));
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(rfmSnapshots).values(rows.slice(i, i + 1000));
    // an objection recorded while this ran must win
    await tx.execute(sql`delete from rfm_snapshots s using profiling_objections po where s.snapshot_date = ${input.snapshotDate}::date and po.contact_id = s.contact_id`);
    const run = { windowDays, trigger: input.trigger, timeZone: zone, measure, customers: rows.length, modelProblem, model: modelJson, computedAt: new Date() };
    await tx
      .insert(rfmSnapshotRuns)
      .values({ snapshotDate: input.snapshotDate, ...run })
      .onConflictDoUpdate({ target: rfmSnapshotRuns.snapshotDate, set: run });
    await pruneSnapshots(tx, input.snapshotDate);
  });
  return { snapshotDate: input.snapshotDate, customers: rows.length, measure, modelProblem };
}

/** Keeps daily snapshots for `dailyRetentionDays`, then the last one of each month up to `snapshotRetentionDays`. */
async function pruneSnapshots(tx: Database, latest: string) {
  const oldest = addDays(latest, -snapshotRetentionDays);
  await tx.execute(sql`delete from rfm_snapshots where snapshot_date < ${oldest}::date`);
  await tx.execute(sql`delete from rfm_snapshot_runs where snapshot_date < ${oldest}::date`);
  const cutoff = addDays(latest, -dailyRetentionDays);
  const keep = sql`(select max(snapshot_date) from rfm_snapshot_runs group by date_trunc('month', snapshot_date))`;
  await tx.execute(sql`delete from rfm_snapshots where snapshot_date < ${cutoff}::date and snapshot_date not in ${keep}`);
  await tx.execute(sql`delete from rfm_snapshot_runs where snapshot_date < ${cutoff}::date and snapshot_date not in ${keep}`);
}

/** The window of the latest run (an admin's choice carries on to the nightly runs), else the default. */
export async function currentWindowDays(db: Database): Promise<number> {
  const [row] = await db.select({ windowDays: rfmSnapshotRuns.windowDays }).from(rfmSnapshotRuns).orderBy(sql`${rfmSnapshotRuns.computedAt} desc`).limit(1);
  return row?.windowDays ?? defaultWindowDays;
}

export interface SnapshotJobData extends Record<string, unknown> {
  trigger?: SnapshotTrigger;
  windowDays?: number;
}

/**
 * The job: nightly, yesterday (the last complete day in the company's zone), once — a second
 * process or a retried job finds the run recorded and stops; on an admin's request, today so far.
 */
export async function runRfmSnapshotJob(db: Database, registry: PluginRegistry, data: SnapshotJobData, now: Date = new Date()): Promise<SnapshotOutcome | null> {
  const trigger: SnapshotTrigger = data.trigger === "admin" ? "admin" : "nightly";
  const localToday = today(analyticsTimeZone, now);
  const snapshotDate = trigger === "nightly" ? addDays(localToday, -1) : localToday;
  if (trigger === "nightly") {
    const [done] = await db
      .select({ date: rfmSnapshotRuns.snapshotDate })
      .from(rfmSnapshotRuns)
      .where(and(eq(rfmSnapshotRuns.snapshotDate, snapshotDate), eq(rfmSnapshotRuns.trigger, "nightly")));
    if (done) return null;
  }
  const windowDays = typeof data.windowDays === "number" && Number.isFinite(data.windowDays) ? data.windowDays : await currentWindowDays(db);
  return computeRfmSnapshot(db, registry, { snapshotDate, windowDays, trigger });
}

export type SnapshotRequestResult = { ok: true; queued: boolean } | { ok: false; error: "windowDays" };

/** An admin asks for a snapshot now (audited); queued on the snapshot queue, one waiting at most. */
export async function requestRfmSnapshot(db: Database, jobs: Pick<JobQueue, "send">, actor: Actor, input: { windowDays: unknown; ip?: string | null }): Promise<SnapshotRequestResult> {
  const raw = typeof input.windowDays === "string" ? input.windowDays.trim() : input.windowDays;
  const windowDays = typeof raw === "number" ? raw : /^\d{1,4}$/.test(String(raw ?? "")) ? Number(raw) : NaN;
  if (!Number.isInteger(windowDays) || windowDays < minWindowDays || windowDays > maxWindowDays) return { ok: false, error: "windowDays" };
  const id = await jobs.send(rfmSnapshotQueue, { trigger: "admin", windowDays }, { singletonKey: "admin" });
  await audit(db, actor, { action: "analytics.snapshot.requested", entityType: "rfm_snapshot", data: { windowDays, queued: id !== null }, ip: input.ip ?? null });
  return { ok: true, queued: id !== null };
}

/**
 * At start: an install without any snapshot (a new demo, or history imported on the first day) gets
 * yesterday's at once, as the nightly job would make it, instead of an empty page until the night.
 */
export async function queueFirstSnapshot(db: Database, jobs: Pick<JobQueue, "send">): Promise<boolean> {
  const [any] = await db.select({ date: rfmSnapshotRuns.snapshotDate }).from(rfmSnapshotRuns).limit(1);
  if (any) return false;
  return (await jobs.send(rfmSnapshotQueue, { trigger: "nightly" }, { singletonKey: "first" })) !== null;
}

/** Deletes every score of a contact (they objected to profiling). Returns how many rows went. */
export async function deleteContactScores(db: Database, contactId: string): Promise<number> {
  const removed = await db.delete(rfmSnapshots).where(eq(rfmSnapshots.contactId, contactId)).returning({ date: rfmSnapshots.snapshotDate });
  return removed.length;
}

