import { describe, expect, it } from "vitest";
import { cohortRetention, cohortStart, type CohortTransaction } from "./cohort-retention.ts";

// Worked by hand (today 2026-03-15, cohorts from January, months 0..2):
//   A 05-01, 20-01, 10-02  → January cohort, active in months 0 and 1
//   B 31-01, 01-03         → January cohort, active in months 0 and 2
//   C 02-02, 10-03         → February cohort, months 0 and 1
//   D 28-02                → February cohort, month 0
//   E 15-12-2025, 01-02    → first bought in December: not a February customer, and before the cohorts shown
//   F 14-03                → March cohort, month 0
//   G 01-04                → in the future: ignored
const tx = (contactId: string, date: string, group: string | null = null): CohortTransaction => ({ contactId, date, group });
const data = [
  tx("A", "2026-01-05", "north"),
  tx("A", "2026-01-20", "south"),
  tx("A", "2026-02-10", "south"),
  tx("B", "2026-01-31", "south"),
  tx("B", "2026-03-01", "north"),
  tx("C", "2026-02-02", "north"),
  tx("C", "2026-03-10"),
  tx("D", "2026-02-28", "north"),
  tx("E", "2025-12-15", "north"),
  tx("E", "2026-02-01", "north"),
  tx("F", "2026-03-14"),
  tx("G", "2026-04-01", "north"),
];

describe("cohort retention", () => {
  it("counts each cohort's customers month by month, with the cohort size as denominator and the running month marked", () => {
    const matrix = cohortRetention(data.map((t) => ({ ...t, group: null })), { today: "2026-03-15", firstCohort: "2026-01-01", months: 3 });
    expect(matrix.currentMonth).toBe("2026-03");
    expect(matrix.rows.map((r) => [r.cohort, r.size])).toEqual([
      ["2026-01", 2],
      ["2026-02", 2],
      ["2026-03", 1],
    ]);
    const [jan, feb, mar] = matrix.rows;
    expect(jan.cells).toEqual([
      { retained: 2, share: 1, unfinished: false },
      { retained: 1, share: 0.5, unfinished: false },
      { retained: 1, share: 0.5, unfinished: true },
    ]);
    expect(feb.cells).toEqual([{ retained: 2, share: 1, unfinished: false }, { retained: 1, share: 0.5, unfinished: true }, null]);
    expect(mar.cells).toEqual([{ retained: 1, share: 1, unfinished: true }, null, null]);
  });

  it("splits by the group of each customer's first transaction; unknown groups stay apart", () => {
    const split = cohortRetention(data, { today: "2026-03-15", firstCohort: "2026-01-01", months: 2 });
    expect(split.rows.map((r) => [r.group, r.cohort, r.size, r.cells.map((c) => c?.retained ?? null)])).toEqual([
      [null, "2026-03", 1, [1, null]],
      ["north", "2026-01", 1, [1, 1]],
      ["north", "2026-02", 2, [2, 1]],
      ["south", "2026-01", 1, [1, 0]],
    ]);
  });

  it("gives no rows for no data, and the start of the cohorts shown", () => {
    expect(cohortRetention([], { today: "2026-03-15", firstCohort: "2026-01-01", months: 3 }).rows).toEqual([]);
    expect(cohortStart("2026-03-15", 2)).toBe("2026-01-01");
    expect(cohortStart("2026-01-31", 11)).toBe("2025-02-01");
  });
});
