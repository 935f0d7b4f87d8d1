// "Answer a download of these report tables in this format, audited": the glue every report page
// with an export needs (plugins' report pages included, through app/plugin-api). The tables come
// with translated titles and headings and typed columns; this writes them as CSV (UTF-8 with a BOM,
// formula-safe) or as a real XLSX (one sheet per table, typed cells, Rupiah format), records the
// export in the audit log, and answers with the file.
import type { Database } from "../../../db/client.ts";
import { audit } from "../audit/audit.server.ts";
import { csvField } from "../contacts/contact-export.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor } from "../plugins/contract.ts";
import { reportWorkbook, type CellKind } from "./report-workbook.server.ts";

export const downloadFormats = ["csv", "xlsx"] as const;
export type DownloadFormat = (typeof downloadFormats)[number];

/** One table of a report as shown on its page: translated title and headings, each column with what it holds. */
export interface DownloadTable {
  title: string;
  /** `kind`: text, a count, Rupiah, a percent (given ×100, as on screen: 75 = 75 %), hours, days, a date `YYYY-MM-DD` or a month `YYYY-MM`. */
  columns: { key: string; header: string; kind: Exclude<CellKind, "unit">; width?: number }[];
  rows: Record<string, string | number | null>[];
}

/** Why a download was refused; each has a message in both languages (reports:download.errors.*). */
export type DownloadProblem = "format" | "invalidDate" | "tooLong" | "unknownBranch" | "filter";

/** `?format=`: csv when absent, null when it is something else (answer 400). */
export function downloadFormat(params: URLSearchParams): DownloadFormat | null {
  const asked = params.get("format");
  if (asked === null || asked === "") return "csv";
  return (downloadFormats as readonly string[]).includes(asked) ? (asked as DownloadFormat) : null;
}

/** A 400 with the reason in the user's language (plain text: the browser shows it instead of a file). */
export function downloadRefused(language: Language, problem: DownloadProblem): Response {
  return new Response(fixedT(language, "reports")(`download.errors.${problem}`), {
    status: 400,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" },
  });
}

/** A number as plain digits with a "." decimal point (rounded to 4 places), text formula-safe, empty for null. */
function csvCell(value: string | number | null | undefined) {
  if (value == null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(Math.round(value * 10_000) / 10_000) : "";
  return csvField(value);
}

/**
 * The tables as CSV text starting with a BOM. One table: its heading row, then its rows. Several
 * tables: each under a line with its title, separated by an empty line (a CSV has one sheet).
 */
export function tablesCsv(tables: DownloadTable[]): string {
  const sections = tables.map((table) => {
    const lines = [table.columns.map((c) => csvField(c.header)).join(",")];
    for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(row[c.key])).join(","));
    return tables.length > 1 ? [csvField(table.title), ...lines] : lines;
  });
  return `\uFEFF${sections.map((lines) => lines.join("\r\n")).join("\r\n\r\n")}\r\n`;
}

/** The tables as an .xlsx, one sheet per table named by its title. */
export function tablesXlsx(tables: DownloadTable[]): Promise<Buffer> {
  return reportWorkbook(
    tables.map((table) => ({
      name: table.title,
      columns: table.columns.map((c) => ({ header: c.header, kind: c.kind, width: c.width })),
      rows: table.rows.map((row) => ({ cells: table.columns.map((c) => row[c.key] ?? null) })),
    })),
  );
}

export interface ReportDownload {
  /** What was exported, for the audit log: e.g. `retail-pos.sales`. */
  report: string;
  format: DownloadFormat;
  /** The file name without extension, e.g. `penjualan-2026-10-01-2026-10-31`. */
  filename: string;
  /** The page's filters as they were applied (the audit keeps them), including the branches it covered. */
  filters: Record<string, string | string[] | null>;
  tables: DownloadTable[];
  ip?: string | null;
}

/** Writes the file, audits the export (who, which report, format, filters, row count) and answers with it. */
export async function answerReportDownload(db: Database, actor: Actor, input: ReportDownload): Promise<Response> {
  const rows = input.tables.reduce((n, t) => n + t.rows.length, 0);
  const body = input.format === "xlsx" ? new Uint8Array(await tablesXlsx(input.tables)) : tablesCsv(input.tables);
  await audit(db, actor, {
    action: "report.exported",
    entityType: "report",
    entityId: input.report,
    data: { format: input.format, filters: input.filters, rows },
    ip: input.ip ?? null,
  });
  const filename = input.filename.replace(/[^A-Za-z0-9._-]/g, "-");
  return new Response(body, {
    headers: {
      "Content-Type": input.format === "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}.${input.format}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
