import { describe, expect, it } from "vitest";
import { dayNumber } from "./customer-summary.ts";
import { computeRfm, finiteOrNull, quintiles, rfmSegmentGrid, rfmSegmentKeys, rfmSegmentOf } from "./rfm.ts";

const day = (iso: string) => dayNumber(iso) as number;

describe("quintiles", () => {
  it("splits ten distinct values two to a quintile", () => {
    expect(quintiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintiles([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });
  it("gives equal values one score (the lower) and never splits a tie", () => {
    expect(quintiles([5, 5, 5, 5, 5])).toEqual([1, 1, 1, 1, 1]);
    // 1 has 0 smaller → 1; 2 has 3 smaller → 1 + ⌊15/5⌋ = 4; 3 has 4 smaller → 5
    expect(quintiles([1, 1, 1, 2, 3])).toEqual([1, 1, 1, 4, 5]);
    // three customers: 0, 1, 2 smaller → 1, 1 + ⌊5/3⌋ = 2, 1 + ⌊10/3⌋ = 4
    expect(quintiles([30, 10, 20])).toEqual([4, 1, 2]);
  });
  it("handles one value and none", () => {
    expect(quintiles([7])).toEqual([1]);
    expect(quintiles([])).toEqual([]);
  });
});

describe("segment map", () => {
  it("names every R × F cell from the one table", () => {
    expect(rfmSegmentOf(5, 5)).toBe("champions");
    expect(rfmSegmentOf(5, 4)).toBe("champions");
    expect(rfmSegmentOf(5, 1)).toBe("new");
    expect(rfmSegmentOf(4, 1)).toBe("promising");
    expect(rfmSegmentOf(4, 4)).toBe("loyal");
    expect(rfmSegmentOf(3, 5)).toBe("loyal");
    expect(rfmSegmentOf(3, 3)).toBe("needAttention");
    expect(rfmSegmentOf(3, 1)).toBe("aboutToSleep");
    expect(rfmSegmentOf(2, 3)).toBe("atRisk");
    expect(rfmSegmentOf(1, 5)).toBe("cannotLose");
    expect(rfmSegmentOf(1, 1)).toBe("lost");
    expect(rfmSegmentOf(2, 2)).toBe("lost");
    const used = new Set(Object.values(rfmSegmentGrid).flat());
    expect([...used].sort()).toEqual([...rfmSegmentKeys].sort());
  });
});

describe("computeRfm on a hand-worked month", () => {
  // snapshot 30 Nov 2026, window 30 days: 1–30 Nov
  const snapshotDay = day("2026-11-30");
  const tx = [
    { contactId: "A", day: day("2026-11-29"), amount: 100_000 },
    { contactId: "A", day: day("2026-11-20"), amount: 50_000 },
    { contactId: "A", day: day("2026-11-10"), amount: 50_000 },
    { contactId: "A", day: day("2026-11-10"), amount: 20_000 }, // same day: one transaction, amounts added
    { contactId: "B", day: day("2026-11-30"), amount: 10_000 },
    { contactId: "C", day: day("2026-11-02"), amount: 300_000 },
    { contactId: "C", day: day("2026-10-15"), amount: 999_000 }, // before the window
    { contactId: "D", day: day("2026-11-15"), amount: 40_000 },
    { contactId: "D", day: day("2026-11-16"), amount: 40_000 },
    { contactId: "E", day: day("2026-10-01"), amount: 5_000 }, // no transaction in the window: not scored
    { contactId: "F", day: day("2026-12-01"), amount: 5_000 }, // after the snapshot day
  ];

  it("scores recency, frequency and monetary and names the segment", () => {
    const rows = Object.fromEntries(computeRfm(tx, { snapshotDay, windowDays: 30, withAmounts: true }).map((r) => [r.contactId, r]));
    expect(Object.keys(rows).sort()).toEqual(["A", "B", "C", "D"]);
    // recency days A 1, B 0, C 28, D 14 → ranked on −days: C 1, D 2, A 3, B 4
    // frequency A 3, B 1, C 1, D 2 → B 1, C 1, D 3, A 4; monetary B 10k, D 80k, A 220k, C 300k → 1, 2, 3, 4
    expect(rows.A).toEqual({ contactId: "A", recencyDays: 1, frequency: 3, monetary: 220_000, r: 3, f: 4, m: 3, segment: "loyal" });
    expect(rows.B).toEqual({ contactId: "B", recencyDays: 0, frequency: 1, monetary: 10_000, r: 4, f: 1, m: 1, segment: "promising" });
    expect(rows.C).toEqual({ contactId: "C", recencyDays: 28, frequency: 1, monetary: 300_000, r: 1, f: 1, m: 4, segment: "lost" });
    expect(rows.D).toEqual({ contactId: "D", recencyDays: 14, frequency: 2, monetary: 80_000, r: 2, f: 3, m: 2, segment: "atRisk" });
  });

  it("scores frequency only where there is no amount (visits)", () => {
    const visits = tx.map((t) => ({ ...t, amount: null }));
    const rows = computeRfm(visits, { snapshotDay, windowDays: 30, withAmounts: false });
    expect(rows.every((r) => r.monetary === null && r.m === null)).toBe(true);
    expect(rows.find((r) => r.contactId === "A")?.segment).toBe("loyal");
  });

  it("is empty without transactions", () => {
    expect(computeRfm([], { snapshotDay, windowDays: 365, withAmounts: true })).toEqual([]);
  });
});

describe("finiteOrNull", () => {
  it("lets no NaN or Infinity through", () => {
    expect([NaN, Infinity, -Infinity, null, undefined, 0, 1.5].map(finiteOrNull)).toEqual([null, null, null, null, null, 0, 1.5]);
  });
});
