// Survey results: counts and shares per rating, overall, per branch and per staff member,
// aggregated in SQL over answers given in a date range.
import { and, eq, gte, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, surveys, users } from "../../../db/schema/index.ts";
import { rangeInstants, type TimeZone } from "../time/local-time.ts";
import type { Actor } from "../plugins/contract.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export interface RatingCounts {
  total: number;
  excellent: number;
  good: number;
  average: number;
  poor: number;
  /** Shares in percent, one decimal; 0 when there is no answer. */
  excellentPct: number;
  goodPct: number;
  averagePct: number;
  poorPct: number;
  /** Customer satisfaction score: share answering excellent or good. */
  csatPct: number;
}

function countsOf() {
  const n = (rating: string) => sql<number>`count(*) filter (where ${surveys.rating} = ${rating})::int`;
  const pct = (filter: SQL) => sql<number>`coalesce(round(100.0 * count(*) filter (where ${filter}) / nullif(count(*), 0), 1), 0)::float8`;
  return {
    total: sql<number>`count(*)::int`,
    excellent: n("excellent"),
    good: n("good"),
    average: n("average"),
    poor: n("poor"),
    excellentPct: pct(sql`${surveys.rating} = 'excellent'`),
    goodPct: pct(sql`${surveys.rating} = 'good'`),
    averagePct: pct(sql`${surveys.rating} = 'average'`),
    poorPct: pct(sql`${surveys.rating} = 'poor'`),
    csatPct: pct(sql`${surveys.rating} in ('excellent', 'good')`),
  };
}

function toNumbers<T extends Record<string, unknown>>(row: T) {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "string" && /^-?[\d.]+$/.test(v) ? Number(v) : v])) as T;
}

/** Answers given from `from` to `to` (whole days, inclusive, in `timeZone`). */
export async function surveyResults(db: Database, _actor: StaffActor, input: { from: string; to: string; timeZone: TimeZone }) {
  const { start, end } = rangeInstants(input, input.timeZone);
  const answered = and(isNotNull(surveys.answeredAt), gte(surveys.answeredAt, start), lt(surveys.answeredAt, end));
  const [overall, sent, byBranch, byStaff] = await Promise.all([
    db.select(countsOf()).from(surveys).where(answered),
    db
      .select({ sent: sql<number>`count(*)::int`, answered: sql<number>`count(${surveys.answeredAt})::int` })
      .from(surveys)
      .where(and(gte(surveys.sentAt, start), lt(surveys.sentAt, end))),
    db
      .select({ id: branches.id, name: branches.name, ...countsOf() })
      .from(surveys)
      .leftJoin(branches, eq(branches.id, surveys.branchId))
      .where(answered)
      .groupBy(branches.id, branches.name)
      .orderBy(sql`count(*) desc`, branches.name),
    db
      .select({ id: users.id, name: users.name, ...countsOf() })
      .from(surveys)
      .leftJoin(users, eq(users.id, surveys.staffUserId))
      .where(answered)
      .groupBy(users.id, users.name)
      .orderBy(sql`count(*) desc`, users.name),
  ]);
  const s = toNumbers(sent[0] ?? { sent: 0, answered: 0 });
  return {
    overall: toNumbers(overall[0]) as RatingCounts,
    sent: Number(s.sent),
    answeredOfSent: Number(s.answered),
    responseRatePct: s.sent ? Math.round((1000 * Number(s.answered)) / Number(s.sent)) / 10 : 0,
    byBranch: byBranch.map((r) => toNumbers(r) as RatingCounts & { id: string | null; name: string | null }),
    byStaff: byStaff.map((r) => toNumbers(r) as RatingCounts & { id: string | null; name: string | null }),
  };
}
