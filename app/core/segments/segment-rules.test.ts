// Numbers in segment rules are read as the error hint writes them: 1.500.000 (id) or 1,500,000 (en).
import { describe, expect, it } from "vitest";
import { checkRule, type SegmentFieldView } from "./segment-rules.ts";

const count: SegmentFieldView = { key: "test.visits", label: "Visits", type: "number", pluginId: null };
const money: SegmentFieldView = { key: "test.spend", label: "Spend", type: "money", pluginId: null };
const value = (field: SegmentFieldView, typed: string) => {
  const checked = checkRule({ field: field.key, op: "gt", values: [typed] }, field);
  return checked.ok ? (checked.condition as { value: number }).value : checked.error;
};

describe("numbers typed in a segment rule", () => {
  it("accept thousands with a point or a comma, as the hint shows them", () => {
    expect(value(count, "1.500")).toBe(1500);
    expect(value(count, "1,500,000")).toBe(1_500_000);
    expect(value(count, "1500000")).toBe(1_500_000);
    expect(value(money, "Rp1.250.000")).toBe(1_250_000);
  });

  it("refuse a decimal in a count", () => {
    expect(value(count, "1.5")).toBe("segments.errors.number");
    expect(value(count, "12,34")).toBe("segments.errors.number");
  });
});
