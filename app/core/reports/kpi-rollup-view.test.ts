// Which requests read the daily rollups: a dimension the rollups were not built with (one a KPI
// gained since) is read live until the rebuild, never as an empty split.
import { describe, expect, it } from "vitest";
import type { RollupKpi, RollupView } from "./kpi-rollup.server.ts";
import { readsRollup } from "./kpi-rollup.server.ts";

const kpi = { id: "x.noShowRate", dimensions: ["branch", "weekday", "weekdayHour"], rollup: { sources: [] } } as unknown as RollupKpi;
const view = (dimensions: string[]): RollupView => ({ asOf: new Date(0), kpiIds: new Set([kpi.id]), dimensions: new Map([[kpi.id, new Set(dimensions)]]) });

describe("readsRollup", () => {
  it("reads the rollups for the total, the branch split and the dimensions they were built with", () => {
    const built = view(["branch", "weekday"]);
    expect(readsRollup(built, kpi, null)).toBe(true);
    expect(readsRollup(built, kpi, "branch")).toBe(true);
    expect(readsRollup(built, kpi, "weekday")).toBe(true);
  });

  it("reads a dimension added since the last build live", () => {
    expect(readsRollup(view(["branch", "weekday"]), kpi, "weekdayHour")).toBe(false);
    expect(readsRollup(view(["branch", "weekday", "weekdayHour"]), kpi, "weekdayHour")).toBe(true);
  });
});
