import { describe, expect, it } from "vitest";
import { customerHistories, selectAtRisk, type CustomerHistory } from "./at-risk.ts";

// With r = α = a = b = 1, p(alive) = 1 / (1 + a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)):
//   A: x=1, t_x=1, T=3 → ratio 1 · (4/2)^2 = 4 → p = 0.2
//   B: x=2, t_x=1, T=3 → ratio ½ · (4/2)^3 = 4 → p = 0.2
//   C: x=1, t_x=3, T=3 → ratio 1 → p = 0.5, not below 0.5: not at risk
//   D: one transaction only: never on the list
// Lost value = (1 − p) × past value per year (at least one year counted):
//   A: 300,000 over its first 22 days → counted as one year → 0.8 × 300,000 = 240,000
//   B: 900,000 over 730 days = 2 years → 450,000 a year → 0.8 × 450,000 = 360,000
const today = 20_000;
const customer = (contactId: string, x: number, tx: number, T: number, pastValue: number, firstDay: number): CustomerHistory => ({ contactId, transactions: x + 1, firstDay, lastDay: today - 14, pastValue, x, tx, T });

describe("at-risk selection", () => {
  it("keeps repeat customers below p(alive) 0.5, largest expected lost value first", () => {
    const params = { r: 1, alpha: 1, a: 1, b: 1 };
    const list = selectAtRisk(
      [customer("A", 1, 1, 3, 300_000, today - 21), customer("B", 2, 1, 3, 900_000, today - 729), customer("C", 1, 3, 3, 5_000_000, today - 21), customer("D", 0, 0, 3, 9_000_000, today - 21)],
      params,
      today,
    );
    expect(list.map((c) => c.contactId)).toEqual(["B", "A"]);
    expect(list[0].pAlive).toBeCloseTo(0.2, 12);
    expect(list[0].yearlyValue).toBeCloseTo(450_000, 6);
    expect(list[0].expectedLostValue).toBeCloseTo(360_000, 6);
    expect(list[1].pAlive).toBeCloseTo(0.2, 12);
    expect(list[1].expectedLostValue).toBeCloseTo(240_000, 6);
  });

  it("summarises histories: one transaction per day, amounts added, visits counted when there are no amounts", () => {
    const purchases = customerHistories(
      [
        { contactId: "a", day: today - 70, amount: 100 },
        { contactId: "a", day: today - 70, amount: 50 },
        { contactId: "a", day: today - 14, amount: 25 },
        { contactId: "a", day: today + 1, amount: 999 },
      ],
      today,
      7,
    );
    expect(purchases).toEqual([{ contactId: "a", transactions: 2, firstDay: today - 70, lastDay: today - 14, pastValue: 175, x: 1, tx: 8, T: 10 }]);
    const visits = customerHistories(
      [
        { contactId: "v", day: today - 7, amount: null },
        { contactId: "v", day: today, amount: null },
      ],
      today,
      7,
    );
    expect(visits[0]).toMatchObject({ transactions: 2, pastValue: 2, x: 1, tx: 1, T: 1 });
  });
});
