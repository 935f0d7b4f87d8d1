import { describe, expect, it } from "vitest";
import { fitBgNbd, ModelFitError } from "./bg-nbd.ts";
import { summariseTransactions, dayNumber, isoOfDay } from "./customer-summary.ts";
import { fitGammaGamma } from "./gamma-gamma.ts";
import { hyp2f1, lgamma } from "./special-functions.ts";
import { simulateTransactions } from "./simulate.ts";

describe("special functions", () => {
  it("lgamma matches known values", () => {
    expect(lgamma(1)).toBeCloseTo(0, 12);
    expect(lgamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lgamma(1000.5)).toBeCloseTo(5908.674175848678, 8);
  });
  it("2F1 matches closed forms", () => {
    // 2F1(1,1;2;z) = -ln(1-z)/z
    expect(hyp2f1(1, 1, 2, 0.9)).toBeCloseTo(-Math.log(0.1) / 0.9, 10);
    // 2F1(a,b;b;z) = (1-z)^-a
    expect(hyp2f1(2.5, 3, 3, 0.5)).toBeCloseTo(Math.pow(0.5, -2.5), 10);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});

describe("day numbers", () => {
  it("round-trips calendar dates and rejects impossible ones", () => {
    expect(isoOfDay(dayNumber("2024-02-29") as number)).toBe("2024-02-29");
    expect(dayNumber("2023-02-29")).toBeNull();
    expect(dayNumber("2024-1-01")).toBeNull();
  });
});

describe("fitting simulated data", () => {
  it("recovers the parameters it was simulated with (within two standard errors)", () => {
    const truth = { r: 0.5, alpha: 60, a: 0.6, b: 3 };
    const start = dayNumber("2024-01-01") as number;
    const tx = simulateTransactions({ customers: 6000, seed: 7, bg: truth, gg: { p: 5, q: 4, gamma: 200_000 }, startDay: start, acquisitionDays: 180, endDay: start + 540 });
    const summary = summariseTransactions(tx, { calibrationEnd: start + 540, periodDays: 1 });
    const fit = fitBgNbd(summary);
    for (const k of ["r", "alpha", "a", "b"] as const) {
      const se = fit.standardErrors?.[k] ?? 0;
      expect(Math.abs(fit.params[k] - truth[k]), k).toBeLessThan(2.5 * se + 1e-9);
    }
    const gg = fitGammaGamma(summary);
    // mean spend p·γ/(q−1) = 5·200000/3 ≈ 333,333
    expect((gg.params.p * gg.params.gamma) / (gg.params.q - 1)).toBeGreaterThan(333_333 * 0.85);
    expect((gg.params.p * gg.params.gamma) / (gg.params.q - 1)).toBeLessThan(333_333 * 1.15);
  });

  it("refuses data it cannot fit, with a coded error", () => {
    const one = summariseTransactions([{ contactId: "a", day: 10, amount: 1 }, { contactId: "a", day: 20, amount: 1 }], { calibrationEnd: 30, periodDays: 1 });
    expect(() => fitBgNbd(one)).toThrow(expect.objectContaining({ code: "too_few_customers" }));
    const singles = summariseTransactions(["a", "b", "c"].map((c, i) => ({ contactId: c, day: i, amount: 5 })), { calibrationEnd: 30, periodDays: 1 });
    expect(() => fitBgNbd(singles)).toThrow(ModelFitError);
    expect(() => fitBgNbd(singles)).toThrow(expect.objectContaining({ code: "no_repeat_customers" }));
  });
});
