// Report tables as files: CSV (UTF-8 with a BOM so Excel reads it, formula-safe, translated headings)
// and an audit entry for every export (who took which numbers out, for which period and branch).
import type { Database } from "../../../db/client.ts";
import { audit } from "../audit/audit.server.ts";
import { csvField } from "../contacts/contact-export.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { ReportRequest } from "./kpis.server.ts";
import type { ReportTable } from "./kpi-report.server.ts";
import { reportWorkbook, type WorkbookSheet } from "./report-workbook.server.ts";

/** A number as a CSV cell: plain digits with a "." decimal point, rounded to 4 places; empty when undefined. */
function numberCell(value: number | null) {
  if (value == null || !Number.isFinite(value)) return "";
  return String(Math.round(value * 10_000) / 10_000);
}

/** The table as CSV text starting with a BOM; headings in the user's language. */
export function reportCsv(table: ReportTable): string {
  const { numerator, denominator } = table.columns;
  const headings = [table.columns.key, ...(numerator ? [numerator] : []), ...(denominator ? [denominator] : []), table.columns.value];
  const lines = [headings.map(csvField).join(",")];
  for (const row of table.rows) {
    lines.push([csvField(row.label), ...(numerator ? [numberCell(row.numerator)] : []), ...(denominator ? [numberCell(row.denominator)] : []), numberCell(row.value)].join(","));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** Records that a report left the system. */
export async function auditReportExport(db: Database, actor: Actor, input: { kpiId: string; format: "csv" | "xlsx"; request: ReportRequest; rows: number; ip?: string | null }) {
  await audit(db, actor, {
    action: "report.exported",
    entityType: "kpi",
    entityId: input.kpiId,
    data: { format: input.format, from: input.request.range.from, to: input.request.range.to, branchId: input.request.branchId, dimension: input.request.dimension, rows: input.rows },
    ip: input.ip ?? null,
  });
}

/** A KPI table as a workbook sheet: label, numerator (unless it is the value), denominator, value. */
export function reportTableSheet(table: ReportTable): WorkbookSheet {
  const { numerator, denominator } = table.columns;
  // a sum of Rupiah without a denominator is Rupiah; other numerators and denominators are counts
  const numeratorKind = table.unit === "rupiah" && !denominator ? "rupiah" : "count";
  return {
    name: table.title,
    columns: [
      { header: table.columns.key, kind: "text" },
      ...(numerator ? [{ header: numerator, kind: numeratorKind } as const] : []),
      ...(denominator ? [{ header: denominator, kind: "count" } as const] : []),
      { header: table.columns.value, kind: table.unit },
    ],
    rows: table.rows.map((row) => ({
      cells: [row.label, ...(numerator ? [row.numerator] : []), ...(denominator ? [row.denominator] : []), row.value],
    })),
  };
}

/** The tables as a real XLSX, one sheet per table (see report-workbook.server.ts). */
export async function reportXlsx(tables: ReportTable[]): Promise<Buffer> {
  return reportWorkbook(tables.map(reportTableSheet));
}


/** A list of records as a file: translated headings, one row per record (e.g. the audit log). */
export interface RecordTable {
  title: string;
  columns: { key: string; header: string; width?: number }[];
  rows: Record<string, string | number | null>[];
}

/** CSV text starting with a BOM, formula-safe, headings as given. */
export function recordCsv(table: RecordTable): string {
  const cell = (v: string | number | null | undefined) => (typeof v === "number" ? String(v) : csvField(v));
  const lines = [table.columns.map((c) => csvField(c.header)).join(",")];
  for (const row of table.rows) lines.push(table.columns.map((c) => cell(row[c.key])).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** One XLSX sheet of the records; a column whose values are all numbers is numeric. */
export async function recordXlsx(table: RecordTable): Promise<Buffer> {
  const columns = table.columns.map((c) => ({
    header: c.header,
    width: c.width ?? 20,
    kind: table.rows.every((row) => row[c.key] == null || typeof row[c.key] === "number") ? ("count" as const) : ("text" as const),
  }));
  return reportWorkbook([{ name: table.title, columns, rows: table.rows.map((row) => ({ cells: table.columns.map((c) => row[c.key] ?? null) })) }]);
}
