import { sql } from "drizzle-orm";
import { addMonths, defaultTimeZone, rowsOf, startOfLocalDay, today, type Actor, type Database, type Language, type TimeZone } from "../../app/plugin-api/index.ts";
import { fixedT, inBranchesSql, staffTimeZone, visibleBranches, type DownloadProblem, type DownloadTable } from "../../app/plugin-api/server.ts";
import { overdueHours } from "./referrals.server.ts";

/** Incoming referrals waiting for our decision, and how many of them are overdue. */
export async function pendingIncoming(db: Database) {
  const hours = await overdueHours(db);
  const [row] = rowsOf<{ pending: number; overdue: number }>(
    await db.execute(sql`select count(*)::int as pending,
      count(*) filter (where sent_at < now() - make_interval(hours => ${hours}))::int as overdue
      from hospital_referrals_referrals where direction = 'incoming' and status = 'sent'`),
  );
  return { pending: Number(row?.pending ?? 0), overdue: Number(row?.overdue ?? 0) };
}

export interface ReferralReportRow {
  /** Calendar month in the referring branch's zone (WIB without a branch), `YYYY-MM`. */
  month: string;
  partnerOrgId: string;
  partnerName: string;
  direction: "incoming" | "outgoing";
  sent: number;
  accepted: number;
  rejected: number;
  pending: number;
  /** accepted / (accepted + rejected) in percent, one decimal; null while nothing was decided. */
  acceptanceRate: number | null;
  /** Hours from sent to accepted, over the accepted ones; null when none. */
  medianHoursToAccept: number | null;
  avgHoursToAccept: number | null;
}

export type ReferralReportTotals = Omit<ReferralReportRow, "month" | "partnerOrgId" | "partnerName">;

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Default window: the last twelve months up to this one, in the viewer's zone. */
export function reportWindow(from: string | null, to: string | null, timeZone: TimeZone, now = new Date()) {
  const thisMonth = today(timeZone, now).slice(0, 7);
  const yearAgo = addMonths(`${thisMonth}-01`, -11).slice(0, 7);
  const f = from && monthPattern.test(from) ? from : yearAgo;
  const t = to && monthPattern.test(to) ? to : thisMonth;
  return f <= t ? { from: f, to: t } : { from: t, to: f };
}

/** The longest window the report covers, as the core's reports: five years. */
export const maxReportMonths = 60;

type StaffActor = Extract<Actor, { kind: "staff" }>;

export interface ReferralReportRequest {
  from: string;
  to: string;
  direction: "incoming" | "outgoing" | null;
  /** The referring branches the user may see: null = every branch (head office), else these ids. */
  branchIds: string[] | null;
}

/**
 * Reads `?from=YYYY-MM&to=YYYY-MM&direction=` for this user, for the page and its export alike. Never
 * throws: a bad value gives the page's default (the last twelve months, both directions) plus a problem
 * the export answers with a 400. A branch-limited user's report covers their branch only.
 */
export async function readReferralReportRequest(db: Database, actor: StaffActor, params: URLSearchParams, now = new Date()) {
  const problems: DownloadProblem[] = [];
  const [scope, timeZone] = await Promise.all([visibleBranches(db, actor), staffTimeZone(db, actor)]);
  const rawFrom = params.get("from") || null;
  const rawTo = params.get("to") || null;
  let window = reportWindow(rawFrom, rawTo, timeZone, now);
  if ((rawFrom && !monthPattern.test(rawFrom)) || (rawTo && !monthPattern.test(rawTo))) problems.push("invalidDate");
  else if (monthsBetween(window.from, window.to) + 1 > maxReportMonths) {
    problems.push("tooLong");
    window = reportWindow(null, null, timeZone, now);
  }
  const rawDirection = params.get("direction") || null;
  const direction = rawDirection === "incoming" || rawDirection === "outgoing" ? rawDirection : null;
  if (rawDirection && !direction) problems.push("filter");
  const request: ReferralReportRequest = { ...window, direction, branchIds: scope.all ? null : scope.branches.map((b) => b.id) };
  return { request, problems };
}

function monthsBetween(from: string, to: string) {
  const [fy, fm] = from.split("-").map(Number);
  const [ty, tm] = to.split("-").map(Number);
  return (ty - fy) * 12 + (tm - fm);
}

type ReferralReport = Awaited<ReturnType<typeof referralReport>>;

/** The report's two tables for a file (period summary, then per month and partner): translated, typed columns. */
export function referralReportTables(report: ReferralReport, language: Language): DownloadTable[] {
  const t = fixedT(language, "hospital-referrals");
  const measures: DownloadTable["columns"] = [
    { key: "sent", header: t("reports.columns.sent"), kind: "count" },
    { key: "accepted", header: t("reports.columns.accepted"), kind: "count" },
    { key: "rejected", header: t("reports.columns.rejected"), kind: "count" },
    { key: "pending", header: t("reports.columns.pending"), kind: "count" },
    { key: "acceptanceRate", header: `${t("reports.columns.acceptanceRate")} (%)`, kind: "percent" },
    { key: "medianHoursToAccept", header: `${t("reports.columns.medianToAccept")} (${t("reports.hoursUnit")})`, kind: "hours" },
    { key: "avgHoursToAccept", header: `${t("reports.columns.avgToAccept")} (${t("reports.hoursUnit")})`, kind: "hours" },
  ];
  const values = (r: ReferralReportTotals) => ({
    direction: t(`direction.${r.direction}`),
    sent: r.sent,
    accepted: r.accepted,
    rejected: r.rejected,
    pending: r.pending,
    acceptanceRate: r.acceptanceRate,
    medianHoursToAccept: r.medianHoursToAccept,
    avgHoursToAccept: r.avgHoursToAccept,
  });
  const direction = { key: "direction", header: t("reports.columns.direction"), kind: "text" } as const;
  return [
    { title: t("reports.totals"), columns: [direction, ...measures], rows: report.totals.map(values) },
    {
      title: t("reports.byMonth"),
      columns: [{ key: "month", header: t("reports.columns.month"), kind: "month" }, { key: "partner", header: t("reports.columns.partner"), kind: "text" }, direction, ...measures],
      rows: report.rows.map((r) => ({ month: r.month, partner: r.partnerName, ...values(r) })),
    },
  ];
}

/**
 * Referrals in and out per month (by the day they were sent, in the referring branch's zone) and per partner: how many, how many
 * accepted (anything past `accepted`), rejected and still undecided, the acceptance rate and the time to
 * accept. Everything is aggregated in SQL; drafts never count.
 */
export async function referralReport(db: Database, input: { from: string; to: string; direction?: "incoming" | "outgoing" | null; branchIds?: string[] | null }) {
  const accepted = sql.raw(`r.status in ('accepted','scheduled','completed','back_referred')`);
  const hours = sql.raw(`extract(epoch from (r.decided_at - r.sent_at)) / 3600.0`);
  const measures = sql`count(*)::int as sent,
      count(*) filter (where ${accepted})::int as accepted,
      count(*) filter (where r.status = 'rejected')::int as rejected,
      count(*) filter (where r.status = 'sent')::int as pending,
      round(100.0 * count(*) filter (where ${accepted}) / nullif(count(*) filter (where ${accepted} or r.status = 'rejected'), 0), 1)::float8 as acceptance_rate,
      round((percentile_cont(0.5) within group (order by ${hours}) filter (where ${accepted} and r.decided_at is not null))::numeric, 1)::float8 as median_hours,
      round(avg(${hours}) filter (where ${accepted} and r.decided_at is not null)::numeric, 1)::float8 as avg_hours`;
  // each referral counts in the month of its own branch's calendar; the instant bounds only narrow the scan
  const localMonth = sql`to_char(r.sent_at at time zone coalesce((select b.time_zone from branches b where b.id = r.branch_id), ${defaultTimeZone}), 'YYYY-MM')`;
  const where = sql`r.sent_at is not null
      and r.sent_at >= ${startOfLocalDay(`${input.from}-01`, "Asia/Jayapura").toISOString()}::timestamptz
      and r.sent_at < ${startOfLocalDay(addMonths(`${input.to}-01`, 1), "Asia/Jakarta").toISOString()}::timestamptz
      and ${localMonth} between ${input.from} and ${input.to}
      ${input.direction ? sql`and r.direction = ${input.direction}` : sql``}
      and ${inBranchesSql(sql`r.branch_id`, { branchIds: input.branchIds ?? null })}`;
  type Raw = { sent: number; accepted: number; rejected: number; pending: number; acceptance_rate: number | null; median_hours: number | null; avg_hours: number | null; direction: "incoming" | "outgoing" };
  const [rows, totals] = await Promise.all([
    db.execute(sql`select ${localMonth} as month, r.partner_org_id, p.name as partner_name, r.direction, ${measures}
      from hospital_referrals_referrals r join partner_organisations p on p.id = r.partner_org_id
      where ${where}
      group by 1, 2, 3, 4 order by 1 desc, 3, 4`),
    db.execute(sql`select r.direction, ${measures} from hospital_referrals_referrals r where ${where} group by 1 order by 1`),
  ]);
  const measuresOf = (r: Raw) => ({
    direction: r.direction,
    sent: Number(r.sent),
    accepted: Number(r.accepted),
    rejected: Number(r.rejected),
    pending: Number(r.pending),
    acceptanceRate: r.acceptance_rate === null ? null : Number(r.acceptance_rate),
    medianHoursToAccept: r.median_hours === null ? null : Number(r.median_hours),
    avgHoursToAccept: r.avg_hours === null ? null : Number(r.avg_hours),
  });
  return {
    rows: rowsOf<Raw & { month: string; partner_org_id: string; partner_name: string }>(rows).map(
      (r): ReferralReportRow => ({ month: r.month, partnerOrgId: r.partner_org_id, partnerName: r.partner_name, ...measuresOf(r) }),
    ),
    totals: rowsOf<Raw>(totals).map((r): ReferralReportTotals => measuresOf(r)),
  };
}
