// Reading RFM snapshots: the runs, the R × F grid, segment totals, month-over-month movement, one
// contact's scores, CLV values for a histogram, and pages of scores (exports, lists). Every number
// leaves here finite or null. Callers check `analyticsScoresPermission` first; `scope` limits the
// contacts to the branches the asker may see.
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { rowsOf } from "../../../db/client.ts";
import { rfmSegmentKeys, type RfmModelProblem, type RfmSegmentKey } from "../../../db/schema/index.ts";
import type { Actor } from "../plugins/contract.ts";
import { addMonths, endOfMonth, startOfMonth } from "../time/local-time.ts";
import { finiteOrNull } from "./rfm.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

/** Which contacts an asker may see scores of: every branch, or their own branch's contacts. */
export type ScoreScope = { all: true } | { all: false; branchId: string };

export function scoreScopeOf(actor: StaffActor): ScoreScope {
  return actor.branchId === null || actor.permissions.has("core.report.allBranches") ? { all: true } : { all: false, branchId: actor.branchId };
}

function scopeCondition(scope: ScoreScope, contactColumn: SQL): SQL {
  return scope.all ? sql`true` : sql`exists (select 1 from contacts sc where sc.id = ${contactColumn} and sc.branch_id = ${scope.branchId}::uuid)`;
}

export interface SnapshotRun {
  snapshotDate: string;
  windowDays: number;
  trigger: "nightly" | "admin";
  measure: "purchase" | "visit" | "none";
  customers: number;
  modelProblem: RfmModelProblem | null;
  model: Record<string, unknown> | null;
  computedAt: Date;
}

function runOf(row: Record<string, unknown>): SnapshotRun {
  return {
    snapshotDate: String(row.snapshot_date),
    windowDays: Number(row.window_days),
    trigger: row.trigger as SnapshotRun["trigger"],
    measure: row.measure as SnapshotRun["measure"],
    customers: Number(row.customers),
    modelProblem: (row.model_problem as RfmModelProblem | null) ?? null,
    model: (row.model as Record<string, unknown> | null) ?? null,
    computedAt: new Date(row.computed_at as string),
  };
}

const runColumns = sql`snapshot_date::text as snapshot_date, window_days, trigger, measure, customers, model_problem, model, computed_at`;

/** Snapshots kept, newest first. */
export async function listSnapshotRuns(db: Database, limit = 60): Promise<SnapshotRun[]> {
  return rowsOf<Record<string, unknown>>(await db.execute(sql`select ${runColumns} from rfm_snapshot_runs order by snapshot_date desc limit ${limit}`)).map(runOf);
}

/** The snapshot of a day, or the newest when `date` is not given; null when there is none. */
export async function snapshotRun(db: Database, date?: string | null): Promise<SnapshotRun | null> {
  const where = date ? sql`where snapshot_date = ${date}::date` : sql``;
  const [row] = rowsOf<Record<string, unknown>>(await db.execute(sql`select ${runColumns} from rfm_snapshot_runs ${where} order by snapshot_date desc limit 1`));
  return row ? runOf(row) : null;
}

/** The day one month before (the end of the previous month for a month's last day: 30 Nov → 31 Oct). */
export function monthBefore(date: string): string {
  return date === endOfMonth(date) ? endOfMonth(addMonths(startOfMonth(date), -1)) : addMonths(date, -1);
}

/** The snapshot to compare a month against: the newest on or before one month earlier. */
export async function snapshotMonthBefore(db: Database, date: string): Promise<SnapshotRun | null> {
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select ${runColumns} from rfm_snapshot_runs where snapshot_date <= ${monthBefore(date)}::date order by snapshot_date desc limit 1`),
  );
  return row ? runOf(row) : null;
}

export interface GridCell {
  r: number;
  f: number;
  customers: number;
  /** Rupiah in the window; null without amounts. */
  revenue: number | null;
}

/** The 5 × 5 R × F grid (every cell, empty ones with 0), R 5 first. */
export async function rfmGrid(db: Database, date: string, scope: ScoreScope): Promise<GridCell[]> {
  const rows = rowsOf<{ r: number; f: number; customers: number; revenue: number | null }>(
    await db.execute(sql`select r, f, count(*)::int as customers, sum(monetary)::float8 as revenue from rfm_snapshots s
      where snapshot_date = ${date}::date and ${scopeCondition(scope, sql`s.contact_id`)} group by r, f`),
  );
  const cells: GridCell[] = [];
  for (let r = 5; r >= 1; r--) {
    for (let f = 1; f <= 5; f++) {
      const row = rows.find((x) => Number(x.r) === r && Number(x.f) === f);
      cells.push({ r, f, customers: Number(row?.customers ?? 0), revenue: row ? finiteOrNull(row.revenue === null ? null : Number(row.revenue)) : null });
    }
  }
  return cells;
}

export interface SegmentTotal {
  segment: RfmSegmentKey;
  customers: number;
  revenue: number | null;
  /** Mean p(alive) of the segment's customers with a score. */
  meanPAlive: number | null;
  totalClv: number | null;
}

/** Customers, revenue, mean p(alive) and CLV per named segment (every segment listed). */
export async function segmentTotals(db: Database, date: string, scope: ScoreScope): Promise<SegmentTotal[]> {
  const rows = rowsOf<{ segment: string; customers: number; revenue: number | null; mean_p_alive: number | null; total_clv: number | null }>(
    await db.execute(sql`select segment, count(*)::int as customers, sum(monetary)::float8 as revenue, avg(p_alive)::float8 as mean_p_alive, sum(clv)::float8 as total_clv
      from rfm_snapshots s where snapshot_date = ${date}::date and ${scopeCondition(scope, sql`s.contact_id`)} group by segment`),
  );
  return rfmSegmentKeys.map((segment) => {
    const row = rows.find((x) => x.segment === segment);
    const num = (v: number | null | undefined) => finiteOrNull(v === null || v === undefined ? null : Number(v));
    return { segment, customers: Number(row?.customers ?? 0), revenue: num(row?.revenue), meanPAlive: num(row?.mean_p_alive), totalClv: num(row?.total_clv) };
  });
}

/** "outside": not in that snapshot (no transaction in its window, or not yet a customer). */
export type MovementState = RfmSegmentKey | "outside";
export const movementStates: MovementState[] = [...rfmSegmentKeys, "outside"];

export interface Movement {
  from: MovementState;
  to: MovementState;
  customers: number;
}

/** How many customers went from each segment of `fromDate` to each of `toDate` (non-zero pairs). */
export async function segmentMovement(db: Database, fromDate: string, toDate: string, scope: ScoreScope): Promise<Movement[]> {
  const rows = rowsOf<{ from_segment: string | null; to_segment: string | null; customers: number }>(
    await db.execute(sql`select a.segment as from_segment, b.segment as to_segment, count(*)::int as customers
      from (select contact_id, segment from rfm_snapshots where snapshot_date = ${fromDate}::date) a
      full outer join (select contact_id, segment from rfm_snapshots where snapshot_date = ${toDate}::date) b on a.contact_id = b.contact_id
      where ${scopeCondition(scope, sql`coalesce(a.contact_id, b.contact_id)`)}
      group by 1, 2`),
  );
  return rows.map((r) => ({ from: (r.from_segment ?? "outside") as MovementState, to: (r.to_segment ?? "outside") as MovementState, customers: Number(r.customers) }));
}

export interface ContactScores {
  snapshotDate: string;
  windowDays: number;
  measure: "purchase" | "visit" | "none";
  recencyDays: number;
  frequency: number;
  monetary: number | null;
  r: number;
  f: number;
  m: number | null;
  segment: RfmSegmentKey;
  pAlive: number | null;
  pAliveInterval: [number, number] | null;
  expected30: number | null;
  expected90: number | null;
  expected365: number | null;
  expected365Interval: [number, number] | null;
  expectedSpend: number | null;
  clv: number | null;
  clvInterval: [number, number] | null;
}

const pair = (low: unknown, high: unknown): [number, number] | null => {
  const l = finiteOrNull(low === null ? null : Number(low));
  const h = finiteOrNull(high === null ? null : Number(high));
  return l === null || h === null ? null : [l, h];
};
const numberOrNull = (v: unknown) => finiteOrNull(v === null || v === undefined ? null : Number(v));

const scoreColumns = sql`s.contact_id, s.snapshot_date::text as snapshot_date, s.recency_days, s.frequency, s.monetary, s.r, s.f, s.m, s.segment,
  s.p_alive, s.p_alive_low, s.p_alive_high, s.expected_30, s.expected_90, s.expected_365, s.expected_365_low, s.expected_365_high,
  s.expected_spend, s.clv, s.clv_low, s.clv_high`;

function scoresOf(row: Record<string, unknown>, run: { windowDays: number; measure: ContactScores["measure"] }): ContactScores {
  return {
    snapshotDate: String(row.snapshot_date),
    windowDays: run.windowDays,
    measure: run.measure,
    recencyDays: Number(row.recency_days),
    frequency: Number(row.frequency),
    monetary: numberOrNull(row.monetary),
    r: Number(row.r),
    f: Number(row.f),
    m: numberOrNull(row.m),
    segment: row.segment as RfmSegmentKey,
    pAlive: numberOrNull(row.p_alive),
    pAliveInterval: pair(row.p_alive_low, row.p_alive_high),
    expected30: numberOrNull(row.expected_30),
    expected90: numberOrNull(row.expected_90),
    expected365: numberOrNull(row.expected_365),
    expected365Interval: pair(row.expected_365_low, row.expected_365_high),
    expectedSpend: numberOrNull(row.expected_spend),
    clv: numberOrNull(row.clv),
    clvInterval: pair(row.clv_low, row.clv_high),
  };
}

/** A contact's scores in the newest snapshot, or null when they are not in it. */
export async function contactScores(db: Database, contactId: string): Promise<ContactScores | null> {
  if (!isUuid(contactId)) return null;
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select ${scoreColumns}, r0.window_days, r0.measure from rfm_snapshots s
      join rfm_snapshot_runs r0 on r0.snapshot_date = s.snapshot_date
      where s.snapshot_date = (select max(snapshot_date) from rfm_snapshot_runs) and s.contact_id = ${contactId}::uuid`),
  );
  return row ? scoresOf(row, { windowDays: Number(row.window_days), measure: row.measure as ContactScores["measure"] }) : null;
}

/** CLV of every scored customer of a snapshot (for the distribution), ascending. */
export async function clvValues(db: Database, date: string, scope: ScoreScope): Promise<number[]> {
  const rows = rowsOf<{ clv: number }>(
    await db.execute(sql`select clv from rfm_snapshots s where snapshot_date = ${date}::date and clv is not null and ${scopeCondition(scope, sql`s.contact_id`)} order by clv`),
  );
  return rows.map((r) => Number(r.clv)).filter(Number.isFinite);
}

export type ScoreRow = ContactScores & { contactId: string; fullName: string };

/**
 * One page of a snapshot's scores with the contact's name, keyset on contact id; `where` narrows
 * (e.g. `s.segment in ('atRisk','cannotLose')`). For exports and lists such as "at risk".
 */
export async function snapshotScores(
  db: Database,
  run: Pick<SnapshotRun, "snapshotDate" | "windowDays" | "measure">,
  scope: ScoreScope,
  options: { after?: string | null; limit?: number; where?: SQL } = {},
): Promise<{ rows: ScoreRow[]; next: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 5000);
  const after = options.after && isUuid(options.after) ? options.after : null;
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select ${scoreColumns}, c.full_name from rfm_snapshots s join contacts c on c.id = s.contact_id
      where s.snapshot_date = ${run.snapshotDate}::date and c.merged_into_id is null and ${scopeCondition(scope, sql`s.contact_id`)}
      ${options.where ? sql`and (${options.where})` : sql``}
      ${after ? sql`and s.contact_id > ${after}::uuid` : sql``}
      order by s.contact_id limit ${limit + 1}`),
  );
  const page = rows.slice(0, limit).map((row) => ({ ...scoresOf(row, run), contactId: String(row.contact_id), fullName: String(row.full_name ?? "") }));
  return { rows: page, next: rows.length > limit ? (page.at(-1)?.contactId ?? null) : null };
}

/** How many contacts of a snapshot the asker may see. */
export async function countSnapshotScores(db: Database, date: string, scope: ScoreScope): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from rfm_snapshots s where snapshot_date = ${date}::date and ${scopeCondition(scope, sql`s.contact_id`)}`));
  return Number(row?.n ?? 0);
}
