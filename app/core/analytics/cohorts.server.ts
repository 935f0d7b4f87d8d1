// The cohort retention page and its export: transactions through the extension point, dated in the
// asker's zone, scoped to the branches they may see, split by what the sources offer.
import { cohortMonthChoices } from "./cohort-retention.ts";
import { inArray } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { renderChart } from "../charts/charts.server.ts";
import type { RenderedChart } from "../charts/chart-types.ts";
import { csvField } from "../contacts/contact-export.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { intlLocale, numberLocale, type Language } from "../i18n/languages.ts";
import type { Actor, CustomerTransaction } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { visibleBranches } from "../reports/kpis.server.ts";
import { localDateOf, today as localToday, type TimeZone } from "../time/local-time.ts";
import { staffTimeZone } from "../time/zones.server.ts";
import { cohortRetention, cohortSplits, cohortStart, type CohortMatrix, type CohortSplit, type CohortTransaction } from "./cohort-retention.ts";
import { loadAnalyticsTransactions } from "./transactions.server.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export type CohortProblem = "unknownSplit" | "unknownMonths" | "splitNotOffered";

export interface CohortRequest {
  split: CohortSplit;
  months: number;
}

/** Reads ?split=&months= ; anything unknown falls back to the default with a problem to show. */
export function parseCohortRequest(url: URL): { request: CohortRequest; problems: CohortProblem[] } {
  const problems: CohortProblem[] = [];
  const rawSplit = url.searchParams.get("split");
  let split: CohortSplit = "none";
  if (rawSplit) {
    if ((cohortSplits as readonly string[]).includes(rawSplit)) split = rawSplit as CohortSplit;
    else problems.push("unknownSplit");
  }
  const rawMonths = url.searchParams.get("months");
  let months = 12;
  if (rawMonths) {
    if ((cohortMonthChoices as readonly number[]).includes(Number(rawMonths))) months = Number(rawMonths);
    else problems.push("unknownMonths");
  }
  return { request: { split, months }, problems };
}

const fieldOf: Record<Exclude<CohortSplit, "none">, keyof CustomerTransaction> = { branch: "branchId", channel: "channel", referralSource: "referralSource" };

/** All history: a customer's first transaction may lie long before the cohorts shown. */
const historyStart = new Date("2000-01-01T00:00:00Z");

export interface CohortReport {
  request: CohortRequest;
  problems: CohortProblem[];
  /** Splits some enabled source can answer ("none" always). */
  splits: CohortSplit[];
  matrix: CohortMatrix;
  /** Translated group labels by group value ("" for not split / not known). */
  groupLabels: Record<string, string>;
  monthLabels: Record<string, string>;
  charts: RenderedChart[];
  timeZone: TimeZone;
  scopedToBranch: boolean;
}

export function monthLabel(month: string, language: Language) {
  return new Intl.DateTimeFormat(intlLocale(language), { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));
}

export async function cohortReport(
  runtime: { db: Database; readDb?: Database; registry: PluginRegistry },
  actor: StaffActor,
  input: { url: URL; language: Language; now: Date },
): Promise<CohortReport> {
  const { db, registry } = runtime;
  const t = fixedT(input.language, "analytics");
  const parsed = parseCohortRequest(input.url);
  const { request } = parsed;
  const problems = [...parsed.problems];
  const timeZone = await staffTimeZone(db, actor);
  const scope = await visibleBranches(db, actor);
  const allowed = scope.all ? null : new Set(scope.branches.map((b) => b.id));
  // the transactions from the read replica when there is one (ADR 024); who may see what from the primary
  const { transactions } = await loadAnalyticsTransactions(runtime.readDb ?? db, registry, { from: historyStart, to: input.now }, { primary: db });
  // staff of one branch see the customers' transactions at their branch only
  const visible = allowed ? transactions.filter((tr) => tr.branchId && allowed.has(tr.branchId)) : transactions;
  const splits: CohortSplit[] = ["none", ...cohortSplits.filter((s): s is Exclude<CohortSplit, "none"> => s !== "none" && visible.some((tr) => tr[fieldOf[s]] !== undefined))];
  if (!splits.includes(request.split)) {
    problems.push("splitNotOffered");
    request.split = "none";
  }
  const rows: CohortTransaction[] = visible.map((tr) => ({
    contactId: tr.contactId,
    date: localDateOf(tr.at, timeZone),
    group: request.split === "none" ? null : ((tr[fieldOf[request.split]] as string | null | undefined) ?? null),
  }));
  const today = localToday(timeZone, input.now);
  const matrix = cohortRetention(rows, { today, firstCohort: cohortStart(today, request.months - 1), months: request.months });

  const groupLabels = await labelGroups(db, request.split, matrix, input.language);
  const monthLabels = Object.fromEntries(matrix.rows.map((r) => [r.cohort, monthLabel(r.cohort, input.language)]));
  const groups = [...new Set(matrix.rows.map((r) => r.group ?? ""))];
  const percent = new Intl.NumberFormat(numberLocale(input.language), { style: "percent", maximumFractionDigits: 0 });
  const charts = groups.map((group, i) => {
    const rowsOfGroup = matrix.rows.filter((r) => (r.group ?? "") === group);
    const title = request.split === "none" ? t("cohorts.chartTitle") : t("cohorts.chartTitleGroup", { group: groupLabels[group] });
    return renderChart(`cohort-heatmap-${i}`, {
      kind: "heatmap",
      title,
      description: t("cohorts.chartDescription"),
      // month 0 is the cohort itself (always 100 %): left out so it does not flatten the colour scale
      rows: rowsOfGroup.map((r) => `${r.cohort.slice(5, 7)}/${r.cohort.slice(2, 4)}`),
      columns: Array.from({ length: matrix.months - 1 }, (_, k) => String(k + 1)),
      values: rowsOfGroup.map((r) => r.cells.slice(1).map((c) => (c ? c.share : null))),
      format: (v) => percent.format(v),
    });
  });
  return { request, problems, splits, matrix, groupLabels, monthLabels, charts, timeZone, scopedToBranch: allowed !== null };
}

async function labelGroups(db: Database, split: CohortSplit, matrix: CohortMatrix, language: Language): Promise<Record<string, string>> {
  const t = fixedT(language, "analytics");
  const values = [...new Set(matrix.rows.map((r) => r.group ?? ""))];
  const labels: Record<string, string> = {};
  let branchNames = new Map<string, string>();
  if (split === "branch") {
    const ids = values.filter((v) => isUuid(v));
    if (ids.length) branchNames = new Map((await db.select({ id: branches.id, name: branches.name }).from(branches).where(inArray(branches.id, ids))).map((b) => [b.id, b.name]));
  }
  for (const v of values) {
    if (v === "") labels[v] = split === "none" ? t("cohorts.allCustomers") : t("cohorts.unknownGroup");
    else if (split === "branch") labels[v] = branchNames.get(v) ?? v;
    else labels[v] = t(`cohorts.values.${v.replaceAll(".", "_")}`, { defaultValue: v });
  }
  return labels;
}

/** One row per cell (long format): every figure with its denominator and whether its month is over. */
export function cohortExportRows(report: CohortReport, language: Language) {
  const t = fixedT(language, "analytics");
  const header = [t("cohorts.export.group"), t("cohorts.export.cohort"), t("cohorts.export.size"), t("cohorts.export.month"), t("cohorts.export.retained"), t("cohorts.export.share"), t("cohorts.export.unfinished")];
  const rows: (string | number)[][] = [];
  for (const r of report.matrix.rows) {
    r.cells.forEach((c, k) => {
      if (!c) return;
      rows.push([report.groupLabels[r.group ?? ""], r.cohort, r.size, k, c.retained, c.share, c.unfinished ? t("cohorts.export.yes") : t("cohorts.export.no")]);
    });
  }
  return { header, rows };
}

export function cohortCsv(report: CohortReport, language: Language): string {
  const { header, rows } = cohortExportRows(report, language);
  const number = (v: number) => String(Math.round(v * 10_000) / 10_000);
  const lines = [header.map(csvField).join(","), ...rows.map((row) => row.map((v) => (typeof v === "number" ? number(v) : csvField(v))).join(","))];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export async function cohortXlsx(report: CohortReport, language: Language): Promise<Buffer> {
  const ExcelJS = (await import("exceljs")).default;
  const { header, rows } = cohortExportRows(report, language);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(fixedT(language, "analytics")("cohorts.export.sheet").slice(0, 31));
  sheet.columns = header.map((h, i) => ({ header: h, key: `c${i}`, width: i === 0 ? 28 : 14, style: i === 5 ? { numFmt: "0.0%" } : {} }));
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function auditCohortExport(db: Database, actor: StaffActor, input: { format: "csv" | "xlsx"; request: CohortRequest; rows: number; ip?: string | null }) {
  await audit(db, actor, { action: "report.exported", entityType: "analytics.cohorts", data: { format: input.format, split: input.request.split, months: input.request.months, rows: input.rows }, ip: input.ip ?? null });
}
