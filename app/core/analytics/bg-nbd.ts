// BG/NBD model of repeat transactions (Fader, Hardie & Lee 2005, "Counting your customers the easy
// way"). Each customer: x repeat transactions, the last at t_x, observed for T (same time unit).
import { covarianceFromNegLogLikHessian, minimiseFromStarts, numericHessian } from "./optimise.ts";
import { hyp2f1, lgamma } from "./special-functions.ts";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Customer summaries as parallel arrays (fast for 100,000+ customers). */
export interface RepeatSummary {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** How many customers share this row (1 when absent); see `compressSummary`. */
  weight?: Float64Array;
  /**
   * When t_x and T are whole days (t_x = txDays / periodDays), the likelihood reads ln(α + t) from
   * a table built once per evaluation instead of two logarithms per customer.
   */
  grid?: { txDays: Int32Array; TDays: Int32Array; periodDays: number };
}

/** Customers with the same (x, t_x, T) contribute the same likelihood: keep one row each with a weight. */
export function compressSummary(data: RepeatSummary): RepeatSummary & { weight: Float64Array; rowOf: Int32Array } {
  const index = new Map<string, number>();
  const rowOf = new Int32Array(data.x.length);
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const w: number[] = [];
  const txDays: number[] = [];
  const TDays: number[] = [];
  for (let i = 0; i < data.x.length; i++) {
    const key = `${data.x[i]}|${data.tx[i]}|${data.T[i]}`;
    let row = index.get(key);
    if (row === undefined) {
      row = x.length;
      index.set(key, row);
      x.push(data.x[i]);
      tx.push(data.tx[i]);
      T.push(data.T[i]);
      w.push(0);
      if (data.grid) {
        txDays.push(data.grid.txDays[i]);
        TDays.push(data.grid.TDays[i]);
      }
    }
    w[row] += data.weight ? data.weight[i] : 1;
    rowOf[i] = row;
  }
  const grid = data.grid ? { txDays: Int32Array.from(txDays), TDays: Int32Array.from(TDays), periodDays: data.grid.periodDays } : undefined;
  return { x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T), weight: Float64Array.from(w), rowOf, grid };
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** Standard errors of r, alpha, a, b (delta method from the log-parameter covariance); null when the Hessian is singular. */
  standardErrors: BgNbdParams | null;
  /** Covariance of (ln r, ln α, ln a, ln b); null when the Hessian is singular. */
  logCovariance: number[][] | null;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  startsAgreeing: number;
  customers: number;
}

export const toBgNbd = (v: number[]): BgNbdParams => ({ r: v[0], alpha: v[1], a: v[2], b: v[3] });
export const bgNbdVector = (p: BgNbdParams) => [p.r, p.alpha, p.a, p.b];

/**
 * Total log-likelihood of the sample. The Γ terms depend on x only, so they are computed once per
 * distinct x; the rest is a log-sum-exp per customer (no overflow for large x or T).
 */
export function bgNbdLogLikelihood(p: BgNbdParams, data: RepeatSummary): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const n = data.x.length;
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  const common = lgamma(a + b) - lgamma(b) - lgamma(r) + r * lnAlpha;
  let total = 0;
  let maxX = 0;
  for (let i = 0; i < n; i++) if (data.x[i] > maxX) maxX = data.x[i];
  // x is a whole count: the Γ terms and ln(b + x - 1) per distinct x, in arrays
  const gOfX = new Float64Array(maxX + 1).fill(NaN);
  const lnBOfX = new Float64Array(maxX + 1);
  let table: Float64Array | null = null;
  const grid = data.grid;
  if (grid) {
    let maxDay = 0;
    for (let i = 0; i < n; i++) if (grid.TDays[i] > maxDay) maxDay = grid.TDays[i];
    table = new Float64Array(maxDay + 1);
    for (let d = 0; d <= maxDay; d++) table[d] = Math.log(alpha + d / grid.periodDays);
  }
  const weight = data.weight;
  for (let i = 0; i < n; i++) {
    const x = data.x[i];
    let g = gOfX[x];
    if (g !== g) {
      g = common + lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x);
      gOfX[x] = g;
      lnBOfX[x] = x > 0 ? Math.log(b + x - 1) : 0;
    }
    const lnT = table !== null && grid ? table[grid.TDays[i]] : Math.log(alpha + data.T[i]);
    const A3 = -(r + x) * lnT;
    let ll: number;
    if (x > 0) {
      const A4 = lnA - lnBOfX[x] - (r + x) * (table !== null && grid ? table[grid.txDays[i]] : Math.log(alpha + data.tx[i]));
      ll = A3 > A4 ? A3 + Math.log1p(Math.exp(A4 - A3)) : A4 + Math.log1p(Math.exp(A3 - A4));
    } else ll = A3;
    total += (weight ? weight[i] : 1) * (g + ll);
  }
  return total;
}

export class ModelFitError extends Error {
  constructor(
    readonly code: "too_few_customers" | "no_repeat_customers" | "not_converged" | "bad_data",
    message: string,
  ) {
    super(message);
    this.name = "ModelFitError";
  }
}

/** Above this many distinct rows, the starting points are compared on a systematic subsample first. */
export const SUBSAMPLE_ABOVE = 20_000;

/** Every k-th row, keeping about SUBSAMPLE_ABOVE / 2 rows (weights kept). */
export function subsample<T extends { x: Float64Array; weight?: Float64Array }>(data: T): T {
  const n = data.x.length;
  const k = Math.max(1, Math.floor(n / (SUBSAMPLE_ABOVE / 2)));
  const size = Math.ceil(n / k);
  const pickF = (a: Float64Array) => Float64Array.from({ length: size }, (_, j) => a[j * k]);
  const pickI = (a: Int32Array) => Int32Array.from({ length: size }, (_, j) => a[j * k]);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (value instanceof Float64Array) out[key] = pickF(value);
    else if (value instanceof Int32Array) out[key] = pickI(value);
    else if (key === "grid" && value) {
      const g = value as { txDays: Int32Array; TDays: Int32Array; periodDays: number };
      out.grid = { txDays: pickI(g.txDays), TDays: pickI(g.TDays), periodDays: g.periodDays };
    } else out[key] = value;
  }
  return out as T;
}

/** Fit by maximum likelihood on log-parameters from several starting points; SEs from the numeric Hessian. */
export function fitBgNbd(data: RepeatSummary): BgNbdFit {
  const n = data.x.length;
  if (n < 2) throw new ModelFitError("too_few_customers", "At least two customers are needed to fit the model.");
  let repeaters = 0;
  let meanT = 0;
  for (let i = 0; i < n; i++) {
    const x = data.x[i];
    const tx = data.tx[i];
    const T = data.T[i];
    if (!(Number.isFinite(x) && Number.isFinite(tx) && Number.isFinite(T)) || x < 0 || tx < 0 || T < tx || (x === 0 && tx !== 0)) {
      throw new ModelFitError("bad_data", `Customer ${i}: inconsistent summary (x=${x}, t_x=${tx}, T=${T}).`);
    }
    if (x > 0) repeaters++;
    meanT += T / n;
  }
  if (repeaters === 0) throw new ModelFitError("no_repeat_customers", "No customer has a repeat transaction; the model cannot be fitted.");
  if (!(meanT > 0)) throw new ModelFitError("bad_data", "Every customer was observed for zero time.");
  const compact = compressSummary(data);
  const nll = (v: number[]) => -bgNbdLogLikelihood(toBgNbd(v.map(Math.exp)), compact);
  const starts = [
    [1, meanT / 10, 1, 1],
    [0.5, meanT / 5, 0.5, 2],
    [0.25, meanT / 10, 0.8, 2.5],
    [2, meanT, 2, 5],
    [0.1, 1, 0.3, 1],
  ].map((s) => s.map(Math.log));
  const best = minimiseFromStarts(nll, starts, compact.x.length > SUBSAMPLE_ABOVE ? (v: number[]) => -bgNbdLogLikelihood(toBgNbd(v.map(Math.exp)), subsample(compact)) : undefined);
  const params = toBgNbd(best.x.map(Math.exp));
  const logLikelihood = -best.value;
  if (!Number.isFinite(logLikelihood) || !best.converged || Object.values(params).some((v) => !Number.isFinite(v) || v > 1e8 || v < 1e-8)) {
    throw new ModelFitError("not_converged", "The BG/NBD fit did not converge (parameters ran off to a boundary); more or longer data is needed.");
  }
  const logCovariance = covarianceFromNegLogLikHessian(numericHessian(nll, best.x));
  const standardErrors = logCovariance ? toBgNbd(best.x.map((v, i) => Math.exp(v) * Math.sqrt(logCovariance[i][i]))) : null;
  return { params, standardErrors, logCovariance, logLikelihood, converged: best.converged, iterations: best.iterations, evaluations: best.evaluations, startsAgreeing: best.startsAgreeing, customers: n };
}

/** P(alive | x, t_x, T). */
export function bgNbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logRatio = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  // 1 / (1 + e^logRatio), stable for large logRatio
  return logRatio > 0 ? Math.exp(-logRatio) / (1 + Math.exp(-logRatio)) : 1 / (1 + Math.exp(logRatio));
}

/**
 * E[Y(t) | x, t_x, T]: expected transactions in the next t time units (FHL 2005, eq. 10). The
 * 2F1 argument t/(α+T+t) is below 1, so its series converges; the ratio ((α+T)/(α+T+t))^(r+x)
 * is taken in log space.
 */
export function bgNbdConditionalExpected(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const lnPow = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t));
  const bracket = -Math.expm1(lnPow + Math.log(hyp));
  const numerator = ((a + b + x - 1) / (a - 1)) * bracket;
  if (x === 0) return numerator;
  const ratio = Math.exp(Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)));
  return numerator / (1 + ratio);
}

/** E[X(t)] for a customer just acquired (FHL 2005, eq. 9). */
export function bgNbdUnconditionalExpected(p: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  if (t <= 0) return 0;
  const hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * -Math.expm1(r * (Math.log(alpha) - Math.log(alpha + t)) + Math.log(hyp));
}
