// What a chart shows, as plain data: built by a loader, drawn to SVG on the server (charts.server.ts),
// shown by <ChartFigure> with its table alternative. Client-safe: no server imports, no d3.
import type { Language } from "../i18n/languages.ts";

/** One named series of values, one value per category (null = no data for that category). */
export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

interface ChartBase {
  /** Read by screen readers (<title>) and shown as the figure's caption. */
  title: string;
  /** One or two sentences saying what the chart shows (<desc>). */
  description: string;
  /** Formats a value for axis labels, data labels and the table (e.g. Rupiah or %); plain numbers when absent. */
  format?: (value: number) => string;
  /** The reader's language, for numbers the chart formats itself (axis ticks shortened to "1,2 jt" / "1.2M"). */
  language?: Language;
}

/** Trends over time: categories are the x axis (days, weeks, months), each series one line. */
export interface LineChartSpec extends ChartBase {
  kind: "line" | "area";
  categories: string[];
  series: ChartSeries[];
}

/** Bars per category: stacked (parts of a whole) or grouped (side by side). */
export interface BarChartSpec extends ChartBase {
  kind: "stackedBar" | "groupedBar";
  categories: string[];
  series: ChartSeries[];
  /** Horizontal bars read better with long category names (poli, product) on a phone. */
  horizontal?: boolean;
}

/** A grid of values, e.g. no-show rate by weekday (rows) × hour (columns). */
export interface HeatmapSpec extends ChartBase {
  kind: "heatmap";
  rows: string[];
  columns: string[];
  /** values[row][column]; null = nothing to show in that cell. */
  values: (number | null)[][];
}

/** Stages of a lifecycle, each a count of records that reached it (e.g. referral sent → accepted → visited). */
export interface FunnelSpec extends ChartBase {
  kind: "funnel";
  stages: { name: string; value: number }[];
}

export type ChartSpec = LineChartSpec | BarChartSpec | HeatmapSpec | FunnelSpec;

/** The same numbers as a table: the chart's text alternative ("lihat sebagai tabel"). */
export interface ChartTable {
  columns: string[];
  rows: string[][];
}

/** A chart drawn on the server: the SVG markup (with <title>/<desc>) and its table alternative. */
export interface RenderedChart {
  id: string;
  title: string;
  description: string;
  svg: string;
  table: ChartTable;
}
