// Charts drawn on the server as SVG strings (ADR 013): d3-scale for the scales, d3-shape for lines,
// areas and stacks, plain string templates for the markup. Nothing here reaches the browser: a page
// receives the finished SVG from its loader, so no chart JavaScript ships in the client bundle, and
// the same SVG becomes a PNG for e-mail. Every chart carries <title>/<desc> and a table alternative.
//
// The drawing is sized for a 360 px phone (viewBox 360 wide, 11-12 px text) and scales up to the
// figure's max width on a desktop; colours are Okabe-Ito (colour-blind safe) and print in grey.
import { scaleBand, scaleLinear, scalePoint } from "d3-scale";
import { area, line, stack } from "d3-shape";
import { numberLocale, type Language } from "../i18n/languages.ts";
import type { BarChartSpec, ChartSpec, ChartTable, FunnelSpec, HeatmapSpec, LineChartSpec, RenderedChart } from "./chart-types.ts";

export const chartPalette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

const width = 360;
const font = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"`;

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const plainFormat = (language: Language = "id") => (n: number) => new Intl.NumberFormat(numberLocale(language), { maximumFractionDigits: 1 }).format(n);

function svgOpen(id: string, height: number, spec: ChartSpec) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-labelledby="${id}-title ${id}-desc" class="chart-svg" ${font} font-size="11">` +
    `<title id="${id}-title">${escapeXml(spec.title)}</title><desc id="${id}-desc">${escapeXml(spec.description)}</desc>`
  );
}

/** Labels at most `max` evenly spaced categories so they never overlap on a phone. */
function labelEvery(count: number, max: number) {
  return Math.max(1, Math.ceil(count / max));
}

/**
 * The width of a text in a proportional sans font, in em: an estimate from character classes (the
 * server has no font metrics), on the wide side so a label never runs past the edge.
 */
export function textWidthEm(text: string): number {
  let em = 0;
  for (const c of text) {
    // sized on DejaVu Sans (what e-mail images are drawn with), one of the wider sans fonts
    if (" ".includes(c)) em += 0.32;
    else if ("iljtfrI.,:;'!|()[]".includes(c)) em += 0.36;
    else if ("mwMW@%".includes(c)) em += 0.98;
    else if (/[A-Z]/.test(c)) em += 0.76;
    else if (/[0-9]/.test(c)) em += 0.64;
    else em += 0.62;
  }
  return em;
}

/** The text, cut with "…" so it fits `maxPx` at `fontPx`. */
export function fitText(text: string, maxPx: number, fontPx: number): string {
  if (textWidthEm(text) * fontPx <= maxPx) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidthEm(`${chars.join("")}…`) * fontPx > maxPx) chars.pop();
  return `${chars.join("").trimEnd()}…`;
}

/** A label that may be cut: the full text stays in <title> (shown on hover, read by screen readers). */
function labelText(attributes: string, text: string, maxPx: number, fontPx = 11) {
  const shown = fitText(text, maxPx, fontPx);
  const title = shown === text ? "" : `<title>${escapeXml(text)}</title>`;
  return `<text ${attributes}>${title}${escapeXml(shown)}</text>`;
}

/** A legend under the plot: one row per two series. Returns the markup and the height it takes. */
function legend(names: string[], top: number): { markup: string; height: number } {
  if (names.length < 2) return { markup: "", height: 0 };
  const parts = names.map((name, i) => {
    const x = 8 + (i % 2) * 176;
    const y = top + Math.floor(i / 2) * 16;
    return `<rect x="${x}" y="${y}" width="10" height="10" fill="${chartPalette[i % chartPalette.length]}"/>${labelText(`x="${x + 14}" y="${y + 9}"`, name, 158)}`;
  });
  return { markup: `<g class="chart-legend">${parts.join("")}</g>`, height: Math.ceil(names.length / 2) * 16 + 4 };
}

function yAxis(y: (v: number) => number, ticks: number[], format: (v: number) => string, left: number, right: number) {
  return ticks
    .map((t) => {
      const py = y(t).toFixed(1);
      return `<line x1="${left}" x2="${right}" y1="${py}" y2="${py}" stroke="#d8dee4" stroke-width="1"/><text x="${left - 4}" y="${py}" dy="0.32em" text-anchor="end" fill="#4b5563">${escapeXml(format(t))}</text>`;
    })
    .join("");
}

/** Short axis labels: 1 200 000 -> "1,2 jt" style compactness keeps the left margin narrow. */
function compact(format: (v: number) => string, language: Language = "id") {
  return (v: number) => {
    const text = format(v);
    if (text.length <= 7) return text;
    return new Intl.NumberFormat(numberLocale(language), { notation: "compact", maximumFractionDigits: 1 }).format(v);
  };
}

function drawLine(id: string, spec: LineChartSpec): string {
  const format = spec.format ?? plainFormat(spec.language);
  const margin = { top: 10, right: 12, bottom: 28, left: 46 };
  const plotHeight = 170;
  const all = spec.series.flatMap((s) => s.values.filter((v): v is number => v != null));
  const max = Math.max(0, ...all);
  const min = Math.min(0, ...all);
  const x = scalePoint<number>()
    .domain(spec.categories.map((_, i) => i))
    .range([margin.left, width - margin.right])
    .padding(0.3);
  const y = scaleLinear()
    .domain([min, max === min ? min + 1 : max])
    .nice(4)
    .range([margin.top + plotHeight, margin.top]);
  const every = labelEvery(spec.categories.length, 6);
  const xLabels = spec.categories
    .map((c, i) => (i % every === 0 ? labelText(`x="${(x(i) ?? 0).toFixed(1)}" y="${margin.top + plotHeight + 16}" text-anchor="middle" fill="#4b5563"`, c, ((width - margin.left - margin.right) / spec.categories.length) * every - 4) : ""))
    .join("");
  const paths = spec.series
    .map((s, si) => {
      const colour = chartPalette[si % chartPalette.length];
      const points = s.values.map((v, i) => [i, v] as const);
      const defined = (d: readonly [number, number | null]) => d[1] != null;
      const lineD = line<readonly [number, number | null]>()
        .defined(defined)
        .x((d) => x(d[0]) ?? 0)
        .y((d) => y(d[1] ?? 0))(points);
      const areaD =
        spec.kind === "area"
          ? area<readonly [number, number | null]>()
              .defined(defined)
              .x((d) => x(d[0]) ?? 0)
              .y0(y(Math.max(0, min)))
              .y1((d) => y(d[1] ?? 0))(points)
          : null;
      const dots =
        s.values.length <= 31
          ? s.values.map((v, i) => (v == null ? "" : `<circle cx="${(x(i) ?? 0).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${colour}"/>`)).join("")
          : "";
      return `${areaD ? `<path d="${areaD}" fill="${colour}" fill-opacity="0.18" stroke="none"/>` : ""}<path d="${lineD ?? ""}" fill="none" stroke="${colour}" stroke-width="2" stroke-linejoin="round"/>${dots}`;
    })
    .join("");
  const leg = legend(
    spec.series.map((s) => s.name),
    margin.top + plotHeight + margin.bottom,
  );
  const height = margin.top + plotHeight + margin.bottom + leg.height;
  return `${svgOpen(id, height, spec)}${yAxis(y, y.ticks(4), compact(format, spec.language), margin.left, width - margin.right)}${xLabels}${paths}${leg.markup}</svg>`;
}

function drawBars(id: string, spec: BarChartSpec): string {
  const format = spec.format ?? plainFormat(spec.language);
  const stacked = spec.kind === "stackedBar";
  const rows = spec.categories.map((_, ci) => Object.fromEntries(spec.series.map((s, si) => [String(si), s.values[ci] ?? 0])));
  const keys = spec.series.map((_, si) => String(si));
  const layers = stack<Record<string, number>>().keys(keys)(rows);
  const max = stacked ? Math.max(0, ...layers.flatMap((l) => l.map((d) => d[1]))) : Math.max(0, ...spec.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  type Segment = { ci: number; si: number; v0: number; v1: number };
  const segments: Segment[] = stacked
    ? layers.flatMap((layer, si) => layer.map((d, ci) => ({ ci, si, v0: d[0], v1: d[1] })))
    : spec.series.flatMap((s, si) => s.values.map((v, ci) => ({ ci, si, v0: 0, v1: v ?? 0 })));
  const leg = legend(
    spec.series.map((s) => s.name),
    0,
  );

  if (spec.horizontal) {
    // the left margin grows with the longest category name (up to 45% of the width); longer ones are cut
    const longest = Math.max(0, ...spec.categories.map((c) => textWidthEm(c) * 11));
    const margin = { top: 6, right: 46, bottom: 6, left: Math.round(Math.min(width * 0.45, Math.max(60, longest + 8))) };
    const band = stacked ? 22 : Math.max(12, 8 * spec.series.length) + 8;
    const plotHeight = band * spec.categories.length;
    const y = scaleBand<number>()
      .domain(spec.categories.map((_, i) => i))
      .range([margin.top, margin.top + plotHeight])
      .padding(0.2);
    const inner = scaleBand<number>()
      .domain(spec.series.map((_, i) => i))
      .range([0, y.bandwidth()])
      .padding(0.05);
    const x = scaleLinear()
      .domain([0, max || 1])
      .range([margin.left, width - margin.right]);
    const bars = segments
      .map((s) => {
        const top = (y(s.ci) ?? 0) + (stacked ? 0 : (inner(s.si) ?? 0));
        const h = stacked ? y.bandwidth() : inner.bandwidth();
        return `<rect x="${x(s.v0).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(0, x(s.v1) - x(s.v0)).toFixed(1)}" height="${h.toFixed(1)}" fill="${chartPalette[s.si % chartPalette.length]}"/>`;
      })
      .join("");
    const labels = spec.categories
      .map((c, ci) => {
        const cy = ((y(ci) ?? 0) + y.bandwidth() / 2).toFixed(1);
        const total = stacked ? spec.series.reduce((sum, s) => sum + (s.values[ci] ?? 0), 0) : Math.max(...spec.series.map((s) => s.values[ci] ?? 0));
        return `${labelText(`x="${margin.left - 4}" y="${cy}" dy="0.32em" text-anchor="end" fill="#1f2937"`, c, margin.left - 6)}<text x="${(x(total) + 3).toFixed(1)}" y="${cy}" dy="0.32em" fill="#4b5563">${escapeXml(compact(format, spec.language)(total))}</text>`;
      })
      .join("");
    const top = margin.top + plotHeight + margin.bottom;
    const legMoved = legend(
      spec.series.map((s) => s.name),
      top,
    );
    return `${svgOpen(id, top + legMoved.height, spec)}${bars}${labels}${legMoved.markup}</svg>`;
  }

  const margin = { top: 10, right: 8, bottom: 28, left: 46 };
  const plotHeight = 170;
  const x = scaleBand<number>()
    .domain(spec.categories.map((_, i) => i))
    .range([margin.left, width - margin.right])
    .padding(0.2);
  const inner = scaleBand<number>()
    .domain(spec.series.map((_, i) => i))
    .range([0, x.bandwidth()])
    .padding(0.05);
  const y = scaleLinear()
    .domain([0, max || 1])
    .nice(4)
    .range([margin.top + plotHeight, margin.top]);
  const bars = segments
    .map((s) => {
      const left = (x(s.ci) ?? 0) + (stacked ? 0 : (inner(s.si) ?? 0));
      const w = stacked ? x.bandwidth() : inner.bandwidth();
      return `<rect x="${left.toFixed(1)}" y="${y(s.v1).toFixed(1)}" width="${w.toFixed(1)}" height="${Math.max(0, y(s.v0) - y(s.v1)).toFixed(1)}" fill="${chartPalette[s.si % chartPalette.length]}"/>`;
    })
    .join("");
  const every = labelEvery(spec.categories.length, 6);
  const xLabels = spec.categories
    .map((c, i) =>
      i % every === 0 ? labelText(`x="${((x(i) ?? 0) + x.bandwidth() / 2).toFixed(1)}" y="${margin.top + plotHeight + 16}" text-anchor="middle" fill="#4b5563"`, c, x.step() * every - 4) : "",
    )
    .join("");
  const top = margin.top + plotHeight + margin.bottom;
  const legMoved = leg.markup
    ? legend(
        spec.series.map((s) => s.name),
        top,
      )
    : leg;
  return `${svgOpen(id, top + legMoved.height, spec)}${yAxis(y, y.ticks(4), compact(format, spec.language), margin.left, width - margin.right)}${bars}${xLabels}${legMoved.markup}</svg>`;
}

function drawHeatmap(id: string, spec: HeatmapSpec): string {
  const format = spec.format ?? plainFormat(spec.language);
  // room for the longest row label ("11/26", "Senin"), up to a third of the width
  const longestLabel = Math.max(0, ...spec.rows.map((r) => textWidthEm(r) * 11));
  const margin = { top: 18, right: 4, bottom: 30, left: Math.round(Math.min(width / 3, Math.max(40, longestLabel + 10))) };
  const cell = Math.min(28, (width - margin.left - margin.right) / Math.max(1, spec.columns.length));
  const rowHeight = 24;
  const values = spec.values.flat().filter((v): v is number => v != null);
  const max = Math.max(0, ...values);
  const colour = scaleLinear<string>()
    .domain([0, max || 1])
    .range(["#f1f5f9", "#b45309"]);
  const cells = spec.values
    .flatMap((row, ri) =>
      row.map((v, ci) => {
        const x = margin.left + ci * cell;
        const y = margin.top + ri * rowHeight;
        const title = `${spec.rows[ri]} · ${spec.columns[ci]}: ${v == null ? "–" : format(v)}`;
        return `<rect x="${x.toFixed(1)}" y="${y}" width="${(cell - 1).toFixed(1)}" height="${rowHeight - 1}" fill="${v == null ? "#ffffff" : colour(v)}" stroke="#e5e7eb" stroke-width="0.5"><title>${escapeXml(title)}</title></rect>`;
      }),
    )
    .join("");
  const rowLabels = spec.rows.map((r, ri) => labelText(`x="${margin.left - 4}" y="${margin.top + ri * rowHeight + rowHeight / 2}" dy="0.32em" text-anchor="end" fill="#1f2937"`, r, margin.left - 6)).join("");
  const every = labelEvery(spec.columns.length, 8);
  const colLabels = spec.columns
    .map((c, ci) => (ci % every === 0 ? labelText(`x="${(margin.left + ci * cell + cell / 2).toFixed(1)}" y="${margin.top - 5}" text-anchor="middle" fill="#4b5563"`, c, cell * every - 2) : ""))
    .join("");
  const bottom = margin.top + spec.rows.length * rowHeight + 8;
  const scaleKey = `<rect x="${margin.left}" y="${bottom}" width="12" height="12" fill="#f1f5f9" stroke="#e5e7eb"/><text x="${margin.left + 16}" y="${bottom + 10}">${escapeXml(format(0))}</text><rect x="${margin.left + 90}" y="${bottom}" width="12" height="12" fill="#b45309"/><text x="${margin.left + 106}" y="${bottom + 10}">${escapeXml(format(max))}</text>`;
  return `${svgOpen(id, bottom + margin.bottom - 8, spec)}${colLabels}${rowLabels}${cells}${scaleKey}</svg>`;
}

function drawFunnel(id: string, spec: FunnelSpec): string {
  const format = spec.format ?? plainFormat(spec.language);
  const first = spec.stages[0]?.value ?? 0;
  const rowHeight = 40;
  const x = scaleLinear()
    .domain([0, Math.max(1, ...spec.stages.map((s) => s.value))])
    .range([0, width - 16]);
  const rows = spec.stages
    .map((s, i) => {
      const w = Math.max(2, x(s.value));
      const y = 4 + i * rowHeight;
      const share = first > 0 ? ` (${Math.round((s.value / first) * 100)}%)` : "";
      return `<rect x="${((width - w) / 2).toFixed(1)}" y="${y + 16}" width="${w.toFixed(1)}" height="18" rx="3" fill="${chartPalette[i % chartPalette.length]}"/><text x="${width / 2}" y="${y + 11}" text-anchor="middle" fill="#1f2937" font-size="12">${escapeXml(`${s.name}: ${format(s.value)}${share}`)}</text>`;
    })
    .join("");
  return `${svgOpen(id, spec.stages.length * rowHeight + 8, spec)}${rows}</svg>`;
}

/** The chart's numbers as a table, formatted as on the chart. */
export function chartTable(spec: ChartSpec, labels: { category: string; stage: string; value: string }): ChartTable {
  const format = spec.format ?? plainFormat(spec.language);
  const cell = (v: number | null) => (v == null ? "–" : format(v));
  switch (spec.kind) {
    case "line":
    case "area":
    case "stackedBar":
    case "groupedBar":
      return {
        columns: [labels.category, ...(spec.series.length === 1 ? [spec.series[0].name || labels.value] : spec.series.map((s) => s.name))],
        rows: spec.categories.map((c, ci) => [c, ...spec.series.map((s) => cell(s.values[ci] ?? null))]),
      };
    case "heatmap":
      return { columns: ["", ...spec.columns], rows: spec.rows.map((r, ri) => [r, ...spec.columns.map((_, ci) => cell(spec.values[ri]?.[ci] ?? null))]) };
    case "funnel":
      return { columns: [labels.stage, labels.value], rows: spec.stages.map((s) => [s.name, format(s.value)]) };
  }
}

/**
 * Draws a chart as an SVG string with <title> and <desc>, and its table alternative. `id` must be
 * unique on the page (it names the title and description for aria-labelledby).
 */
export function renderChart(
  id: string,
  spec: ChartSpec,
  labels: { category: string; stage: string; value: string } = { category: "", stage: "", value: "" },
): RenderedChart {
  const safeId = id.replace(/[^A-Za-z0-9_-]/g, "-");
  let svg: string;
  switch (spec.kind) {
    case "line":
    case "area":
      svg = drawLine(safeId, spec);
      break;
    case "stackedBar":
    case "groupedBar":
      svg = drawBars(safeId, spec);
      break;
    case "heatmap":
      svg = drawHeatmap(safeId, spec);
      break;
    case "funnel":
      svg = drawFunnel(safeId, spec);
      break;
  }
  return { id: safeId, title: spec.title, description: spec.description, svg, table: chartTable(spec, labels) };
}
