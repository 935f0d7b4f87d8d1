// The model check: fit BG/NBD (and Gamma-Gamma where there are amounts) on a calibration period and
// compare what it predicts for the holdout period with what happened, as the `lifetimes` plots do:
// cumulative repeat transactions week by week, and predicted against actual holdout transactions
// binned by calibration frequency. Pure: day numbers in, plain finite numbers out (stored as JSON).
import { bgNbdConditionalExpected, bgNbdUnconditionalExpected, fitBgNbd, ModelFitError, type BgNbdParams } from "./bg-nbd.ts";
import { summariseTransactions, type Transaction } from "./customer-summary.ts";
import { fitGammaGamma, type GammaGammaParams } from "./gamma-gamma.ts";

export const PERIOD_DAYS = 7;
/** The default holdout: the last 26 weeks. */
export const DEFAULT_HOLDOUT_DAYS = 26 * 7;
/** A fit whose aggregate holdout forecast misses the actual count by more than this is flagged as poor. */
export const POOR_FIT_RELATIVE_ERROR = 0.2;
/** Frequencies at and above this share one bin ("6+"). */
export const TOP_FREQUENCY_BIN = 6;

/** Problems the user can fix: each has a translated message (analytics:model.problems.*). */
export type ModelCheckProblem =
  | "invalidDate"
  | "futureCalibrationEnd"
  | "futureHoldoutEnd"
  | "holdoutNotAfterCalibration"
  | "noTransactions"
  | "noCustomers"
  | "oneCustomer"
  | "noRepeatCustomers"
  | "notConverged"
  | "badData";

export type ModelCheckWarning = "holdoutError" | "noHoldoutTransactions" | "spendNotFitted" | "standardErrorsMissing";

export interface ModelCheckResult {
  calibrationEnd: number;
  holdoutEnd: number;
  data: { transactions: number; customers: number; repeatCustomers: number; hasAmounts: boolean; firstDay: number };
  bgNbd: { params: BgNbdParams; standardErrors: BgNbdParams | null; logLikelihood: number };
  gammaGamma: { params: GammaGammaParams; standardErrors: GammaGammaParams | null; logLikelihood: number; customers: number } | null;
  /** One entry per week from the first transaction to the holdout end; `day` is the week's last day. */
  weeks: { day: number; actual: number; predicted: number; cumulativeActual: number; cumulativePredicted: number }[];
  holdout: { weeks: number; actual: number; predicted: number; relativeError: number | null; meanAbsoluteError: number };
  bins: { frequency: number; atLeast: boolean; customers: number; meanActual: number; meanPredicted: number }[];
  warnings: ModelCheckWarning[];
}

export type ModelCheckOutcome = { ok: true; result: ModelCheckResult } | { ok: false; problem: ModelCheckProblem };

/** The dates a user asked for, checked against today (all day numbers in the business's zone). */
export function checkModelCheckDates(input: { calibrationEnd: number | null; holdoutEnd: number | null; today: number }): ModelCheckProblem | null {
  const { calibrationEnd, holdoutEnd, today } = input;
  if (calibrationEnd === null || holdoutEnd === null) return "invalidDate";
  if (calibrationEnd > today) return "futureCalibrationEnd";
  if (holdoutEnd > today) return "futureHoldoutEnd";
  if (holdoutEnd <= calibrationEnd) return "holdoutNotAfterCalibration";
  return null;
}

/** Defaults: the holdout ends yesterday (the last whole day) and lasts 26 weeks. */
export function defaultModelCheckDates(today: number) {
  const holdoutEnd = today - 1;
  return { calibrationEnd: holdoutEnd - DEFAULT_HOLDOUT_DAYS, holdoutEnd };
}

/** Math.min(...a) overflows the call stack on large arrays. */
const minimum = (a: Int32Array) => a.reduce((m, v) => (v < m ? v : m), Number.POSITIVE_INFINITY);
const finiteOr = (v: number, fallback = 0) => (Number.isFinite(v) ? v : fallback);

export function runModelCheck(transactions: Transaction[], input: { calibrationEnd: number; holdoutEnd: number }): ModelCheckOutcome {
  const { calibrationEnd, holdoutEnd } = input;
  if (transactions.length === 0) return { ok: false, problem: "noTransactions" };
  const summary = summariseTransactions(transactions, { calibrationEnd, holdoutEnd, periodDays: PERIOD_DAYS });
  const n = summary.contactIds.length;
  if (n === 0) return { ok: false, problem: "noCustomers" };
  if (n === 1) return { ok: false, problem: "oneCustomer" };
  const repeatCustomers = summary.x.reduce((s, x) => s + (x > 0 ? 1 : 0), 0);
  if (repeatCustomers === 0) return { ok: false, problem: "noRepeatCustomers" };

  let bg;
  try {
    bg = fitBgNbd(summary);
  } catch (error) {
    if (error instanceof ModelFitError) return { ok: false, problem: error.code === "not_converged" ? "notConverged" : error.code === "bad_data" ? "badData" : error.code === "no_repeat_customers" ? "noRepeatCustomers" : "oneCustomer" };
    throw error;
  }
  const warnings: ModelCheckWarning[] = [];
  let gammaGamma: ModelCheckResult["gammaGamma"] = null;
  if (summary.hasAmounts) {
    try {
      const gg = fitGammaGamma(summary);
      gammaGamma = { params: gg.params, standardErrors: gg.standardErrors, logLikelihood: gg.logLikelihood, customers: gg.customers };
    } catch (error) {
      if (!(error instanceof ModelFitError)) throw error;
      warnings.push("spendNotFitted");
    }
  }
  if (!bg.standardErrors) warnings.push("standardErrorsMissing");

  // per customer: predicted and actual holdout transactions
  const holdoutWeeks = (holdoutEnd - calibrationEnd) / PERIOD_DAYS;
  const predicted = new Float64Array(n);
  let sumPredicted = 0;
  let sumActual = 0;
  let sumAbsolute = 0;
  for (let i = 0; i < n; i++) {
    predicted[i] = finiteOr(Math.max(0, bgNbdConditionalExpected(bg.params, holdoutWeeks, summary.x[i], summary.tx[i], summary.T[i])));
    sumPredicted += predicted[i];
    sumActual += summary.holdoutX[i];
    sumAbsolute += Math.abs(predicted[i] - summary.holdoutX[i]);
  }
  const relativeError = sumActual > 0 ? (sumPredicted - sumActual) / sumActual : null;
  if (relativeError === null) warnings.push("noHoldoutTransactions");
  else if (Math.abs(relativeError) > POOR_FIT_RELATIVE_ERROR) warnings.push("holdoutError");

  const bins = new Map<number, { customers: number; actual: number; predicted: number }>();
  for (let i = 0; i < n; i++) {
    const f = Math.min(summary.x[i], TOP_FREQUENCY_BIN);
    const bin = bins.get(f) ?? { customers: 0, actual: 0, predicted: 0 };
    bin.customers++;
    bin.actual += summary.holdoutX[i];
    bin.predicted += predicted[i];
    bins.set(f, bin);
  }

  return {
    ok: true,
    result: {
      calibrationEnd,
      holdoutEnd,
      data: { transactions: transactions.length, customers: n, repeatCustomers, hasAmounts: summary.hasAmounts, firstDay: minimum(summary.firstDay) },
      bgNbd: { params: bg.params, standardErrors: bg.standardErrors, logLikelihood: bg.logLikelihood },
      gammaGamma,
      weeks: weeklyRepeatTransactions(transactions, summary.contactIds, summary.firstDay, bg.params, holdoutEnd),
      holdout: { weeks: holdoutWeeks, actual: sumActual, predicted: sumPredicted, relativeError, meanAbsoluteError: sumAbsolute / n },
      bins: [...bins.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([frequency, b]) => ({ frequency, atLeast: frequency === TOP_FREQUENCY_BIN, customers: b.customers, meanActual: b.actual / b.customers, meanPredicted: b.predicted / b.customers })),
      warnings,
    },
  };
}

/**
 * Repeat transactions per week, actual against expected, from the first customer's first day to the
 * holdout end. Expected: every customer acquired so far contributes E[X(t)] of a new customer t
 * weeks after their first transaction (what the model says without looking at their history).
 */
function weeklyRepeatTransactions(transactions: Transaction[], contactIds: string[], firstDays: Int32Array, params: BgNbdParams, holdoutEnd: number): ModelCheckResult["weeks"] {
  const firstOf = new Map(contactIds.map((id, i) => [id, firstDays[i]]));
  const start = minimum(firstDays);
  const weekCount = Math.max(1, Math.ceil((holdoutEnd - start + 1) / PERIOD_DAYS));
  const actual = new Float64Array(weekCount);
  const seen = new Set<string>();
  for (const t of transactions) {
    const first = firstOf.get(t.contactId);
    if (first === undefined || t.day <= first || t.day > holdoutEnd) continue;
    const key = `${t.contactId}\u0000${t.day}`; // several on one day are one transaction
    if (seen.has(key)) continue;
    seen.add(key);
    actual[Math.floor((t.day - start) / PERIOD_DAYS)]++;
  }
  // customers grouped by first day: E[X(t)] once per (first day, week)
  const cohorts = new Map<number, number>();
  for (const d of firstDays) cohorts.set(d, (cohorts.get(d) ?? 0) + 1);
  const weeks: ModelCheckResult["weeks"] = [];
  let cumulativeActual = 0;
  let cumulativePredicted = 0;
  for (let w = 0; w < weekCount; w++) {
    const endDay = Math.min(start + (w + 1) * PERIOD_DAYS - 1, holdoutEnd);
    let expected = 0;
    // transactions on a customer's first day after it count from the next day: t is measured to the end of `endDay`
    for (const [first, count] of cohorts) if (first < endDay) expected += count * finiteOr(bgNbdUnconditionalExpected(params, (endDay - first) / PERIOD_DAYS));
    cumulativeActual += actual[w];
    weeks.push({ day: endDay, actual: actual[w], predicted: expected - cumulativePredicted, cumulativeActual, cumulativePredicted: expected });
    cumulativePredicted = expected;
  }
  return weeks.map((w) => ({ ...w, predicted: Math.max(0, w.predicted) }));
}
