// The sales report's request and tables, read once for the page (/staff/pos/reports) and its export
// (/staff/pos/reports/export): the same filters, the same branches, the same numbers.
import { checkRange, isLocalDate, presetRange, type Actor, type Database, type Language } from "../../app/plugin-api/index.ts";
import { branchTimeZone, fixedT, staffTimeZone, visibleBranches, type DownloadProblem, type DownloadTable } from "../../app/plugin-api/server.ts";
import { listStores } from "./connections.server.ts";
import { reportGroupings, type ReportGrouping, type salesReport } from "./sales-history.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

/** The longest period the report covers, as the core's reports: five years of days. */
export const maxReportDays = 5 * 366;

export interface SalesReportRequest {
  from: string;
  to: string;
  groupBy: ReportGrouping;
  /** The store asked for (one the user may see), or null for all of theirs. */
  store: string | null;
  /** What the figures cover: null = every branch (head office), else these ids. */
  branchIds: string[] | null;
}

/**
 * Reads `?from=&to=&groupBy=&store=` for this user. Never throws: a bad value gives the page's default
 * (last 30 days, by store, all the user's stores) plus a problem the export answers with a 400. A store
 * of another branch than a branch-limited user's is refused, never shown.
 */
export async function readSalesReportRequest(db: Database, actor: StaffActor, params: URLSearchParams, now = new Date()) {
  const problems: DownloadProblem[] = [];
  const scope = await visibleBranches(db, actor);
  const visible = new Set(scope.branches.map((b) => b.id));
  const stores = (await listStores(db)).filter((s) => scope.all || visible.has(s.id));

  const rawGroup = params.get("groupBy") || "store";
  const groupBy = (reportGroupings as readonly string[]).includes(rawGroup) ? (rawGroup as ReportGrouping) : "store";
  if (groupBy !== rawGroup) problems.push("filter");

  const rawStore = params.get("store") || null;
  const store = rawStore && stores.some((s) => s.id === rawStore) ? rawStore : null;
  if (rawStore && !store) problems.push("unknownBranch");
  const branchIds = store ? [store] : scope.all ? null : [...visible];

  // the default range ends today in the zone of the store being looked at (the viewer's own without one)
  const timeZone = store ? await branchTimeZone(db, store) : await staffTimeZone(db, actor);
  const last30 = presetRange("30d", timeZone, now);
  const rawFrom = params.get("from") || null;
  const rawTo = params.get("to") || null;
  let from = last30.from;
  let to = last30.to;
  if ((rawFrom && !isLocalDate(rawFrom)) || (rawTo && !isLocalDate(rawTo))) problems.push("invalidDate");
  else {
    const [a, b] = [rawFrom ?? last30.from, rawTo ?? last30.to];
    // a reversed range is read the right way round, as the page always did
    const checked = checkRange(a <= b ? a : b, a <= b ? b : a, maxReportDays);
    if (checked.ok) ({ from, to } = checked.range);
    else problems.push(checked.problem === "tooLong" ? "tooLong" : "invalidDate");
  }
  const request: SalesReportRequest = { from, to, groupBy, store, branchIds };
  return { request, stores, problems };
}

type SalesRow = Awaited<ReturnType<typeof salesReport>>[number];

/** The report as one table for a file: translated headings, Rupiah columns, a date per day. */
export function salesReportTable(rows: SalesRow[], groupBy: ReportGrouping, language: Language): DownloadTable {
  const t = fixedT(language, "retail-pos");
  const byLine = groupBy === "product" || groupBy === "category";
  const label = (key: string) => (groupBy === "category" ? t(`categories.${key}`, { defaultValue: key }) : key);
  const columns: DownloadTable["columns"] = [
    { key: "key", header: t(`reports.groups.${groupBy}`), kind: groupBy === "day" ? "date" : "text" },
    { key: "receipts", header: t("reports.columns.receipts"), kind: "count" },
    ...(byLine ? [{ key: "units", header: t("reports.columns.units"), kind: "count" } as const] : []),
    { key: "gross", header: t("reports.columns.gross"), kind: "rupiah" },
    ...(byLine ? [] : [{ key: "refunds", header: t("reports.columns.refunds"), kind: "rupiah" } as const]),
    { key: "net", header: t("reports.columns.net"), kind: "rupiah" },
    { key: "shoppers", header: t("reports.columns.shoppers"), kind: "count" },
  ];
  return {
    title: `${t("reports.title")} · ${t(`reports.groups.${groupBy}`)}`,
    columns,
    rows: rows.map((r) => ({ key: label(r.key), receipts: r.receipts, units: r.units, gross: r.gross, refunds: r.refunds, net: r.net, shoppers: r.shoppers })),
  };
}
