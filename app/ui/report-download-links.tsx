// The "Ekspor CSV · Ekspor XLSX" pair of a report page: links to its export route carrying the
// page's current filters (the route answers with answerReportDownload). Needs the "reports" namespace.
import { useTranslation } from "react-i18next";

/** `href` is the export route's path, `query` the page's filters as applied (format is added here). */
export function ReportDownloadLinks({ href, query }: { href: string; query: Record<string, string | null | undefined> }) {
  const { t } = useTranslation("reports");
  const link = (format: "csv" | "xlsx") => {
    const params = new URLSearchParams({ format });
    for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
    return `${href}?${params.toString()}`;
  };
  return (
    <p className="report-downloads">
      <a href={link("csv")} title={t("download.csvTitle")} download>
        {t("download.csv")}
      </a>
      {" · "}
      <a href={link("xlsx")} title={t("download.xlsxTitle")} download>
        {t("download.xlsx")}
      </a>
    </p>
  );
}
