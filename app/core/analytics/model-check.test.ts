import { describe, expect, it } from "vitest";
import { dayNumber, type Transaction } from "./customer-summary.ts";
import { checkModelCheckDates, defaultModelCheckDates, runModelCheck, type ModelCheckResult } from "./model-check.ts";
import { simulateTransactions } from "./simulate.ts";

const start = dayNumber("2024-01-01") as number;
const end = start + 539;
const simulated = simulateTransactions({ customers: 3000, seed: 11, bg: { r: 0.6, alpha: 40, a: 0.7, b: 3 }, gg: { p: 5, q: 4, gamma: 150_000 }, startDay: start, acquisitionDays: 180, endDay: end });
const calibrationEnd = end - 182;

function run(transactions: Transaction[]): ModelCheckResult {
  const outcome = runModelCheck(transactions, { calibrationEnd, holdoutEnd: end });
  if (!outcome.ok) throw new Error(outcome.problem);
  return outcome.result;
}

/** The same figures counted directly: distinct (customer, day) pairs after each customer's first day. */
function countRepeats(transactions: Transaction[]) {
  const days = new Map<string, Set<number>>();
  for (const t of transactions) {
    if (t.day > end) continue;
    days.set(t.contactId, (days.get(t.contactId) ?? new Set()).add(t.day));
  }
  let total = 0;
  let holdout = 0;
  let customers = 0;
  for (const set of days.values()) {
    const first = Math.min(...set);
    if (first > calibrationEnd) continue;
    customers++;
    total += set.size - 1;
    for (const d of set) if (d > calibrationEnd) holdout++;
  }
  return { total, holdout, customers };
}

describe("model check on simulated data", () => {
  const result = run(simulated);
  const direct = countRepeats(simulated);

  it("counts the data and the actual repeat transactions exactly", () => {
    expect(result.data.customers).toBe(direct.customers);
    expect(result.holdout.actual).toBe(direct.holdout);
    expect(result.weeks.at(-1)?.cumulativeActual).toBe(direct.total);
    expect(result.weeks.at(-1)?.day).toBe(end);
    expect(result.weeks.reduce((s, w) => s + w.actual, 0)).toBe(direct.total);
    expect(result.holdout.weeks).toBe(26);
  });

  it("bins customers by calibration frequency, the bins adding up to the totals", () => {
    expect(result.bins.reduce((s, b) => s + b.customers, 0)).toBe(direct.customers);
    expect(result.bins.reduce((s, b) => s + b.meanActual * b.customers, 0)).toBeCloseTo(result.holdout.actual, 6);
    expect(result.bins.reduce((s, b) => s + b.meanPredicted * b.customers, 0)).toBeCloseTo(result.holdout.predicted, 6);
    expect(result.bins.at(-1)).toMatchObject({ frequency: 6, atLeast: true });
    expect(result.bins[0]).toMatchObject({ frequency: 0, atLeast: false });
  });

  it("forecasts a well-specified process within the 20 % criterion, with every figure finite", () => {
    expect(Math.abs(result.holdout.relativeError as number)).toBeLessThan(0.1);
    expect(result.warnings).toEqual([]);
    // the cumulative curve ends near the actual (the model saw the calibration part)
    const last = result.weeks.at(-1) as ModelCheckResult["weeks"][number];
    expect(Math.abs(last.cumulativePredicted - last.cumulativeActual) / last.cumulativeActual).toBeLessThan(0.1);
    expect(result.holdout.meanAbsoluteError).toBeGreaterThan(0);
    expect(result.gammaGamma?.params.q).toBeGreaterThan(1);
    expect(JSON.stringify(result)).not.toMatch(/NaN|Infinity|null,"logLikelihood"/);
    const numbers = JSON.stringify(result).match(/-?\d+(\.\d+)?(e[+-]?\d+)?/g) ?? [];
    expect(numbers.every((n) => Number.isFinite(Number(n)))).toBe(true);
  });

  it("warns when the holdout is far off the forecast (twice the actual transactions)", () => {
    const doubled = [...simulated, ...simulated.filter((t) => t.day > calibrationEnd && t.day < end).map((t) => ({ ...t, day: t.day + 1, contactId: t.contactId }))];
    const poor = run(doubled);
    expect(poor.holdout.relativeError as number).toBeLessThan(-0.2);
    expect(poor.warnings).toContain("holdoutError");
  });
});

describe("model check refuses bad input with a problem, never a number it cannot stand by", () => {
  const today = dayNumber("2026-12-07") as number;
  it("checks the dates", () => {
    expect(checkModelCheckDates({ calibrationEnd: null, holdoutEnd: today, today })).toBe("invalidDate");
    expect(checkModelCheckDates({ calibrationEnd: today + 1, holdoutEnd: today + 10, today })).toBe("futureCalibrationEnd");
    expect(checkModelCheckDates({ calibrationEnd: today - 10, holdoutEnd: today + 1, today })).toBe("futureHoldoutEnd");
    expect(checkModelCheckDates({ calibrationEnd: today - 10, holdoutEnd: today - 10, today })).toBe("holdoutNotAfterCalibration");
    expect(checkModelCheckDates({ calibrationEnd: today - 10, holdoutEnd: today - 20, today })).toBe("holdoutNotAfterCalibration");
    expect(checkModelCheckDates({ ...defaultModelCheckDates(today), today })).toBeNull();
    expect(defaultModelCheckDates(today)).toEqual({ calibrationEnd: today - 1 - 182, holdoutEnd: today - 1 });
  });
  it("names empty data, one customer and everyone with a single purchase", () => {
    const tx = (contactId: string, day: number): Transaction => ({ contactId, day, amount: 10_000 });
    expect(runModelCheck([], { calibrationEnd, holdoutEnd: end })).toEqual({ ok: false, problem: "noTransactions" });
    expect(runModelCheck([tx("a", end)], { calibrationEnd, holdoutEnd: end })).toEqual({ ok: false, problem: "noCustomers" });
    expect(runModelCheck([tx("a", start), tx("a", start + 9)], { calibrationEnd, holdoutEnd: end })).toEqual({ ok: false, problem: "oneCustomer" });
    expect(runModelCheck([tx("a", start), tx("b", start + 9), tx("c", start + 20)], { calibrationEnd, holdoutEnd: end })).toEqual({ ok: false, problem: "noRepeatCustomers" });
  });
  it("reports a fit that cannot converge as a problem", () => {
    // two customers, one repeat: the likelihood has no interior maximum
    const outcome = runModelCheck(
      [
        { contactId: "a", day: start, amount: null },
        { contactId: "a", day: start + 1, amount: null },
        { contactId: "b", day: start + 300, amount: null },
      ],
      { calibrationEnd, holdoutEnd: end },
    );
    expect(outcome.ok ? "ok" : outcome.problem).toBe("notConverged");
  });
});
