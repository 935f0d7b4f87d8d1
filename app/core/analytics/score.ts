// Per-customer scores from fitted models, each with a 90 % interval from parameter uncertainty
// (delta method on the log-parameter covariance; logit scale for p(alive), log scale for counts,
// spend and CLV so intervals stay inside their ranges). The intervals say how sure the estimate
// of the model is, not how much one customer's own behaviour will vary.
import { bgNbdConditionalExpected, bgNbdPAlive, compressSummary, toBgNbd, type BgNbdFit, type BgNbdParams } from "./bg-nbd.ts";
import { gammaGammaExpectedSpend, type GammaGammaFit, type GammaGammaParams } from "./gamma-gamma.ts";
import type { CustomerSummary } from "./customer-summary.ts";

export const Z90 = 1.6448536269514722;

export interface ScoreOptions {
  /** Days per model time unit (7 when the model was fitted in weeks). */
  periodDays: number;
  /** Horizons in days for expected transactions. */
  horizonsDays?: number[];
  /** Extra horizon (in model periods), e.g. the holdout length. */
  holdoutPeriods?: number;
  /** Discount rate per 30-day month for CLV (0.01 = 1 % a month, as the `lifetimes` library's default). */
  monthlyDiscountRate?: number;
  /** CLV horizon in 30-day months. */
  clvMonths?: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface CustomerScores {
  n: number;
  pAlive: Float64Array;
  pAliveInterval: [Float64Array, Float64Array];
  /** Expected transactions for each horizon in `horizonsDays` (same order). */
  expected: Float64Array[];
  expectedInterval: [Float64Array, Float64Array][];
  /** Expected transactions over `holdoutPeriods` (empty when not asked). */
  expectedHoldout: Float64Array;
  /** Expected value per transaction; 0 when there is no spend model. */
  expectedSpend: Float64Array;
  expectedSpendInterval: [Float64Array, Float64Array];
  /** Discounted CLV over `clvMonths`; 0 when there is no spend model. */
  clv: Float64Array;
  clvInterval: [Float64Array, Float64Array];
  horizonsDays: number[];
}

const H = 1e-5; // forward differences: half the work of central ones, ample for an interval
const logit = (p: number) => Math.log(p) - Math.log1p(-p);
const expit = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

function quadForm(g: number[], cov: number[][]) {
  let s = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) s += g[i] * cov[i][j] * g[j];
  return Math.max(0, s);
}

function perturbed<T>(base: number[], to: (v: number[]) => T): { plus: T[]; minus: T[] } {
  const plus: T[] = [];
  const minus: T[] = [];
  for (let i = 0; i < base.length; i++) {
    plus.push(to(base.map((v, j) => Math.log(v) + (i === j ? H : 0)).map(Math.exp)));
    minus.push(to(base));
  }
  return { plus, minus };
}

/** Everything the BG/NBD part gives one customer at one parameter set. */
function bgQuantities(p: BgNbdParams, x: number, tx: number, T: number, horizons: number[], monthPeriods: number, months: number, discount: number) {
  const pAlive = bgNbdPAlive(p, x, tx, T);
  const expected = horizons.map((h) => bgNbdConditionalExpected(p, h, x, tx, T));
  // discounted sum of expected transactions month by month
  let previous = 0;
  let discounted = 0;
  for (let k = 1; k <= months; k++) {
    const cumulative = bgNbdConditionalExpected(p, k * monthPeriods, x, tx, T);
    discounted += Math.max(0, cumulative - previous) / Math.pow(1 + discount, k);
    previous = cumulative;
  }
  return { pAlive, expected, discounted };
}

function clampPositive(v: number) {
  return v > 0 && Number.isFinite(v) ? v : 0;
}

/** Score every customer of the summary. */
export function scoreCustomers(summary: CustomerSummary, bg: BgNbdFit, gg: GammaGammaFit | null, options: ScoreOptions): CustomerScores {
  const horizonsDays = options.horizonsDays ?? [30, 90, 365];
  const horizons = horizonsDays.map((d) => d / options.periodDays);
  const withHoldout = options.holdoutPeriods !== undefined && options.holdoutPeriods > 0;
  const allHorizons = withHoldout ? [...horizons, options.holdoutPeriods as number] : horizons;
  const months = options.clvMonths ?? 12;
  const monthPeriods = 30 / options.periodDays;
  const discount = options.monthlyDiscountRate ?? 0.01;
  const n = summary.x.length;
  const pair = (): [Float64Array, Float64Array] => [new Float64Array(n), new Float64Array(n)];
  const out: CustomerScores = {
    n,
    pAlive: new Float64Array(n),
    pAliveInterval: pair(),
    expected: horizons.map(() => new Float64Array(n)),
    expectedInterval: horizons.map(pair),
    expectedHoldout: new Float64Array(withHoldout ? n : 0),
    expectedSpend: new Float64Array(n),
    expectedSpendInterval: pair(),
    clv: new Float64Array(n),
    clvInterval: pair(),
    horizonsDays,
  };
  const bgBase = [bg.params.r, bg.params.alpha, bg.params.a, bg.params.b];
  const bgCov = bg.logCovariance;
  const bgSets = bgCov ? perturbed(bgBase, toBgNbd) : null;
  const ggBase = gg ? [gg.params.p, gg.params.q, gg.params.gamma] : null;
  const ggSets = gg && gg.logCovariance && ggBase ? perturbed(ggBase, (v): GammaGammaParams => ({ p: v[0], q: v[1], gamma: v[2] })) : null;

  const compact = compressSummary(summary);
  type BgPart = { base: ReturnType<typeof bgQuantities>; plus: ReturnType<typeof bgQuantities>[] | null };
  const cache: (BgPart | undefined)[] = new Array(compact.x.length);
  for (let i = 0; i < n; i++) {
    const x = summary.x[i];
    const tx = summary.tx[i];
    const T = summary.T[i];
    const row = compact.rowOf[i];
    let part = cache[row];
    if (!part) {
      part = {
        base: bgQuantities(bg.params, x, tx, T, allHorizons, monthPeriods, months, discount),
        plus: bgSets ? bgSets.plus.map((p) => bgQuantities(p, x, tx, T, horizons, monthPeriods, months, discount)) : null,
      };
      cache[row] = part;
    }
    const base = part.base;
    const pA = Math.min(1, Math.max(0, base.pAlive));
    out.pAlive[i] = pA;
    horizons.forEach((_, k) => (out.expected[k][i] = clampPositive(base.expected[k])));
    if (withHoldout) out.expectedHoldout[i] = clampPositive(base.expected[horizons.length]);
    const spend = gg ? gammaGammaExpectedSpend(gg.params, x, summary.m[i]) : 0;
    out.expectedSpend[i] = clampPositive(spend);
    out.clv[i] = clampPositive(spend * base.discounted);

    // intervals
    let gPAlive: number[] | null = null;
    let gExpected: number[][] = horizons.map(() => []);
    let gDisc: number[] = [];
    if (part.plus && bgCov) {
      const plus = part.plus;
      const minus = plus.map(() => base);
      if (x > 0 && pA > 0 && pA < 1) gPAlive = plus.map((q, k) => (logit(q.pAlive) - logit(minus[k].pAlive)) / H);
      gExpected = horizons.map((_, h) => plus.map((q, k) => (Math.log(q.expected[h]) - Math.log(minus[k].expected[h])) / H));
      gDisc = plus.map((q, k) => (Math.log(q.discounted) - Math.log(minus[k].discounted)) / H);
    }
    const band = (value: number, g: number[] | null, cov: number[][] | null, scale: "log" | "logit"): [number, number] => {
      if (!g || !cov || g.length === 0 || g.some((v) => !Number.isFinite(v)) || !(value > 0)) return [value, value];
      const se = Math.sqrt(quadForm(g, cov));
      if (scale === "logit") {
        if (value >= 1) return [1, 1];
        const l = logit(value);
        return [expit(l - Z90 * se), expit(l + Z90 * se)];
      }
      return [value * Math.exp(-Z90 * se), value * Math.exp(Z90 * se)];
    };
    [out.pAliveInterval[0][i], out.pAliveInterval[1][i]] = band(pA, gPAlive, bgCov, "logit");
    horizons.forEach((_, h) => {
      [out.expectedInterval[h][0][i], out.expectedInterval[h][1][i]] = band(out.expected[h][i], gExpected[h], bgCov, "log");
    });
    let gSpend: number[] | null = null;
    if (ggSets && gg?.logCovariance) {
      gSpend = ggSets.plus.map((p, k) => (Math.log(gammaGammaExpectedSpend(p, x, summary.m[i])) - Math.log(gammaGammaExpectedSpend(ggSets.minus[k], x, summary.m[i]))) / H);
    }
    [out.expectedSpendInterval[0][i], out.expectedSpendInterval[1][i]] = band(out.expectedSpend[i], gSpend, gg?.logCovariance ?? null, "log");
    // log CLV = log spend + log discounted count; the two models are fitted separately (independent estimates)
    if (out.clv[i] > 0 && bgCov && gg?.logCovariance && gSpend && gDisc.length && gDisc.every(Number.isFinite) && gSpend.every(Number.isFinite)) {
      const se = Math.sqrt(quadForm(gDisc, bgCov) + quadForm(gSpend, gg.logCovariance));
      out.clvInterval[0][i] = out.clv[i] * Math.exp(-Z90 * se);
      out.clvInterval[1][i] = out.clv[i] * Math.exp(Z90 * se);
    } else {
      out.clvInterval[0][i] = out.clv[i];
      out.clvInterval[1][i] = out.clv[i];
    }
  }
  assertFinite(out);
  return out;
}

/** No NaN or Infinity may leave the models (a page or a file would show it). */
function assertFinite(scores: CustomerScores) {
  const arrays: Float64Array[] = [scores.pAlive, ...scores.pAliveInterval, ...scores.expected, ...scores.expectedInterval.flat(), scores.expectedHoldout, scores.expectedSpend, ...scores.expectedSpendInterval, scores.clv, ...scores.clvInterval];
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new RangeError(`Non-finite score at customer ${i}`);
}

export type { Interval as ScoreInterval };
