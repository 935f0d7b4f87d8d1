// The RFM tables a page shows (grid, segment totals, movement); figures arrive formatted from
// rfm-views.server.ts. Client-safe.
import { useTranslation } from "react-i18next";
import type { GridView, MovementView, ScorePanelView, TotalView } from "./rfm-views.server.ts";

export function RfmGridTable({ grid }: { grid: GridView }) {
  const { t } = useTranslation("analytics");
  return (
    <div className="matrix-scroll">
      <table className="matrix">
        <caption className="muted">{t("rfm.grid.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">
              {t("rfm.grid.recency")} \ {t("rfm.grid.frequency")}
            </th>
            {[1, 2, 3, 4, 5].map((f) => (
              <th key={f} scope="col">
                F {f}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row) => (
            <tr key={row.r}>
              <th scope="row">R {row.r}</th>
              {row.cells.map((cell) => (
                <td key={cell.f} className={cell.empty ? "empty" : undefined}>
                  {cell.customers}
                  {cell.revenue !== null ? <small>{cell.revenue}</small> : null}
                  <small>{cell.segment}</small>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SegmentTotalsTable({ totals }: { totals: TotalView[] }) {
  const { t } = useTranslation("analytics");
  const c = (k: string) => t(`rfm.totals.${k}`);
  return (
    <table className="data">
      <thead>
        <tr>
          <th>{c("segment")}</th>
          <th className="num">{c("customers")}</th>
          <th className="num">{c("revenue")}</th>
          <th className="num">{c("meanPAlive")}</th>
          <th className="num">{c("totalClv")}</th>
        </tr>
      </thead>
      <tbody>
        {totals.map((s) => (
          <tr key={s.segment}>
            <td data-label={c("segment")}>
              <strong>{s.label}</strong>
              <div className="muted">{s.hint}</div>
            </td>
            <td data-label={c("customers")} className="num">
              {s.customers}
            </td>
            <td data-label={c("revenue")} className="num">
              {s.revenue}
            </td>
            <td data-label={c("meanPAlive")} className="num">
              {s.meanPAlive}
            </td>
            <td data-label={c("totalClv")} className="num">
              {s.totalClv}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MovementTable({ movement }: { movement: MovementView }) {
  const { t } = useTranslation("analytics");
  return (
    <>
      <p className="muted">{movement.intro}</p>
      <div className="matrix-scroll">
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col">{t("rfm.movement.fromTo")}</th>
              {movement.states.map((s) => (
                <th key={s} scope="col">
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {movement.states.map((from, i) => (
              <tr key={from}>
                <th scope="row">{from}</th>
                {movement.counts[i].map((n, j) => (
                  <td key={j} className={n === "0" ? "empty" : undefined}>
                    {n}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The contact 360's score card: one figure and one plain sentence per score. */
export function ScorePanel({ view, moreHref }: { view: ScorePanelView; moreHref?: string }) {
  const { t } = useTranslation("analytics");
  return (
    <section className="card score-panel" aria-labelledby="score-panel-title">
      <h2 id="score-panel-title">{view.title}</h2>
      {view.empty ? (
        <p className="muted">{view.empty}</p>
      ) : (
        <>
          <dl className="details">
            {view.rows.map((row) => (
              <div key={row.label}>
                <dt>{row.label}</dt>
                <dd>
                  <strong>{row.value}</strong>
                  <small>{row.sentence}</small>
                </dd>
              </div>
            ))}
          </dl>
          {view.snapshot ? <p className="muted">{view.snapshot}</p> : null}
        </>
      )}
      {moreHref ? (
        <p className="card-footer-link">
          <a href={moreHref}>{t("panel.more")}</a>
        </p>
      ) : null}
    </section>
  );
}
