// npm run bench (analytics part): fit BG/NBD + Gamma-Gamma and score every customer with intervals,
// on a simulated set of 100,000 customers and ~1,000,000 transactions (seeded, so runs compare).
//   BENCH_ANALYTICS_CUSTOMERS (100000)
// Figures: summary, each fit, scoring, and the total, one JSON line each; `within_budget` is the
// issue's 60 s limit for fit + score, `floor_ms` one pass over the transactions and `ratio` the total
// in such passes.
import { performance } from "node:perf_hooks";
import { fitBgNbd } from "../../app/core/analytics/bg-nbd.ts";
import { summariseTransactions } from "../../app/core/analytics/customer-summary.ts";
import { fitGammaGamma } from "../../app/core/analytics/gamma-gamma.ts";
import { scoreCustomers } from "../../app/core/analytics/score.ts";
import { simulateTransactions } from "../../app/core/analytics/simulate.ts";
import { log, print, round } from "./bench-support.ts";

const customers = Number(process.env.BENCH_ANALYTICS_CUSTOMERS ?? 100_000);
const startDay = 19_723; // 2024-01-01
const calibrationEnd = startDay + 729;
const holdoutEnd = calibrationEnd + 182;

log(`simulating ${customers} customers`);
const transactions = simulateTransactions({
  customers,
  seed: 20261207,
  bg: { r: 0.9, alpha: 40, a: 0.35, b: 3.5 },
  gg: { p: 4, q: 3, gamma: 150_000 },
  startDay,
  acquisitionDays: 365,
  endDay: holdoutEnd,
});
log(`${transactions.length} transactions`);
const memoryBefore = process.memoryUsage().rss;

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const summary = summariseTransactions(transactions, { calibrationEnd, holdoutEnd, periodDays: 1 });
const t1 = performance.now();
const bg = fitBgNbd(summary);
const t2 = performance.now();
const gg = fitGammaGamma(summary);
const t3 = performance.now();
const scores = scoreCustomers(summary, bg, gg, { periodDays: 1, holdoutPeriods: holdoutEnd - calibrationEnd });
const t4 = performance.now();
const cpu = process.cpuUsage(cpu0);
// on a shared machine wall time includes waiting for a core: cpu_ms is the work itself
const cpuMs = (cpu.user + cpu.system) / 1000;

const n = summary.contactIds.length;
print({ bench: "analytics.summary", n: transactions.length, ms: round(t1 - t0) });
print({ bench: "analytics.fit_bgnbd", n, ms: round(t2 - t1), iterations: bg.iterations, evaluations: bg.evaluations, starts_agreeing: bg.startsAgreeing });
print({ bench: "analytics.fit_gamma_gamma", n: gg.customers, ms: round(t3 - t2), iterations: gg.iterations, evaluations: gg.evaluations });
print({ bench: "analytics.score", n, ms: round(t4 - t3), per_s: round(n / ((t4 - t3) / 1000)) });
print({
  bench: "analytics.fit_and_score",
  customers: n,
  transactions: transactions.length,
  ms: round(t4 - t0),
  cpu_ms: round(cpuMs),
  within_budget: t4 - t0 < 60_000,
  cpu_within_budget: cpuMs < 60_000,
  peak_rss_mb: round(Math.max(process.memoryUsage().rss, memoryBefore) / 1048576),
  // the floor: one pass that reads every transaction once (the summary every model starts from)
  floor_ms: round(t1 - t0),
  ratio: round((t4 - t0) / (t1 - t0)),
});
let expected = 0;
let actual = 0;
for (let i = 0; i < n; i++) {
  expected += scores.expectedHoldout[i];
  actual += summary.holdoutX[i];
}
log(`params ${JSON.stringify(bg.params)} ${JSON.stringify(gg.params)}; holdout expected ${expected.toFixed(0)} actual ${actual}`);
