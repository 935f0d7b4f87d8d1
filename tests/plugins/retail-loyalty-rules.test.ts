import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeContacts } from "../../app/core/contacts/contact-merge.server.ts";
import { rowsOf } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { localDateOf as localDateIn } from "../../app/core/time/local-time.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { adjustPoints, memberOverview, redeemReward, spend12m } from "../../plugins/retail-loyalty/ledger.server.ts";
import { moveMembership } from "../../plugins/retail-loyalty/member-merge.server.ts";
import * as settingsRoute from "../../plugins/retail-loyalty/routes/staff.loyalty-settings.tsx";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as refundsRoute from "../../plugins/retail-pos/routes/api.refunds.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import { databaseErrorOf } from "../support/db-errors.ts";
import { signedPosPost } from "../support/pos-request.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

// Earn rules (product multipliers, campaigns in the store's time zone), the programme settings page
// and moving a membership on contact merge. Sales arrive through retail-pos's signed HTTP API.
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let creds: { apiKey: string; signingSecret: string };
let manager: Awaited<ReturnType<typeof createStaff>>;
let programId: string;

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, retailLoyalty] });
  runtime = app.runtime;
  // a store in Makassar (WITA, UTC+8): campaign dates are its calendar days, not Jakarta's
  const [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind, time_zone) values ('TST-MKS', 'Toko Makassar', 'store', 'Asia/Makassar') returning id`));
  const created = await createConnection(runtime.db, { kind: "system" }, { branchId, name: "Kasir" });
  if (!created.ok) throw new Error();
  creds = created;
  await createStaff(runtime, { roles: ["admin"], email: "admin@nusa-crm.id" });
  await seedRetailLoyalty({ db: runtime.db, logger: runtime.logger });
  await runtime.db.execute(sql`delete from retail_loyalty_campaigns`);
  [{ id: programId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`select id from retail_loyalty_programs`));
  manager = await createStaff(runtime, { roles: ["manager"] });
});
afterAll(() => app.close());

let n = 0;
const send = (route: typeof salesRoute | typeof refundsRoute, body: Record<string, unknown>) => signedPosPost(runtime, route.action, creds, body);
async function sell(card: string, lines: { sku: string; category: string; unitPrice: number }[], occurredAt = new Date().toISOString()) {
  n++;
  const body = { receiptNumber: `R-${n}`, occurredAt, customer: { memberCard: card }, lines: lines.map((l) => ({ ...l, quantity: 1 })), total: lines.reduce((s, l) => s + l.unitPrice, 0) };
  const res = await send(salesRoute, body);
  expect(res.status).toBe(201);
  await runtime.jobs.drain();
  return body;
}
async function member(card: string) {
  const contact = await createContact(runtime);
  await runtime.db.execute(sql`insert into contact_identifiers (contact_id, system, value) values (${contact.id}, 'member_card', ${card})`);
  return contact;
}
const balanceOf = async (contactId: string) => (await memberOverview(runtime.db, contactId))?.balance ?? 0;
async function lastEntry(contactId: string) {
  const [row] = rowsOf<{ kind: string; points: string; balance_after: string; sale_id: string | null; metadata: Record<string, any> | null }>(
    await runtime.db.execute(sql`select kind, points, balance_after, sale_id, metadata from retail_loyalty_ledger where contact_id = ${contactId} order by id desc limit 1`),
  );
  return { ...row, points: Number(row.points), balanceAfter: Number(row.balance_after) };
}
function settings(cookie: string, form?: Record<string, string>, path = "/staff/loyalty-settings") {
  return form ? callRoute(runtime, settingsRoute.action, { path, cookie, form }) : callRoute(runtime, settingsRoute.loader, { path, cookie });
}
const earningForm = (over: Record<string, string> = {}) => ({
  intent: "earning",
  idrPerPoint: "10000",
  expiryMonths: "12",
  ...over,
});
async function tierFields() {
  const tiers = rowsOf<{ id: string; code: string; min_spend_idr: string; earn_multiplier_pct: number; benefits: { id: string; en: string } }>(
    await runtime.db.execute(sql`select id, code, min_spend_idr, earn_multiplier_pct, benefits from retail_loyalty_tiers order by min_spend_idr`),
  );
  return Object.fromEntries(
    tiers.flatMap((t, i) => [
      [`tiers[${i}].id`, t.id],
      // as the settings page shows them and staff type them: with thousands separators
      [`tiers[${i}].minSpendIdr`, Number(t.min_spend_idr).toLocaleString("id-ID")],
      [`tiers[${i}].earnMultiplierPct`, String(t.earn_multiplier_pct)],
      [`tiers[${i}].benefitsId`, t.benefits.id],
      [`tiers[${i}].benefitsEn`, t.benefits.en],
    ]),
  );
}
async function auditCount(action: string) {
  const [row] = rowsOf<{ n: number }>(await runtime.db.execute(sql`select count(*)::int as n from audit_log where action = ${action}`));
  return row.n;
}

describe("programme settings page", () => {
  it("is only for staff who may manage the programme", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const marketing = await createStaff(runtime, { roles: ["marketing"] });
    for (const who of [agent, marketing]) {
      expect(unwrap(await settings(who.cookie)).status).toBe(403);
      expect(unwrap(await settings(who.cookie, earningForm({ idrPerPoint: "1" }))).status).toBe(403);
    }
    expect(unwrap(await settings("")).status).toBe(302);
    const page = unwrap(await settings(manager.cookie));
    expect(page.status).toBe(200);
    expect((page.data as { tiers: unknown[] }).tiers).toHaveLength(3);
  });

  it("refuses bad input with translated errors, keeps what was typed and changes nothing", async () => {
    const tiers = await tierFields();
    const before = await auditCount("retail-loyalty.program.earning_changed");
    const res = unwrap(await settings(manager.cookie, { ...earningForm({ idrPerPoint: "12,5", expiryMonths: "0" }), ...tiers, "tiers[1].minSpendIdr": "0" }));
    expect(res.status).toBe(400);
    const result = (res.data as { result: { error: Record<string, string[]>; initialValue: Record<string, any> } }).result;
    expect(result.error.idrPerPoint).toEqual(["retail-loyalty:settings.errors.idrPerPoint"]);
    expect(result.error.expiryMonths).toEqual(["retail-loyalty:settings.errors.expiryMonths"]);
    expect(result.initialValue.idrPerPoint).toBe("12,5");
    expect(result.initialValue.tiers[1].minSpendIdr).toBe("0");
    const [program] = rowsOf<{ idr_per_point: string; expiry_months: number }>(await runtime.db.execute(sql`select idr_per_point, expiry_months from retail_loyalty_programs`));
    expect([Number(program.idr_per_point), program.expiry_months]).toEqual([10_000, 12]);
    expect(await auditCount("retail-loyalty.program.earning_changed")).toBe(before);
    // thresholds that do not rise are refused on the tier's field
    const order = unwrap(await settings(manager.cookie, { ...earningForm(), ...tiers, "tiers[2].minSpendIdr": "3000000" }));
    expect((order.data as { result: { error: Record<string, string[]> } }).result.error["tiers[2].minSpendIdr"]).toEqual(["retail-loyalty:settings.errors.thresholdOrder"]);
    // both languages have every settings message
    const en = retailLoyalty.locales.en as any;
    const id = retailLoyalty.locales.id as any;
    expect(Object.keys(id.settings.errors).sort()).toEqual(Object.keys(en.settings.errors).sort());
  });

  it("changes the earn rate, tiers and multipliers for future sales only, audited", async () => {
    const shopper = await member("RKS-001");
    await sell("RKS-001", [{ sku: "DAP-001", category: "dapur", unitPrice: 100_000 }]);
    expect(await balanceOf(shopper.id)).toBe(10);
    const tiers = await tierFields();
    const saved = unwrap(await settings(manager.cookie, { ...earningForm({ idrPerPoint: "Rp 5.000", expiryMonths: "6" }), ...tiers, "tiers[1].benefitsEn": "Gold perks" }));
    expect(saved.status).toBe(302);
    expect(saved.headers?.get("Location")).toBe("/staff/loyalty-settings?notice=saved");
    const multipliers = unwrap(
      await settings(manager.cookie, {
        intent: "multipliers",
        "categories[0].key": "kebersihan",
        "categories[0].pct": "200",
        "categories[1].key": "",
        "categories[1].pct": "",
        "products[0].key": "DAP-002",
        "products[0].pct": "400",
      }),
    );
    expect(multipliers.status).toBe(302);
    // the earlier earn keeps its 10 points; a new sale uses Rp 5.000 per point and the SKU's 4×
    await sell("RKS-001", [{ sku: "DAP-002", category: "dapur", unitPrice: 10_000 }, { sku: "LMP-003", category: "elektronik", unitPrice: 10_000 }]);
    expect(await balanceOf(shopper.id)).toBe(10 + 8 + 2);
    const [first] = rowsOf<{ points: string }>(await runtime.db.execute(sql`select points from retail_loyalty_ledger where contact_id = ${shopper.id} and kind = 'earn' order by id limit 1`));
    expect(Number(first.points)).toBe(10);
    const [lot] = rowsOf<{ months: number }>(await runtime.db.execute(sql`select extract(month from age(expires_at, earned_at))::int as months from retail_loyalty_lots where contact_id = ${shopper.id} order by id desc limit 1`));
    expect(lot.months).toBe(6);
    const [audit] = rowsOf<{ data: { before: { idrPerPoint: number }; after: { idrPerPoint: number; tiers: { code: string; benefits: { en: string } }[] } } }>(
      await runtime.db.execute(sql`select data from audit_log where action = 'retail-loyalty.program.earning_changed' order by id desc limit 1`),
    );
    expect(audit.data.before.idrPerPoint).toBe(10_000);
    expect(audit.data.after.idrPerPoint).toBe(5_000);
    expect(audit.data.after.tiers.find((t) => t.code === "gold")?.benefits.en).toBe("Gold perks");
    expect(await auditCount("retail-loyalty.program.multipliers_changed")).toBe(1);
    // back to the demo rate for the next tests
    await runtime.db.execute(sql`update retail_loyalty_programs set idr_per_point = 10000, expiry_months = 12, category_multipliers = '{"kebersihan":200,"elektronik":50}', product_multipliers = '{"DAP-005":300}'`);
  });

  it("creates, edits and deletes campaigns, refusing an unknown tier code", async () => {
    const form = { intent: "campaign", nameId: "Poin ganda", nameEn: "Double points", startsOn: "2030-01-01", endsOn: "2030-01-31", kind: "multiplier", value: "200", scope: "tiers", scopeValues: "gold, berlian", active: "on" };
    const refused = unwrap(await settings(manager.cookie, form));
    expect(refused.status).toBe(400);
    expect((refused.data as { result: { error: Record<string, string[]>; initialValue: Record<string, string> } }).result.error.scopeValues).toEqual(["retail-loyalty:settings.errors.unknownTier"]);
    expect((refused.data as { result: { initialValue: Record<string, string> } }).result.initialValue.scopeValues).toBe("gold, berlian");
    expect(unwrap(await settings(manager.cookie, { ...form, scopeValues: "gold, platinum" })).status).toBe(302);
    const [c] = rowsOf<{ id: string; scope_values: string[]; active: boolean }>(await runtime.db.execute(sql`select id, scope_values, active from retail_loyalty_campaigns where name->>'en' = 'Double points'`));
    expect(c.scope_values).toEqual(["gold", "platinum"]);
    expect(c.active).toBe(true);
    // editing: the box left unticked switches it off; a bonus replaces the multiplier
    const { active: _, ...unticked } = form;
    expect(unwrap(await settings(manager.cookie, { ...unticked, id: c.id, kind: "bonus", value: "25", scope: "all", scopeValues: "" })).status).toBe(302);
    const [edited] = rowsOf<{ multiplier_pct: number | null; bonus_points: number; active: boolean; scope_values: string[] }>(
      await runtime.db.execute(sql`select multiplier_pct, bonus_points, active, scope_values from retail_loyalty_campaigns where id = ${c.id}`),
    );
    expect(edited).toEqual({ multiplier_pct: null, bonus_points: 25, active: false, scope_values: [] });
    expect(unwrap(await settings(manager.cookie, { intent: "campaignDelete", id: c.id })).status).toBe(302);
    expect(unwrap(await settings(manager.cookie, { intent: "campaignDelete", id: c.id })).status).toBe(400);
    expect([await auditCount("retail-loyalty.campaign.created"), await auditCount("retail-loyalty.campaign.updated"), await auditCount("retail-loyalty.campaign.deleted")]).toEqual([1, 1, 1]);
    // the database refuses a campaign with both (or neither) kinds of reward
    expect(
      await databaseErrorOf(runtime.db.execute(sql`insert into retail_loyalty_campaigns (program_id, name, starts_on, ends_on, multiplier_pct, bonus_points) values (${programId}, '{"id":"x","en":"x"}', '2030-01-01', '2030-01-02', 200, 5)`)),
    ).toMatch(/campaigns_reward/);
  });
});

describe("earning with product multipliers and campaigns", () => {
  afterAll(() => runtime.db.execute(sql`delete from retail_loyalty_campaigns`));
  it("dates campaigns in the store's zone, applies the best multiplier and adds bonuses, and records the breakdown", async () => {
    const shopper = await member("RKS-002");
    // 16:30 UTC yesterday = 00:30 today in Makassar (but still yesterday in Jakarta)
    const at = new Date();
    at.setUTCDate(at.getUTCDate() - 1);
    at.setUTCHours(16, 30, 0, 0);
    const storeDay = localDateIn(at, "Asia/Makassar");
    expect(storeDay).not.toBe(localDateIn(at, "Asia/Jakarta"));
    await runtime.db.execute(sql`insert into retail_loyalty_campaigns (program_id, name, starts_on, ends_on, multiplier_pct, scope) values
      (${programId}, '{"id":"Poin ganda","en":"Double points"}', ${storeDay}, ${storeDay}, 200, 'all'),
      (${programId}, '{"id":"Rice cooker 4x","en":"Rice cooker 4x"}', ${storeDay}, ${storeDay}, 400, 'skus')`);
    await runtime.db.execute(sql`update retail_loyalty_campaigns set scope_values = '["DAP-005"]' where multiplier_pct = 400`);
    await runtime.db.execute(sql`insert into retail_loyalty_campaigns (program_id, name, starts_on, ends_on, bonus_points, scope, scope_values) values
      (${programId}, '{"id":"Bonus kebersihan","en":"Cleaning bonus"}', ${storeDay}, ${storeDay}, 15, 'categories', '["kebersihan"]'),
      (${programId}, '{"id":"Bonus mainan","en":"Toys bonus"}', ${storeDay}, ${storeDay}, 99, 'categories', '["mainan"]')`);
    const sale = await sell(
      "RKS-002",
      [
        { sku: "DAP-005", category: "elektronik", unitPrice: 100_000 }, // product 3× (not elektronik ½×), campaign 4× (not 2×) → 120
        { sku: "KBR-001", category: "kebersihan", unitPrice: 50_000 }, // category 2×, campaign 2× → 20
        { sku: "LMP-003", category: "elektronik", unitPrice: 20_000 }, // ½×, 2× → 2
      ],
      at.toISOString(),
    );
    expect(await balanceOf(shopper.id)).toBe(120 + 20 + 2 + 15);
    const entry = await lastEntry(shopper.id);
    expect(entry.kind).toBe("earn");
    const [{ id: saleId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`select id from retail_pos_sales where receipt_no = ${sale.receiptNumber} and kind = 'sale'`));
    expect(entry.sale_id).toBe(saleId);
    expect(entry.metadata).toMatchObject({
      localDate: storeDay,
      spendPoints: 142,
      bonusPoints: 15,
      points: 157,
      rules: expect.arrayContaining([
        { source: "product", key: "DAP-005", pct: 300, amountIdr: 100_000 },
        { source: "category", key: "kebersihan", pct: 200, amountIdr: 50_000 },
        { source: "category", key: "elektronik", pct: 50, amountIdr: 20_000 },
      ]),
    });
    expect(entry.metadata!.campaigns.map((c: { name: { en: string }; kind: string }) => `${c.name.en}:${c.kind}`)).toEqual(["Rice cooker 4x:multiplier", "Double points:multiplier", "Cleaning bonus:bonus"]);
    // the same product a store day earlier earns without the campaigns
    await sell("RKS-002", [{ sku: "DAP-005", category: "elektronik", unitPrice: 100_000 }], new Date(at.getTime() - 86_400_000).toISOString());
    expect((await lastEntry(shopper.id)).points).toBe(30);
    await runtime.db.execute(sql`delete from retail_loyalty_campaigns`);
  });
});

describe("contact merge", () => {
  const merge = async (keepId: string, mergeId: string) => {
    const result = await mergeContacts(runtime.db, runtime.bus, { kind: "staff", userId: manager.id, permissions: new Set(["core.contact.merge"]), branchId: null }, { keepId, mergeId, choices: {} });
    expect(result.ok).toBe(true);
    await runtime.jobs.drain();
  };

  it("folds a duplicate's membership into the kept one: transfer entries, lots with their dates, vouchers, tier", async () => {
    const actor = { kind: "staff" as const, userId: manager.id, permissions: new Set<string>(), branchId: null };
    const kept = await member("RKM-001");
    const dup = await member("RKM-002");
    await sell("RKM-001", [{ sku: "DAP-001", category: "dapur", unitPrice: 100_000 }]); // 10 points
    const bigSale = await sell("RKM-002", [{ sku: "DAP-007", category: "dapur", unitPrice: 3_500_000 }]); // 350 points, Rp 3,5 jt spend
    const [reward] = rowsOf<{ id: string }>(await runtime.db.execute(sql`select id from retail_loyalty_rewards where code = 'VCR-25K'`));
    const voucher = await redeemReward(runtime.db, { kind: "customer", userId: crypto.randomUUID(), contactId: dup.id }, reward.id); // −250
    await adjustPoints(runtime.db, actor, { contactId: kept.id, points: 5, reason: "uji" });
    expect(await balanceOf(kept.id)).toBe(15);
    expect(await balanceOf(dup.id)).toBe(100);
    expect((await memberOverview(runtime.db, kept.id))?.tier?.code).toBe("silver");
    const dupLots = rowsOf<{ id: string; remaining: string; expires_at: string }>(await runtime.db.execute(sql`select id, remaining, expires_at::text from retail_loyalty_lots where contact_id = ${dup.id} order by id`));

    await merge(kept.id, dup.id);

    expect(await balanceOf(kept.id)).toBe(115);
    const [gone] = rowsOf<{ n: number }>(await runtime.db.execute(sql`select count(*)::int as n from retail_loyalty_members where contact_id = ${dup.id}`));
    expect(gone.n).toBe(0);
    const out = await lastEntry(dup.id);
    expect([out.kind, out.points, out.balanceAfter]).toEqual(["transfer_out", -100, 0]);
    const inn = await lastEntry(kept.id);
    expect([inn.kind, inn.points, inn.balanceAfter]).toEqual(["transfer_in", 100, 115]);
    expect(inn.metadata).toMatchObject({ fromContactId: dup.id, toContactId: kept.id, vouchers: [voucher.id] });
    // the same lots, with their own expiry dates, now belong to the kept contact
    const movedLots = rowsOf<{ id: string; remaining: string; expires_at: string; contact_id: string }>(
      await runtime.db.execute(sql`select id, remaining, expires_at::text, contact_id from retail_loyalty_lots where id in ${sql.raw(`(${dupLots.map((l) => l.id).join(",")})`)} order by id`),
    );
    expect(movedLots.map(({ contact_id: _, ...l }) => l)).toEqual(dupLots);
    expect(new Set(movedLots.map((l) => l.contact_id))).toEqual(new Set([kept.id]));
    const [v] = rowsOf<{ contact_id: string }>(await runtime.db.execute(sql`select contact_id from retail_loyalty_vouchers where id = ${voucher.id}`));
    expect(v.contact_id).toBe(kept.id);
    // the duplicate's spend counts towards the kept contact's tier
    expect(await spend12m(runtime.db, kept.id)).toBe(3_600_000);
    expect((await memberOverview(runtime.db, kept.id))?.tier?.code).toBe("gold");
    // nothing was rewritten: the ledger still refuses updates, and a repeat of the move does nothing
    expect(await databaseErrorOf(runtime.db.execute(sql`update retail_loyalty_ledger set contact_id = ${kept.id} where contact_id = ${dup.id}`))).toMatch(/append-only/);
    expect((await runtime.db.transaction((tx) => moveMembership(tx, dup.id, kept.id))).outcome).toBe("none");
    expect(await balanceOf(kept.id)).toBe(115);

    // a refund of the duplicate's sale, after the merge, reverses from the moved lot and stops at zero
    const refund = await send(refundsRoute, { receiptNumber: `RF-${bigSale.receiptNumber}`, originalReceiptNumber: bigSale.receiptNumber, occurredAt: new Date().toISOString(), total: 3_500_000 });
    expect(refund.status).toBe(201);
    await runtime.jobs.drain();
    const reversal = await lastEntry(kept.id);
    expect(reversal.kind).toBe("reversal");
    expect(reversal.points).toBe(-115);
    expect(await balanceOf(kept.id)).toBe(0);
  });

  it("re-points the membership when only the duplicate is a member, keeping its member number", async () => {
    const kept = await createContact(runtime);
    const dup = await member("RKM-003");
    await sell("RKM-003", [{ sku: "DAP-001", category: "dapur", unitPrice: 420_000 }]);
    const before = await memberOverview(runtime.db, dup.id);
    expect(before?.balance).toBe(42);
    await merge(kept.id, dup.id);
    const after = await memberOverview(runtime.db, kept.id);
    expect(after?.memberNo).toBe(before?.memberNo);
    expect(after?.balance).toBe(42);
    expect(after?.spend12m).toBe(420_000);
    expect(after?.history.map((h) => h.kind)).toEqual(["transfer_in"]);
    expect(await memberOverview(runtime.db, dup.id)).toBeNull();
    // the card moved with the merge: the next sale earns on the kept contact
    await sell("RKM-003", [{ sku: "DAP-001", category: "dapur", unitPrice: 10_000 }]);
    expect(await balanceOf(kept.id)).toBe(43);
  });

  it("does nothing when the duplicate was not a member", async () => {
    const kept = await member("RKM-004");
    await sell("RKM-004", [{ sku: "DAP-001", category: "dapur", unitPrice: 10_000 }]);
    const dup = await createContact(runtime);
    await merge(kept.id, dup.id);
    expect(await balanceOf(kept.id)).toBe(1);
    expect((await lastEntry(kept.id)).kind).toBe("earn");
  });
});
