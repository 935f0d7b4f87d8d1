// A seeded simulator of the BG/NBD + Gamma-Gamma process, for tests (parameter recovery) and the bench.
import type { BgNbdParams } from "./bg-nbd.ts";
import type { GammaGammaParams } from "./gamma-gamma.ts";
import type { Transaction } from "./customer-summary.ts";

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number) {
  const u = Math.max(rand(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape, scale = 1) by Marsaglia–Tsang. */
export function gammaSample(rand: () => number, shape: number): number {
  if (shape < 1) return gammaSample(rand, shape + 1) * Math.pow(Math.max(rand(), 1e-300), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * Customers acquired uniformly over `acquisitionDays` from `startDay`, transacting until `endDay`;
 * rates are per day. Amounts from Gamma-Gamma (ν ~ Gamma(q, γ), value ~ Gamma(p, ν)), in Rupiah.
 */
export function simulateTransactions(options: { customers: number; seed: number; bg: BgNbdParams; gg: GammaGammaParams; startDay: number; acquisitionDays: number; endDay: number }): Transaction[] {
  const rand = seededRandom(options.seed);
  const { r, alpha, a, b } = options.bg;
  const out: Transaction[] = [];
  for (let c = 0; c < options.customers; c++) {
    const contactId = `c${c}`;
    const lambda = gammaSample(rand, r) / alpha;
    const ga = gammaSample(rand, a);
    const p = ga / (ga + gammaSample(rand, b));
    const nu = gammaSample(rand, options.gg.q) / options.gg.gamma;
    const spend = () => Math.round(gammaSample(rand, options.gg.p) / nu);
    let t = options.startDay + Math.floor(rand() * options.acquisitionDays);
    out.push({ contactId, day: t, amount: spend() });
    let exact = t + 0.0;
    // BG/NBD: active from the first purchase; may drop out after each *repeat* transaction
    for (;;) {
      exact += -Math.log(Math.max(rand(), 1e-300)) / lambda;
      t = Math.floor(exact);
      if (t > options.endDay) break;
      out.push({ contactId, day: t, amount: spend() });
      if (rand() < p) break;
    }
  }
  return out;
}
