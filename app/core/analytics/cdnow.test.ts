// Reproduces the published maximum-likelihood results on the CDNOW 1/10 sample
// (../shared/data/cdnow/README.md): BG/NBD (Fader, Hardie & Lee 2005) and the Gamma-Gamma spend model.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bgNbdConditionalExpected, bgNbdPAlive, fitBgNbd } from "./bg-nbd.ts";
import { dayNumber, summariseTransactions, type Transaction } from "./customer-summary.ts";
import { fitGammaGamma, gammaGammaExpectedSpend } from "./gamma-gamma.ts";
import { scoreCustomers } from "./score.ts";

const file = path.resolve(process.cwd(), "../shared/data/cdnow/CDNOW_sample.txt");
const fallback = "/work/shared/data/cdnow/CDNOW_sample.txt";

function readCdnow(): Transaction[] {
  const text = fs.readFileSync(fs.existsSync(file) ? file : fallback, "utf8");
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const [id, , date, , value] = line.trim().split(/\s+/);
      return { contactId: id, day: dayNumber(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`) as number, amount: Number(value) };
    });
}

describe("CDNOW sample", () => {
  const summary = summariseTransactions(readCdnow(), { calibrationEnd: dayNumber("1997-09-30") as number, holdoutEnd: dayNumber("1998-06-30") as number, periodDays: 7 });
  const bg = fitBgNbd(summary);
  const gg = fitGammaGamma(summary);

  it("summarises 2,357 customers, 946 of them repeat buyers", () => {
    expect(summary.contactIds).toHaveLength(2357);
    expect(summary.x.filter((x) => x > 0)).toHaveLength(946);
    // customer 00004: first purchase 1997-01-01, repeats 01-18 and 08-02 → x = 2, t_x = 213 days, T = 272 days
    const i = summary.contactIds.indexOf("00004");
    expect([summary.x[i], summary.tx[i] * 7, summary.T[i] * 7]).toEqual([2, 213, 272]);
  });

  it("BG/NBD: r = 0.2426, α = 4.4136, a = 0.7929, b = 2.4259, LL = −9582.43", () => {
    expect(bg.params.r).toBeCloseTo(0.2426, 3);
    expect(bg.params.alpha).toBeCloseTo(4.4136, 3);
    expect(bg.params.a).toBeCloseTo(0.7929, 3);
    expect(bg.params.b).toBeCloseTo(2.4259, 3);
    expect(Math.abs(bg.logLikelihood - -9582.43)).toBeLessThan(0.1);
    expect(bg.startsAgreeing).toBeGreaterThanOrEqual(3);
    // standard errors exist and are plausible (positive, smaller than the estimates)
    expect(bg.standardErrors).not.toBeNull();
    for (const [k, se] of Object.entries(bg.standardErrors ?? {})) expect(se, k).toBeGreaterThan(0);
    expect(bg.standardErrors?.r).toBeLessThan(bg.params.r);
  });

  it("the published example: x = 2, t_x = 30.43, T = 38.86 → 1.226 transactions in 39 weeks", () => {
    expect(bgNbdConditionalExpected({ r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    expect(bgNbdConditionalExpected(bg.params, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  it("Gamma-Gamma: p = 6.25, q = 3.74, γ = 15.44, LL = −4055.92", () => {
    expect(gg.customers).toBe(946);
    expect(gg.params.p).toBeCloseTo(6.25, 2);
    expect(gg.params.q).toBeCloseTo(3.74, 2);
    expect(gg.params.gamma).toBeCloseTo(15.44, 2);
    expect(Math.abs(gg.logLikelihood - -4055.92)).toBeLessThan(0.1);
  });

  it("p(alive) and expected spend match the formulas worked by hand", () => {
    const p = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
    // 1 / (1 + a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)) for x=2, t_x=30.43, T=38.86
    const hand = 1 / (1 + (0.7929 / (2.4259 + 1)) * Math.pow((4.4136 + 38.86) / (4.4136 + 30.43), 2.2426));
    expect(bgNbdPAlive(p, 2, 30.43, 38.86)).toBeCloseTo(hand, 12);
    expect(bgNbdPAlive(p, 0, 0, 38.86)).toBe(1);
    // p(γ + x m)/(p x + q − 1)
    expect(gammaGammaExpectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 20)).toBeCloseTo((6.25 * (15.44 + 40)) / (12.5 + 2.74), 10);
  });

  it("scores every customer with finite values and intervals that contain the estimate", () => {
    const scores = scoreCustomers(summary, bg, gg, { periodDays: 7, holdoutPeriods: 39 });
    expect(scores.n).toBe(2357);
    for (let i = 0; i < scores.n; i++) {
      expect(scores.pAliveInterval[0][i]).toBeLessThanOrEqual(scores.pAlive[i] + 1e-12);
      expect(scores.pAliveInterval[1][i]).toBeGreaterThanOrEqual(scores.pAlive[i] - 1e-12);
      expect(scores.clvInterval[0][i]).toBeLessThanOrEqual(scores.clv[i] + 1e-9);
      expect(scores.clvInterval[1][i]).toBeGreaterThanOrEqual(scores.clv[i] - 1e-9);
    }
    const i = summary.contactIds.indexOf("00004");
    expect(scores.expectedHoldout[i]).toBeCloseTo(bgNbdConditionalExpected(bg.params, 39, 2, 213 / 7, 272 / 7), 10);
    expect(scores.pAliveInterval[1][i] - scores.pAliveInterval[0][i]).toBeGreaterThan(0.01);
  });
});
