// Campaign reach against a fixture worked out by hand. Jakarta (WIB) and Makassar (WITA); a campaign
// counts on the day it started in each contact's branch zone.
//
// Campaign "November" (10 Nov): A email sent, B WhatsApp failed, C skipped (no consent, no message),
//   D (Makassar) WhatsApp read.
// Campaign "Malam" started 31 Oct 16:30Z = 23:30 WIB on 31 Oct = 00:30 WITA on 1 Nov:
//   A (Jakarta) -> 31 Oct, out of November; D (Makassar) -> 1 Nov, in, email delivered.
// November: targeted A, B, C, D, D = 5; reached A, D, D = 3 -> 60 %.
// By channel: email A sent + D delivered = 2/2 = 100 %; whatsapp B failed, D read = 1/2 = 50 %;
//   "-" (no message) C = 0/1 = 0 %.
// By branch: Jakarta A, B, C = 1/3 = 33.3 %; Makassar D, D = 2/2 = 100 %.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, contacts, messages, segmentCampaignRecipients, segmentCampaigns } from "../../../db/schema/index.ts";
import { createTestApp } from "../../../tests/support/test-app.ts";
import { coreKpis } from "./core-kpis.server.ts";
import { kpiValue } from "./kpis.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
const november = { from: "2026-11-01", to: "2026-11-30" };
const kpi = coreKpis.find((k) => k.id === "campaigns.reach")!;

beforeAll(async () => {
  app = await createTestApp();
  const db = app.runtime.db;
  const [{ id: jkt }, { id: mks }] = await db
    .insert(branches)
    .values([
      { code: "CR-JKT", name: "Jakarta", kind: "store", timeZone: "Asia/Jakarta" },
      { code: "CR-MKS", name: "Makassar", kind: "store", timeZone: "Asia/Makassar" },
    ])
    .returning({ id: branches.id });
  const [a, b, c, d] = await db
    .insert(contacts)
    .values([
      { fullName: "A", branchId: jkt },
      { fullName: "B", branchId: jkt },
      { fullName: "C", branchId: jkt },
      { fullName: "D", branchId: mks },
    ])
    .returning();
  const [november, night] = await db
    .insert(segmentCampaigns)
    .values([
      { segmentName: "s", title: "November", message: "m", recipients: 4, createdAt: new Date("2026-11-10T03:00:00Z"), status: "done" },
      { segmentName: "s", title: "Malam", message: "m", recipients: 2, createdAt: new Date("2026-10-31T16:30:00Z"), status: "done" },
    ])
    .returning();
  const message = async (contactId: string, channel: "email" | "whatsapp", status: "sent" | "failed" | "read" | "delivered") =>
    (await db.insert(messages).values({ channel, recipient: "x", template: "campaign", locale: "id", status, contactId }).returning())[0].id;
  await db.insert(segmentCampaignRecipients).values([
    { campaignId: november.id, contactId: a.id, status: "queued", messageId: await message(a.id, "email", "sent") },
    { campaignId: november.id, contactId: b.id, status: "queued", messageId: await message(b.id, "whatsapp", "failed") },
    { campaignId: november.id, contactId: c.id, status: "skipped", skipReason: "no_consent" },
    { campaignId: november.id, contactId: d.id, status: "queued", messageId: await message(d.id, "whatsapp", "read") },
    { campaignId: night.id, contactId: a.id, status: "queued", messageId: await message(a.id, "email", "sent") },
    { campaignId: night.id, contactId: d.id, status: "queued", messageId: await message(d.id, "email", "delivered") },
  ]);
});
afterAll(() => app.close());

const ctx = () => ({ db: app.runtime.db, language: "id" as const, t: (k: string) => k });
const query = (dimension: "channel" | "branch" | null) => ({ range: november, branchIds: null, dimension, now: new Date("2026-12-01T00:00:00Z") });

describe("core.campaigns.reach", () => {
  it("is 3 reached of 5 targeted in November (60 %)", async () => {
    const [total] = await kpi.compute(query(null), ctx());
    expect(total).toMatchObject({ numerator: 3, denominator: 5 });
    expect(kpiValue(kpi, total)).toBeCloseTo(60, 5);
  });

  it("per channel: email 2/2, WhatsApp 1/2, no message 0/1", async () => {
    const rows = await kpi.compute(query("channel"), ctx());
    const by = Object.fromEntries(rows.map((r) => [r.key, [r.numerator, r.denominator]]));
    expect(by).toEqual({ email: [2, 2], whatsapp: [1, 2], "-": [0, 1] });
  });

  it("per branch, each contact's day in its own zone: Jakarta 1/3, Makassar 2/2", async () => {
    const rows = await kpi.compute(query("branch"), ctx());
    expect(rows.map((r) => [r.label, r.numerator, r.denominator]).sort()).toEqual([
      ["Jakarta", 1, 3],
      ["Makassar", 2, 2],
    ]);
  });
});
