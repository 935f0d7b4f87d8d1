// Shows a chart drawn on the server: the SVG as received (no chart code in the browser), its caption,
// and "lihat sebagai tabel / view as table" with the same numbers for screen readers and printing.
import type { RenderedChart } from "./chart-types.ts";

export function ChartFigure({ chart, tableLabel }: { chart: RenderedChart; tableLabel: string }) {
  return (
    <figure className="chart" aria-labelledby={`${chart.id}-caption`}>
      <figcaption id={`${chart.id}-caption`}>{chart.title}</figcaption>
      {/* the SVG comes from renderChart on the server, whose every text is XML-escaped */}
      <div className="chart-image" dangerouslySetInnerHTML={{ __html: chart.svg }} />
      <details className="chart-table">
        <summary>{tableLabel}</summary>
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{chart.description}</caption>
            <thead>
              <tr>
                {chart.table.columns.map((c, i) => (
                  <th key={i} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {chart.table.rows.map((row, ri) => (
                <tr key={ri}>
                  {row.map((cell, ci) => (ci === 0 ? <th key={ci} scope="row">{cell}</th> : <td key={ci}>{cell}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
