import { describe, expect, it } from "vitest";
import { pointsForSale, tierFor, type Program } from "./ledger.server.ts";
import { saleRecordedV1 } from "./pos-events.ts";

const program = {
  idrPerPoint: 10_000,
  categoryMultipliers: { kebersihan: 200, elektronik: 50 },
  bonusMultiplierPct: 200,
  bonusStartsAt: new Date("2026-12-09T17:00:00Z"),
  bonusEndsAt: new Date("2026-12-13T17:00:00Z"),
  tiers: [
    { code: "silver", name: "Silver", minSpendIdr: 0, earnMultiplierPct: 100 },
    { code: "gold", name: "Gold", minSpendIdr: 3_000_000, earnMultiplierPct: 125 },
    { code: "platinum", name: "Platinum", minSpendIdr: 10_000_000, earnMultiplierPct: 150 },
  ],
} as unknown as Program;

describe("earn rules", () => {
  const lines = [
    { category: "dapur", amount: 100_000 },
    { category: "kebersihan", amount: 50_000 },
    { category: "elektronik", amount: 200_000 },
  ];
  it("applies category multipliers, tier and bonus campaign, rounding down once", () => {
    expect(pointsForSale(program, { lines, occurredAt: "2026-11-24T03:00:00Z" }, 100)).toBe(30);
    expect(pointsForSale(program, { lines, occurredAt: "2026-11-24T03:00:00Z" }, 125)).toBe(37);
    expect(pointsForSale(program, { lines, occurredAt: "2026-12-10T03:00:00Z" }, 100)).toBe(60);
    expect(pointsForSale(program, { lines: [{ category: "dapur", amount: 9_999 }], occurredAt: "2026-11-24T03:00:00Z" }, 150)).toBe(1);
  });
  it("places members in tiers by rolling spend and shows the next tier", () => {
    expect(tierFor(program, 2_999_999).tier?.code).toBe("silver");
    expect(tierFor(program, 3_000_000).tier?.code).toBe("gold");
    expect(tierFor(program, 3_000_000).next?.code).toBe("platinum");
    expect(tierFor(program, 12_000_000).next).toBeNull();
  });
  it("validates the POS event it relies on without importing retail-pos", () => {
    expect(saleRecordedV1.safeParse({ version: 2 }).success).toBe(false);
    const ok = saleRecordedV1.parse({ version: 1, saleId: crypto.randomUUID(), receiptNumber: "A", contactId: null, occurredAt: "2026-11-24T10:00:00+07:00", total: 1, lines: [] });
    expect(ok.voucherCodes).toEqual([]);
  });
});
