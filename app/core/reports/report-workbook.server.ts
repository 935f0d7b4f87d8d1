// Report workbooks: one sheet per table, written by exceljs' streaming writer. Cells keep their type:
// numbers stay numbers (a percent as a fraction with a % format, Rupiah with a Rupiah format), dates
// are dates, headings come translated. Used by KPI exports, the management report and scheduled e-mails.
import type { KpiUnit } from "../plugins/contract.ts";

/** What a column holds; `unit` takes each row's own unit (a summary mixing counts, % and Rupiah); `month` is `YYYY-MM`. */
export type CellKind = KpiUnit | "text" | "date" | "month" | "unit";

export interface WorkbookColumn {
  header: string;
  kind: CellKind;
  width?: number;
}

export interface WorkbookSheet {
  name: string;
  columns: WorkbookColumn[];
  /** Cells in column order; a date is a local date `YYYY-MM-DD`, a month `YYYY-MM`; null leaves the cell empty. */
  rows: { cells: (string | number | null)[]; unit?: KpiUnit }[];
}

export const numberFormats: Record<KpiUnit | "date" | "month", string> = {
  count: "#,##0.##",
  percent: "0.0%",
  rupiah: '"Rp" #,##0',
  hours: "0.0",
  days: "0.0",
  date: "yyyy-mm-dd",
  month: "yyyy-mm",
};

/** A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetName(wanted: string, used: Set<string>) {
  let name = wanted.replace(/[:\\/?*[\]]/g, " ").slice(0, 31).trim() || "Sheet";
  for (let n = 2; used.has(name); n++) name = `${wanted.replace(/[:\\/?*[\]]/g, " ").slice(0, 27).trim()} ${n}`;
  used.add(name);
  return name;
}

function cellValue(kind: KpiUnit | "text" | "date" | "month", value: string | number | null) {
  if (value == null) return null;
  if (kind === "text") return String(value);
  if (kind === "date") return typeof value === "string" ? new Date(`${value}T00:00:00Z`) : value;
  if (kind === "month") return typeof value === "string" ? new Date(`${value}-01T00:00:00Z`) : value;
  const n = Number(value);
  if (!Number.isFinite(n)) return null;
  return kind === "percent" ? n / 100 : n;
}

/** The sheets as an .xlsx file. */
export async function reportWorkbook(sheets: WorkbookSheet[]): Promise<Buffer> {
  const ExcelJS = (await import("exceljs")).default;
  const { PassThrough } = await import("node:stream");
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on("end", () => resolve());
    stream.on("error", reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const used = new Set<string>();
  for (const table of sheets) {
    const sheet = workbook.addWorksheet(sheetName(table.name, used), { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = table.columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width ?? (c.kind === "text" ? 32 : 16) }));
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) {
      const added = sheet.addRow(row.cells.map((value, i) => {
        const column = table.columns[i];
        const kind = column?.kind === "unit" ? (row.unit ?? "count") : (column?.kind ?? "text");
        return cellValue(kind, value);
      }));
      table.columns.forEach((column, i) => {
        const kind = column.kind === "unit" ? (row.unit ?? "count") : column.kind;
        if (kind !== "text") added.getCell(i + 1).numFmt = numberFormats[kind];
      });
      added.commit();
    }
    sheet.commit();
  }
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}
