import { describe, expect, it } from "vitest";
import { localDateOf } from "../../app/plugin-api/index.ts";
import { computeEarn, type EarnCampaign } from "./earn-rules.ts";

const localDateIn = (at: string, tz: "Asia/Jakarta" | "Asia/Makassar" | "Asia/Jayapura") => localDateOf(new Date(at), tz);
import { tierFor, type Program } from "./ledger.server.ts";
import { campaignSchema, earningSchema, multipliersSchema } from "./settings-forms.ts";

const program = {
  idrPerPoint: 10_000,
  categoryMultipliers: { kebersihan: 200, elektronik: 50 },
  productMultipliers: { "DAP-005": 300, "KBR-009": 0 },
  tiers: [
    { code: "silver", name: "Silver", minSpendIdr: 0, earnMultiplierPct: 100 },
    { code: "gold", name: "Gold", minSpendIdr: 3_000_000, earnMultiplierPct: 125 },
    { code: "platinum", name: "Platinum", minSpendIdr: 10_000_000, earnMultiplierPct: 150 },
  ],
} as unknown as Program;

let n = 0;
function campaign(overrides: Partial<EarnCampaign>): EarnCampaign {
  n++;
  return { id: `c${n}`, name: { id: `K${n}`, en: `C${n}` }, startsOn: "2026-12-10", endsOn: "2026-12-13", multiplierPct: null, bonusPoints: null, scope: "all", scopeValues: [], active: true, ...overrides };
}
const silver = { code: "silver", earnMultiplierPct: 100 };
const gold = { code: "gold", earnMultiplierPct: 125 };
const lines = [
  { sku: "DAP-001", category: "dapur", amount: 100_000 },
  { sku: "KBR-001", category: "kebersihan", amount: 50_000 },
  { sku: "LMP-003", category: "elektronik", amount: 200_000 },
];
const earn = (campaigns: EarnCampaign[], input: Partial<Parameters<typeof computeEarn>[2]> = {}) =>
  computeEarn(program, campaigns, { lines, localDate: "2026-11-24", tier: silver, ...input });

describe("earn rules", () => {
  it("applies category multipliers and the tier, rounding down once", () => {
    // 100.000 + 2×50.000 + ½×200.000 = 300.000 → 30 points; Gold 1.25× → 37.5 → 37
    expect(earn([]).points).toBe(30);
    expect(earn([], { tier: gold }).points).toBe(37);
    expect(earn([], { lines: [{ category: "dapur", amount: 9_999 }], tier: { code: "platinum", earnMultiplierPct: 150 } }).points).toBe(1);
    expect(earn([], { lines: [{ category: "dapur", amount: -5_000 }] }).points).toBe(0);
  });

  it("lets a product multiplier win over its category's, and records which rule gave what", () => {
    // DAP-005 is elektronik (½×) but has its own 3×; KBR-009 is kebersihan (2×) but earns nothing
    const result = earn([], { lines: [{ sku: "DAP-005", category: "elektronik", amount: 100_000 }, { sku: "KBR-009", category: "kebersihan", amount: 100_000 }, { sku: "LMP-003", category: "elektronik", amount: 100_000 }] });
    expect(result.points).toBe(30 + 0 + 5);
    expect(result.rules).toEqual([
      { source: "product", key: "DAP-005", pct: 300, amountIdr: 100_000 },
      { source: "product", key: "KBR-009", pct: 0, amountIdr: 100_000 },
      { source: "category", key: "elektronik", pct: 50, amountIdr: 100_000 },
    ]);
    expect(earn([], { lines: [{ category: "dapur", amount: 10_000 }] }).rules).toEqual([{ source: "base", key: null, pct: 100, amountIdr: 10_000 }]);
  });

  it("runs a campaign on the days of its range only, inclusive, and only when switched on", () => {
    const double = campaign({ multiplierPct: 200 });
    expect(earn([double], { localDate: "2026-12-09" }).points).toBe(30);
    expect(earn([double], { localDate: "2026-12-10" }).points).toBe(60);
    expect(earn([double], { localDate: "2026-12-13" }).points).toBe(60);
    expect(earn([double], { localDate: "2026-12-14" }).points).toBe(30);
    expect(earn([{ ...double, active: false }], { localDate: "2026-12-10" }).points).toBe(30);
  });

  it("reads the campaign date in the store's time zone", () => {
    // 16:30 UTC on 9 December is already 10 December in Makassar (WITA, +8) but not in Jakarta (WIB, +7)
    expect(localDateIn("2026-12-09T16:30:00Z", "Asia/Jakarta")).toBe("2026-12-09");
    expect(localDateIn("2026-12-09T16:30:00Z", "Asia/Makassar")).toBe("2026-12-10");
    expect(localDateIn("2026-12-09T15:30:00Z", "Asia/Jayapura")).toBe("2026-12-10");
  });

  it("on overlapping campaigns applies the highest multiplier per line and adds fixed bonuses", () => {
    const double = campaign({ multiplierPct: 200 });
    const tripleCleaning = campaign({ multiplierPct: 300, scope: "categories", scopeValues: ["kebersihan"] });
    const bonus20 = campaign({ bonusPoints: 20 });
    const bonus5 = campaign({ bonusPoints: 5, scope: "skus", scopeValues: ["KBR-001"] });
    const result = earn([double, tripleCleaning, bonus20, bonus5], { localDate: "2026-12-11", tier: gold });
    // dapur 100.000×1×2 + kebersihan 50.000×2×3 + elektronik 200.000×½×2 = 200.000 + 300.000 + 200.000 = 700.000
    // → 70 × 1.25 = 87.5 → 87, plus 20 + 5 fixed (not multiplied by the tier)
    expect(result.spendPoints).toBe(87);
    expect(result.bonusPoints).toBe(25);
    expect(result.points).toBe(112);
    expect(result.campaigns).toEqual([
      { id: tripleCleaning.id, name: tripleCleaning.name, kind: "multiplier", pct: 300, amountIdr: 50_000, extraPoints: 25 },
      { id: double.id, name: double.name, kind: "multiplier", pct: 200, amountIdr: 300_000, extraPoints: 25 },
      { id: bonus20.id, name: bonus20.name, kind: "bonus", points: 20 },
      { id: bonus5.id, name: bonus5.name, kind: "bonus", points: 5 },
    ]);
    expect(result.tier).toEqual({ code: "gold", pct: 125 });
  });

  it("limits a campaign to its categories, SKUs or tiers", () => {
    const goldOnly = campaign({ bonusPoints: 100, scope: "tiers", scopeValues: ["gold", "platinum"] });
    const skuDouble = campaign({ multiplierPct: 200, scope: "skus", scopeValues: ["DAP-001"] });
    const otherCategoryBonus = campaign({ bonusPoints: 7, scope: "categories", scopeValues: ["mainan"] });
    expect(earn([goldOnly, otherCategoryBonus], { localDate: "2026-12-10" }).points).toBe(30);
    expect(earn([goldOnly], { localDate: "2026-12-10", tier: gold }).points).toBe(37 + 100);
    expect(earn([skuDouble], { localDate: "2026-12-10" }).points).toBe(40);
    expect(earn([goldOnly], { localDate: "2026-12-10", tier: null }).points).toBe(30);
  });

  it("gives no fixed bonus to a sale without a qualifying positive line", () => {
    const bonus = campaign({ bonusPoints: 50, scope: "categories", scopeValues: ["kebersihan"] });
    expect(earn([bonus], { localDate: "2026-12-10", lines: [{ category: "kebersihan", amount: 0 }, { category: "dapur", amount: 10_000 }] }).points).toBe(1);
    expect(earn([bonus], { localDate: "2026-12-10", lines: [] }).points).toBe(0);
  });

  it("places members in tiers by rolling spend and shows the next tier", () => {
    expect(tierFor(program, 2_999_999).tier?.code).toBe("silver");
    expect(tierFor(program, 3_000_000).tier?.code).toBe("gold");
    expect(tierFor(program, 3_000_000).next?.code).toBe("platinum");
    expect(tierFor(program, 12_000_000).next).toBeNull();
  });
});

describe("settings forms", () => {
  const tierId = crypto.randomUUID();
  const tier2 = crypto.randomUUID();
  it("refuses tiers whose thresholds do not rise, with a translated message on the field", () => {
    const result = earningSchema.safeParse({
      intent: "earning",
      idrPerPoint: "10000",
      expiryMonths: "12",
      tiers: [
        { id: tierId, minSpendIdr: "3000000", earnMultiplierPct: "100", benefitsId: "a", benefitsEn: "a" },
        { id: tier2, minSpendIdr: "3000000", earnMultiplierPct: "125", benefitsId: "b", benefitsEn: "b" },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["tiers.1.minSpendIdr", "retail-loyalty:settings.errors.thresholdOrder"]]);
    expect(earningSchema.safeParse({ intent: "earning", idrPerPoint: "abc", expiryMonths: "0", tiers: [] }).error?.issues.map((i) => i.message)).toEqual([
      "retail-loyalty:settings.errors.idrPerPoint",
      "retail-loyalty:settings.errors.expiryMonths",
      "validation.invalid",
    ]);
  });

  it("needs a multiplier for every named category or SKU and no repeats", () => {
    const result = multipliersSchema.safeParse({ intent: "multipliers", categories: [{ key: "dapur" }, { key: "Dapur", pct: "100" }], products: [{ pct: "200" }] });
    expect(result.error?.issues.map((i) => `${i.path.join(".")}:${i.message}`)).toEqual([
      "categories.0.pct:retail-loyalty:settings.errors.multiplier",
      "categories.1.key:retail-loyalty:settings.errors.duplicate",
      "products.0.key:validation.required",
    ]);
    expect(multipliersSchema.safeParse({ intent: "multipliers", categories: [{ key: "dapur", pct: "0" }, {}], products: [] }).success).toBe(true);
  });

  it("checks a campaign's dates, value and scope", () => {
    const base = { intent: "campaign", nameId: "Poin ganda", nameEn: "Double points", startsOn: "2026-12-10", endsOn: "2026-12-13", kind: "multiplier", value: "200", scope: "all" };
    expect(campaignSchema.safeParse(base).success).toBe(true);
    const issues = (input: Record<string, unknown>) => campaignSchema.safeParse({ ...base, ...input }).error?.issues.map((i) => `${i.path.join(".")}:${i.message}`);
    expect(issues({ endsOn: "2026-12-09" })).toEqual(["endsOn:retail-loyalty:settings.errors.endsBeforeStart"]);
    expect(issues({ endsOn: "2026-02-30" })).toEqual(["endsOn:validation.date"]);
    expect(issues({ value: "100" })).toEqual(["value:retail-loyalty:settings.errors.campaignMultiplier"]);
    expect(issues({ kind: "bonus", value: "100" })).toBeUndefined();
    expect(issues({ scope: "categories", scopeValues: " , " })).toEqual(["scopeValues:retail-loyalty:settings.errors.scopeValues"]);
  });
});
