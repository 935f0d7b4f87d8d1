// Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader &
// Hardie 2013 note). Fitted on customers with at least one repeat transaction: x repeat
// transactions with mean value m.
import { covarianceFromNegLogLikHessian, minimiseFromStarts, numericHessian } from "./optimise.ts";
import { ModelFitError, SUBSAMPLE_ABOVE, subsample } from "./bg-nbd.ts";
import { lgamma } from "./special-functions.ts";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendSummary {
  x: Float64Array;
  /** Mean value of the x repeat transactions. */
  m: Float64Array;
  /** ln m, when precomputed. */
  lnM?: Float64Array;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  standardErrors: GammaGammaParams | null;
  logCovariance: number[][] | null;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  startsAgreeing: number;
  customers: number;
}

const toGg = (v: number[]): GammaGammaParams => ({ p: v[0], q: v[1], gamma: v[2] });
export const gammaGammaVector = (g: GammaGammaParams) => [g.p, g.q, g.gamma];

/** Log-likelihood over customers with x > 0 (others are skipped). */
export function gammaGammaLogLikelihood(g: GammaGammaParams, data: SpendSummary): number {
  const { p, q, gamma } = g;
  if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
  const base = q * Math.log(gamma) - lgamma(q);
  const byX = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i];
    const m = data.m[i];
    if (!(x > 0) || !(m > 0)) continue;
    const px = p * x;
    let g = byX.get(x);
    if (g === undefined) {
      g = base + lgamma(px + q) - lgamma(px) + px * Math.log(x);
      byX.set(x, g);
    }
    const lnM = data.lnM ? data.lnM[i] : Math.log(m);
    total += g + (px - 1) * lnM - (px + q) * Math.log(x * m + gamma);
  }
  return total;
}

export function fitGammaGamma(data: SpendSummary): GammaGammaFit {
  let n = 0;
  let meanM = 0;
  for (let i = 0; i < data.x.length; i++) {
    if (data.x[i] > 0 && data.m[i] > 0) {
      n++;
      meanM += data.m[i];
    }
  }
  if (n < 2) throw new ModelFitError("no_repeat_customers", "At least two customers with a repeat transaction and an amount are needed to fit the spend model.");
  meanM /= n;
  // keep only repeat customers with an amount, with ln m computed once
  const keep: number[] = [];
  for (let i = 0; i < data.x.length; i++) if (data.x[i] > 0 && data.m[i] > 0) keep.push(i);
  const compact: SpendSummary = { x: Float64Array.from(keep, (i) => data.x[i]), m: Float64Array.from(keep, (i) => data.m[i]) };
  compact.lnM = compact.m.map(Math.log);
  const nll = (v: number[]) => -gammaGammaLogLikelihood(toGg(v.map(Math.exp)), compact);
  const screen = keep.length > SUBSAMPLE_ABOVE ? ((small: SpendSummary) => (v: number[]) => -gammaGammaLogLikelihood(toGg(v.map(Math.exp)), small))(subsample(compact)) : undefined;
  const starts = [
    [1, 1, meanM],
    [5, 3, meanM * 2],
    [2, 4, meanM],
    [10, 2, meanM / 2],
  ].map((s) => s.map(Math.log));
  const best = minimiseFromStarts(nll, starts, screen);
  const params = toGg(best.x.map(Math.exp));
  const logLikelihood = -best.value;
  if (!Number.isFinite(logLikelihood) || !best.converged || params.q <= 1 || Object.values(params).some((v) => !Number.isFinite(v) || v > 1e12 || v < 1e-8)) {
    throw new ModelFitError("not_converged", "The Gamma-Gamma spend fit did not converge (or gives no finite mean spend, q ≤ 1).");
  }
  const logCovariance = covarianceFromNegLogLikHessian(numericHessian(nll, best.x));
  const standardErrors = logCovariance ? toGg(best.x.map((v, i) => Math.exp(v) * Math.sqrt(logCovariance[i][i]))) : null;
  return { params, standardErrors, logCovariance, logLikelihood, converged: best.converged, iterations: best.iterations, evaluations: best.evaluations, startsAgreeing: best.startsAgreeing, customers: n };
}

/** E[M | x, m̄]: expected value of a customer's future transaction (population mean when x = 0). */
export function gammaGammaExpectedSpend(g: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = g;
  if (!(x > 0) || !(m > 0)) return (p * gamma) / (q - 1);
  return (p * (gamma + x * m)) / (p * x + q - 1);
}
