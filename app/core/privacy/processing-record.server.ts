// The record of processing activities (UU PDP Art 31), generated from the declared purposes, as
// rows for the staff page and as an XLSX workbook for the authority or an auditor.
import ExcelJS from "exceljs";
import type { Language } from "../i18n/languages.ts";
import type { Translate } from "../plugins/contract.ts";
import type { ProcessingPurpose } from "./purposes.ts";

export interface ProcessingRecordRow {
  id: string;
  owner: string;
  name: string;
  description: string;
  legalBasis: string;
  generalData: string[];
  specificData: string[];
  retention: string;
  legalHold: string | null;
  processors: string[];
  recipients: string[];
}

/** One row per declared purpose, in the reader's language; `t` reads the privacy namespace. */
export function processingRecord(purposes: (ProcessingPurpose & { owner: string })[], language: Language, t: Translate): ProcessingRecordRow[] {
  return purposes.map((p) => ({
    id: p.id,
    owner: p.owner,
    name: p.name[language],
    description: p.description[language],
    legalBasis: t(`privacy:legalBases.${p.legalBasis}`),
    generalData: p.dataCategories.general.map((c) => t(`privacy:dataCategories.${c}`)),
    specificData: p.dataCategories.specific.map((c) => t(`privacy:dataCategories.${c}`)),
    retention: t("privacy:ropa.retentionDays", { count: p.retentionDays }),
    legalHold: p.legalHold ? t("privacy:ropa.legalHold", { years: p.legalHold.years, law: p.legalHold.law }) : null,
    processors: p.processors.map((x) => `${x.name} — ${x.role[language]} (${x.country})`),
    recipients: (p.recipients ?? []).map((r) => r[language]),
  }));
}

/** The record as an XLSX workbook (one sheet, a header row, one row per purpose). */
export async function processingRecordWorkbook(rows: ProcessingRecordRow[], t: Translate): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Nusa CRM";
  const sheet = workbook.addWorksheet(t("privacy:ropa.sheetName"));
  sheet.columns = [
    { header: t("privacy:ropa.columns.id"), key: "id", width: 30 },
    { header: t("privacy:ropa.columns.owner"), key: "owner", width: 22 },
    { header: t("privacy:ropa.columns.name"), key: "name", width: 30 },
    { header: t("privacy:ropa.columns.description"), key: "description", width: 60 },
    { header: t("privacy:ropa.columns.legalBasis"), key: "legalBasis", width: 28 },
    { header: t("privacy:ropa.columns.generalData"), key: "generalData", width: 40 },
    { header: t("privacy:ropa.columns.specificData"), key: "specificData", width: 30 },
    { header: t("privacy:ropa.columns.retention"), key: "retention", width: 20 },
    { header: t("privacy:ropa.columns.legalHold"), key: "legalHold", width: 40 },
    { header: t("privacy:ropa.columns.processors"), key: "processors", width: 60 },
    { header: t("privacy:ropa.columns.recipients"), key: "recipients", width: 30 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) {
    sheet.addRow({
      ...r,
      generalData: r.generalData.join(", "),
      specificData: r.specificData.join(", "),
      legalHold: r.legalHold ?? "",
      processors: r.processors.join("\n"),
      recipients: r.recipients.join(", "),
    });
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
