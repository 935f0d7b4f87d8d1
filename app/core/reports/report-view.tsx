// The parts of a report page: the period/branch filter (a plain GET form: works without JS), KPI
// tiles whose definition and denominator show on hover and keyboard focus, and server-drawn charts.
import { useTranslation } from "react-i18next";
import { ChartFigure } from "../charts/chart-figure.tsx";
import type { RenderedChart } from "../charts/chart-types.ts";
import { rangePresets } from "../time/local-time.ts";
import type { TileView } from "./dashboard.server.ts";
import type { ReportProblem, ReportRequest } from "./kpis.server.ts";

export function ReportFilters(props: {
  request: ReportRequest;
  branches: { id: string; name: string }[];
  allBranches: boolean;
  dashboards?: { current: string; ids: readonly string[] };
  dimensions?: { current: string | null; ids: readonly string[] };
  action?: string;
}) {
  const { t } = useTranslation("reports");
  const { request } = props;
  return (
    <form method="get" action={props.action} className="report-filters card" aria-label={t("range.label")}>
      {props.dashboards ? (
        <label>
          {t("dashboardLabel")}
          <select name="dashboard" defaultValue={props.dashboards.current}>
            {props.dashboards.ids.map((id) => (
              <option key={id} value={id}>
                {t(`dashboards.${id}`)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        {t("range.label")}
        <select name="range" defaultValue={request.preset}>
          {[...rangePresets, "custom" as const].map((p) => (
            <option key={p} value={p}>
              {t(`range.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("range.from")}
        <input type="date" name="from" defaultValue={request.range.from} />
      </label>
      <label>
        {t("range.to")}
        <input type="date" name="to" defaultValue={request.range.to} />
      </label>
      <label>
        {t("branch.label")}
        <select name="branch" defaultValue={request.branchId ?? ""}>
          <option value="">{props.allBranches ? t("branch.all") : t("branch.allMine")}</option>
          {props.branches.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      {props.dimensions && props.dimensions.ids.length ? (
        <label>
          {t("dimension.label")}
          <select name="dimension" defaultValue={props.dimensions.current ?? ""}>
            <option value="">{t("dimension.none")}</option>
            {props.dimensions.ids.map((d) => (
              <option key={d} value={d}>
                {t(`dimension.${d}`)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="submit" className="button">
        {t("range.apply")}
      </button>
    </form>
  );
}

export function ReportProblems({ problems }: { problems: ReportProblem[] }) {
  const { t } = useTranslation("reports");
  if (!problems.length) return null;
  return (
    <div className="alert warn" role="status">
      {problems.map((p) => (
        <p key={p}>{t(`problems.${p}`)}</p>
      ))}
    </div>
  );
}

export function KpiTiles({ tiles, label }: { tiles: TileView[]; label: string }) {
  const { t } = useTranslation("reports");
  if (!tiles.length) return <p className="muted">{t("empty")}</p>;
  return (
    <section className="kpi-tiles" aria-label={label}>
      {tiles.map((tile) => {
        const tipId = `tip-${tile.id.replace(/[^A-Za-z0-9-]/g, "-")}`;
        return (
          <a key={tile.id} className="card kpi-tile" href={tile.href} aria-describedby={tipId}>
            <span className="stat-label">{tile.name}</span>
            <span className="stat">{tile.value}</span>
            {tile.snapshot ? (
              <span className="kpi-change muted">{t("tile.now")}</span>
            ) : tile.change ? (
              <span className={`kpi-change ${tile.change.good ? "good" : "bad"}`}>
                <span aria-hidden="true">{tile.change.direction === "up" ? "▲ " : tile.change.direction === "down" ? "▼ " : "= "}</span>
                {tile.change.text}
              </span>
            ) : (
              <span className="kpi-change muted">{t("tile.noPrevious")}</span>
            )}
            <span className="kpi-tip" role="tooltip" id={tipId}>
              {tile.definition}{" "}
              {t("tile.numerator", { numerator: `${tile.numeratorLabel} = ${tile.numerator}` })}
              {tile.denominatorLabel ? ` · ${t("tile.denominator", { denominator: `${tile.denominatorLabel} = ${tile.denominator}` })}` : ""}
            </span>
          </a>
        );
      })}
    </section>
  );
}

export function ChartGrid({ charts }: { charts: RenderedChart[] }) {
  const { t } = useTranslation("reports");
  if (!charts.length) return null;
  return (
    <section className="grid three chart-grid">
      {charts.map((c) => (
        <div className="card" key={c.id}>
          <ChartFigure chart={c} tableLabel={t("viewAsTable")} />
        </div>
      ))}
    </section>
  );
}
