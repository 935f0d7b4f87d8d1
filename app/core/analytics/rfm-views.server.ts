// What the pages show of the RFM snapshots, formatted and translated on the server: the R × F grid
// with counts and revenue, totals per segment, the month-over-month movement matrix, the CLV
// distribution (server SVG via app/core/charts) and a contact's panel with one plain sentence per
// score. Every figure passes through a formatter that shows "–" for anything not finite.
import { scaleLinear } from "d3-scale";
import type { Database } from "../../../db/client.ts";
import { renderChart } from "../charts/charts.server.ts";
import type { RenderedChart } from "../charts/chart-types.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { formatDateTime, formatLocalDate, formatNumber, formatRupiah } from "../i18n/format.ts";
import type { Language } from "../i18n/languages.ts";
import { numberLocale } from "../i18n/languages.ts";
import type { Actor } from "../plugins/contract.ts";
import {
  clvValues,
  listSnapshotRuns,
  movementStates,
  rfmGrid,
  scoreScopeOf,
  segmentMovement,
  segmentTotals,
  snapshotMonthBefore,
  snapshotRun,
  type ContactScores,
  type GridCell,
  type SnapshotRun,
} from "./rfm-reading.server.ts";
import { rfmSegmentOf, type Quintile, type RfmSegmentKey } from "./rfm.ts";
import { analyticsTimeZone } from "./rfm-snapshots.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

const dash = "–";
const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

export function formatScorePercent(p: number | null | undefined, language: Language) {
  return finite(p) ? new Intl.NumberFormat(numberLocale(language), { style: "percent", maximumFractionDigits: 0 }).format(Math.min(1, Math.max(0, p))) : dash;
}
export function formatScoreRupiah(v: number | null | undefined, language: Language) {
  return finite(v) ? formatRupiah(Math.round(v), language) : dash;
}
export function formatScoreCount(v: number | null | undefined, language: Language, digits = 1) {
  return finite(v) ? new Intl.NumberFormat(numberLocale(language), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v) : dash;
}

export interface RunView {
  snapshotDate: string;
  heading: string;
  intro: string;
  measure: SnapshotRun["measure"];
  customers: number;
  /** Why p(alive) and CLV are missing, in a sentence; null when the models gave scores. */
  problem: string | null;
}

function runView(run: SnapshotRun, language: Language): RunView {
  const t = fixedT(language, "analytics");
  const date = formatLocalDate(run.snapshotDate, language, "medium");
  return {
    snapshotDate: run.snapshotDate,
    heading: t("rfm.snapshotOf", { date, computedAt: formatDateTime(run.computedAt, language, analyticsTimeZone), trigger: t(`rfm.triggers.${run.trigger}`) }),
    intro: t(run.measure === "visit" ? "rfm.introVisits" : "rfm.intro", { days: formatNumber(run.windowDays, language), date }),
    measure: run.measure,
    customers: run.customers,
    problem: run.modelProblem ? t(`rfm.problems.${run.modelProblem}`) : null,
  };
}

export interface GridView {
  /** R 5 first; each row F 1 … 5. */
  rows: { r: number; cells: { f: number; customers: string; revenue: string | null; segment: string; empty: boolean }[] }[];
}

function gridView(cells: GridCell[], withRevenue: boolean, language: Language): GridView {
  const t = fixedT(language, "analytics");
  const rows: GridView["rows"] = [];
  for (let r = 5; r >= 1; r--) {
    rows.push({
      r,
      cells: cells
        .filter((c) => c.r === r)
        .map((c) => ({
          f: c.f,
          customers: t("rfm.grid.cell", { count: c.customers, n: formatNumber(c.customers, language) }),
          revenue: withRevenue ? formatScoreRupiah(c.customers ? (c.revenue ?? 0) : 0, language) : null,
          segment: t(`rfm.segments.${rfmSegmentOf(c.r as Quintile, c.f as Quintile)}`),
          empty: c.customers === 0,
        })),
    });
  }
  return { rows };
}

function gridChart(cells: GridCell[], date: string, language: Language, id: string): RenderedChart {
  const t = fixedT(language, "analytics");
  return renderChart(id, {
    kind: "heatmap",
    title: t("rfm.grid.chartTitle"),
    description: t("rfm.grid.chartDesc", { date: formatLocalDate(date, language, "medium") }),
    rows: [5, 4, 3, 2, 1].map((r) => `R ${r}`),
    columns: [1, 2, 3, 4, 5].map((f) => `F ${f}`),
    values: [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((f) => cells.find((c) => c.r === r && c.f === f)?.customers ?? 0)),
    format: (v) => formatNumber(v, language),
  });
}

/**
 * Histogram bins over [0, the 99th percentile] with round edges (d3's nice ticks); the last bin
 * also holds the few above it, so one very large customer does not squash the rest.
 */
export function clvBins(values: number[]): { from: number; to: number; count: number }[] {
  const sorted = values.filter((v) => Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const top = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * (sorted.length - 1)))];
  if (!(top > 0)) return [{ from: 0, to: sorted[sorted.length - 1], count: sorted.length }];
  const edges = scaleLinear().domain([0, top]).nice(8).ticks(8);
  const bins = edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1], count: 0 }));
  for (const v of sorted) {
    const i = bins.findIndex((b) => v < b.to);
    bins[i === -1 ? bins.length - 1 : i].count++;
  }
  return bins;
}

function clvChart(values: number[], date: string, language: Language, id: string): RenderedChart | null {
  const bins = clvBins(values);
  if (bins.length === 0) return null;
  const t = fixedT(language, "analytics");
  const rupiah = (v: number) => formatRupiah(Math.round(v), language);
  return renderChart(
    id,
    {
      kind: "groupedBar",
      title: t("rfm.clv.title"),
      description: t("rfm.clv.desc", { date: formatLocalDate(date, language, "medium") }),
      categories: bins.map((b) => t("rfm.clv.bin", { from: rupiah(b.from), to: rupiah(b.to) })),
      series: [{ name: t("rfm.clv.customers"), values: bins.map((b) => b.count) }],
      format: (v) => formatNumber(v, language),
      horizontal: true,
    },
    { category: t("rfm.clv.title"), stage: "", value: t("rfm.clv.customers") },
  );
}

export interface TotalView {
  segment: RfmSegmentKey;
  label: string;
  hint: string;
  customers: string;
  revenue: string;
  meanPAlive: string;
  totalClv: string;
}

export interface MovementView {
  intro: string;
  states: string[];
  /** counts[from][to], formatted; the states' order. */
  counts: string[][];
}

export interface RfmOverview {
  run: RunView | null;
  snapshots: { date: string; label: string }[];
  notice: string | null;
  grid: GridView | null;
  gridChart: RenderedChart | null;
  totals: TotalView[];
  movement: MovementView | null;
  movementMissing: string | null;
  clvChart: RenderedChart | null;
  clvMissing: string | null;
}

/** The /staff/analytics page's model for a snapshot date (the newest when absent or unknown). */
export async function rfmOverview(db: Database, actor: StaffActor, input: { date: string | null; language: Language }): Promise<RfmOverview> {
  const { language } = input;
  const t = fixedT(language, "analytics");
  const scope = scoreScopeOf(actor);
  const runs = await listSnapshotRuns(db);
  const snapshots = runs.map((r) => ({ date: r.snapshotDate, label: formatLocalDate(r.snapshotDate, language, "medium") }));
  let run = input.date ? (runs.find((r) => r.snapshotDate === input.date) ?? null) : (runs[0] ?? null);
  const notice = input.date && !run ? t("rfm.errors.unknownSnapshot") : null;
  run ??= runs[0] ?? (await snapshotRun(db));
  const empty = { snapshots, notice, grid: null, gridChart: null, totals: [], movement: null, movementMissing: null, clvChart: null, clvMissing: null };
  if (!run) return { run: null, ...empty };
  const withRevenue = run.measure === "purchase";
  const [cells, totals, previous, clv] = await Promise.all([
    rfmGrid(db, run.snapshotDate, scope),
    segmentTotals(db, run.snapshotDate, scope),
    snapshotMonthBefore(db, run.snapshotDate),
    clvValues(db, run.snapshotDate, scope),
  ]);
  let movement: MovementView | null = null;
  if (previous) {
    const moves = await segmentMovement(db, previous.snapshotDate, run.snapshotDate, scope);
    movement = {
      intro: t("rfm.movement.intro", { from: formatLocalDate(previous.snapshotDate, language, "medium"), to: formatLocalDate(run.snapshotDate, language, "medium") }),
      states: movementStates.map((s) => t(`rfm.segments.${s}`)),
      counts: movementStates.map((from) => movementStates.map((to) => formatNumber(moves.find((m) => m.from === from && m.to === to)?.customers ?? 0, language))),
    };
  }
  const chart = clvChart(clv, run.snapshotDate, language, "rfm-clv");
  return {
    run: runView(run, language),
    snapshots,
    notice,
    grid: gridView(cells, withRevenue, language),
    gridChart: gridChart(cells, run.snapshotDate, language, "rfm-grid"),
    totals: totals.map((s) => ({
      segment: s.segment,
      label: t(`rfm.segments.${s.segment}`),
      hint: t(`rfm.segmentHints.${s.segment}`),
      customers: formatNumber(s.customers, language),
      revenue: withRevenue ? formatScoreRupiah(s.customers ? (s.revenue ?? 0) : null, language) : dash,
      meanPAlive: formatScorePercent(s.meanPAlive, language),
      totalClv: formatScoreRupiah(s.totalClv, language),
    })),
    movement,
    movementMissing: movement ? null : t("rfm.movement.none"),
    clvChart: chart,
    clvMissing: chart ? null : t("rfm.clv.none"),
  };
}

/** The marketing dashboard's part: the segment grid and the CLV distribution of the newest snapshot. */
export async function marketingScoreCharts(db: Database, actor: StaffActor, language: Language): Promise<RenderedChart[]> {
  const run = await snapshotRun(db);
  if (!run) return [];
  const scope = scoreScopeOf(actor);
  const [cells, clv] = await Promise.all([rfmGrid(db, run.snapshotDate, scope), clvValues(db, run.snapshotDate, scope)]);
  const charts = [gridChart(cells, run.snapshotDate, language, "dashboard-rfm-grid")];
  const histogram = clvChart(clv, run.snapshotDate, language, "dashboard-rfm-clv");
  if (histogram) charts.push(histogram);
  return charts;
}

export interface ScorePanelView {
  title: string;
  snapshot: string | null;
  empty: string | null;
  rows: { label: string; value: string; sentence: string }[];
}

/** A contact's scores as the contact 360 shows them: a figure and one plain sentence each. */
export function contactScorePanel(scores: ContactScores | null, run: SnapshotRun | null, language: Language): ScorePanelView {
  const t = fixedT(language, "analytics");
  if (!scores) return { title: t("panel.title"), snapshot: null, empty: t("panel.none"), rows: [] };
  const percent = (p: number | null) => formatScorePercent(p, language);
  const rupiah = (v: number | null) => formatScoreRupiah(v, language);
  const notModelled = run?.modelProblem ? t("panel.notModelled", { reason: t(`rfm.problems.${run.modelProblem}`) }) : null;
  const rows: ScorePanelView["rows"] = [];
  const hint = t(`rfm.segmentHints.${scores.segment}`);
  rows.push({
    label: t("panel.segment"),
    value: t(`rfm.segments.${scores.segment}`),
    sentence: scores.m !== null ? t("panel.segmentSentenceM", { r: scores.r, f: scores.f, m: scores.m, hint }) : t("panel.segmentSentence", { r: scores.r, f: scores.f, hint }),
  });
  const visits = scores.measure === "visit";
  if (scores.pAlive === null) {
    rows.push({ label: t("panel.pAlive"), value: dash, sentence: notModelled ?? t("rfm.problems.notConverged") });
  } else {
    rows.push({
      label: t("panel.pAlive"),
      value: percent(scores.pAlive),
      sentence: scores.pAliveInterval
        ? t("panel.pAliveSentence", { percent: percent(scores.pAlive), low: percent(scores.pAliveInterval[0]), high: percent(scores.pAliveInterval[1]) })
        : t("panel.pAliveSentenceNoInterval", { percent: percent(scores.pAlive) }),
    });
    rows.push({
      label: t(visits ? "panel.expectedVisit" : "panel.expectedPurchase"),
      value: formatScoreCount(scores.expected90, language),
      sentence: t(visits ? "panel.expectedVisitSentence" : "panel.expectedPurchaseSentence", {
        n30: formatScoreCount(scores.expected30, language),
        n90: formatScoreCount(scores.expected90, language),
      }),
    });
  }
  if (visits) rows.push({ label: t("panel.clv"), value: dash, sentence: t("panel.clvVisits") });
  else if (scores.clv === null) rows.push({ label: t("panel.clv"), value: dash, sentence: notModelled ?? t("rfm.problems.notConverged") });
  else
    rows.push({
      label: t("panel.clv"),
      value: rupiah(scores.clv),
      sentence: scores.clvInterval
        ? t("panel.clvSentence", { value: rupiah(scores.clv), low: rupiah(scores.clvInterval[0]), high: rupiah(scores.clvInterval[1]) })
        : t("panel.clvSentenceNoInterval", { value: rupiah(scores.clv) }),
    });
  return {
    title: t("panel.title"),
    snapshot: t("panel.snapshot", { date: formatLocalDate(scores.snapshotDate, language, "medium"), days: formatNumber(scores.windowDays, language) }),
    empty: null,
    rows,
  };
}
