// Maximum likelihood helpers: Nelder–Mead on unconstrained (log) parameters from several starting
// points, and the numeric Hessian for standard errors.
import { invertMatrix } from "./special-functions.ts";

export interface MinimiseResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/** Nelder–Mead simplex minimisation (standard coefficients 1, 2, 0.5, 0.5; adaptive restarts not needed for ≤ 4 dims). */
export function nelderMead(f: (x: number[]) => number, start: number[], options: { maxIterations?: number; tolerance?: number; step?: number } = {}): MinimiseResult {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 4000;
  const tolerance = options.tolerance ?? 1e-10;
  const step = options.step ?? 0.5;
  let evaluations = 0;
  const safe = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let simplex = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] += step;
    simplex.push(p);
  }
  let values = simplex.map(safe);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const order = values.map((v, i) => i).sort((i, j) => values[i] - values[j]);
    simplex = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    const spread = Math.abs(values[n] - values[0]);
    let size = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(simplex[i][j] - simplex[0][j]));
    if (Number.isFinite(values[0]) && spread <= tolerance * (Math.abs(values[0]) + 1e-12) && size < 1e-6) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
    const towards = (coef: number) => centroid.map((c, j) => c + coef * (simplex[n][j] - c));
    const reflected = towards(-1);
    const fr = safe(reflected);
    if (fr < values[0]) {
      const expanded = towards(-2);
      const fe = safe(expanded);
      if (fe < fr) [simplex[n], values[n]] = [expanded, fe];
      else [simplex[n], values[n]] = [reflected, fr];
    } else if (fr < values[n - 1]) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const contracted = fr < values[n] ? towards(-0.5) : towards(0.5);
      const fc = safe(contracted);
      if (fc < Math.min(fr, values[n])) [simplex[n], values[n]] = [contracted, fc];
      else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i].map((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j]));
          values[i] = safe(simplex[i]);
        }
      }
    }
  }
  const best = values.indexOf(Math.min(...values));
  return { x: simplex[best], value: values[best], iterations, evaluations, converged };
}

/**
 * Minimise from each start, then polish the best with a restart (Nelder–Mead can stall on a ridge);
 * returns the best result and how many starts agreed with it.
 */
export function minimiseFromStarts(f: (x: number[]) => number, starts: number[][], screen?: (x: number[]) => number): MinimiseResult & { startsAgreeing: number } {
  // With a large sample, each start runs on a subsample (`screen`); the best is refined on all data.
  const results = starts.map((s) => nelderMead(screen ?? f, s));
  results.sort((a, b) => a.value - b.value);
  const screened = results[0];
  let best = screen ? nelderMead(f, screened.x, { step: 0.1 }) : screened;
  for (let round = 0; round < 3; round++) {
    const again = nelderMead(f, best.x, { step: 0.05 });
    const improved = again.value < best.value - 1e-9 * Math.abs(best.value);
    const evaluations = best.evaluations + again.evaluations;
    best = again.value <= best.value ? { ...again, iterations: best.iterations + again.iterations, evaluations } : { ...best, evaluations };
    if (!improved) break;
  }
  const startsAgreeing = results.filter((r) => Math.abs(r.value - screened.value) <= 1e-4 * (Math.abs(screened.value) + 1)).length;
  return { ...best, startsAgreeing };
}

/** Central-difference Hessian of f at x. */
export function numericHessian(f: (x: number[]) => number, x: number[], h = 1e-4): number[][] {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const at = (d: Record<number, number>) => f(x.map((v, i) => v + (d[i] ?? 0)));
  const f0 = f(x);
  for (let i = 0; i < n; i++) {
    H[i][i] = (at({ [i]: h }) - 2 * f0 + at({ [i]: -h })) / (h * h);
    for (let j = i + 1; j < n; j++) {
      const v = (at({ [i]: h, [j]: h }) - at({ [i]: h, [j]: -h }) - at({ [i]: -h, [j]: h }) + at({ [i]: -h, [j]: -h })) / (4 * h * h);
      H[i][j] = v;
      H[j][i] = v;
    }
  }
  return H;
}

/**
 * Covariance of the log-parameters from the Hessian of the negative log-likelihood in log space;
 * null when the Hessian is not positive definite (a flat or degenerate fit).
 */
export function covarianceFromNegLogLikHessian(H: number[][]): number[][] | null {
  const inv = invertMatrix(H);
  if (!inv) return null;
  for (let i = 0; i < inv.length; i++) if (!(inv[i][i] > 0) || !Number.isFinite(inv[i][i])) return null;
  return inv;
}
