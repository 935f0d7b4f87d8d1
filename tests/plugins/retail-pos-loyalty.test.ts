import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { fixedT } from "../../app/plugin-api/server.ts";
import { signedPosPost } from "../support/pos-request.ts";
import { databaseErrorOf } from "../support/db-errors.ts";
import { callRoute, createCustomer, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as refundsRoute from "../../plugins/retail-pos/routes/api.refunds.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import { adjustPoints, burnVoucher, expireDuePoints, memberOverview, programKpis, redeemReward } from "../../plugins/retail-loyalty/ledger.server.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import * as portalLoyalty from "../../plugins/retail-loyalty/routes/portal.loyalty.tsx";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";

// This end-to-end test drives retail-pos through its public HTTP API only (the way a till does);
// the loyalty code under test never imports retail-pos.
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let creds: { apiKey: string; signingSecret: string };
let shopper: Awaited<ReturnType<typeof createCustomer>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, retailLoyalty] });
  runtime = app.runtime;
  const [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values ('TST-L', 'Toko Loyal', 'store') returning id`));
  const created = await createConnection(runtime.db, { kind: "system" }, { branchId, name: "Kasir" });
  if (!created.ok) throw new Error();
  creds = created;
  await createStaff(runtime, { roles: ["admin"], email: "admin@nusa-crm.id" });
  await seedRetailLoyalty({ db: runtime.db, logger: runtime.logger });
  // the demo campaigns would depend on today's date; campaigns have their own tests (retail-loyalty-rules.test.ts)
  await runtime.db.execute(sql`update retail_loyalty_campaigns set active = false`);
  shopper = await createCustomer(runtime);
  await runtime.db.execute(sql`insert into contact_identifiers (contact_id, system, value) values (${shopper.contact.id}, 'member_card', 'RK900001')`);
});
afterAll(() => app.close());

let n = 0;
const send = (route: typeof salesRoute | typeof refundsRoute, body: Record<string, unknown>) => signedPosPost(runtime, route.action, creds, body);
function sale(lines: { sku: string; category: string; quantity: number; unitPrice: number }[], extra: Record<string, unknown> = {}) {
  n++;
  return {
    receiptNumber: `L-${n}`,
    occurredAt: new Date().toISOString(),
    customer: { memberCard: "RK900001" },
    lines,
    total: lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
    ...extra,
  };
}
const balance = async () => (await memberOverview(runtime.db, shopper.contact.id))?.balance ?? 0;

describe("earning from POS events", () => {
  it("earns 1 point per Rp 10.000 with category multipliers, once per sale even when the event is redelivered", async () => {
    // kebersihan counts double, elektronik half: 100.000 + 2×50.000 + 0.5×200.000 = 300.000 → 30 points
    const body = sale([
      { sku: "A", category: "dapur", quantity: 1, unitPrice: 100_000 },
      { sku: "B", category: "kebersihan", quantity: 1, unitPrice: 50_000 },
      { sku: "C", category: "elektronik", quantity: 1, unitPrice: 200_000 },
    ]);
    expect((await send(salesRoute, body)).status).toBe(201);
    expect((await send(salesRoute, body)).status).toBe(200);
    await runtime.jobs.drain();
    await runtime.jobs.drain();
    expect(await balance()).toBe(30);
    // a delivery run again (a retried job, the sweep) reads past the cursor: nothing twice
    await runtime.bus.deliver("retail-loyalty");
    expect(await balance()).toBe(30);
  });

  it("reverses exactly the refunded sale's points, proportionally, and never below zero", async () => {
    const body = sale([{ sku: "A", category: "dapur", quantity: 1, unitPrice: 200_000 }]);
    await send(salesRoute, body);
    await runtime.jobs.drain();
    expect(await balance()).toBe(50);
    await send(refundsRoute, { receiptNumber: `RF-${n}`, originalReceiptNumber: body.receiptNumber, occurredAt: new Date().toISOString(), total: 100_000 });
    await runtime.jobs.drain();
    expect(await balance()).toBe(40);
    // spend the rest, then refund the remainder: the balance stops at zero, the gap is recorded
    const staff = await createStaff(runtime, { roles: ["manager"] });
    const actor = { kind: "staff" as const, userId: staff.id, permissions: new Set<string>(), branchId: null };
    await adjustPoints(runtime.db, actor, { contactId: shopper.contact.id, points: -35, reason: "uji" });
    await send(refundsRoute, { receiptNumber: `RF-${n}-2`, originalReceiptNumber: body.receiptNumber, occurredAt: new Date().toISOString(), total: 100_000 });
    await runtime.jobs.drain();
    expect(await balance()).toBe(0);
    const [last] = rowsOf<{ points: string; reason: string }>(await runtime.db.execute(sql`select points, reason from retail_loyalty_ledger where contact_id = ${shopper.contact.id} order by id desc limit 1`));
    expect(Number(last.points)).toBe(-5);
    expect(last.reason).toContain("unrecovered 5");
  });

  it("refuses a negative balance in the database, and the ledger is append-only", async () => {
    expect(await databaseErrorOf(runtime.db.execute(sql`update retail_loyalty_members set balance = -1 where contact_id = ${shopper.contact.id}`))).toMatch(/balance_nonneg/);
    expect(await databaseErrorOf(runtime.db.execute(sql`delete from retail_loyalty_ledger`))).toMatch(/append-only/);
    const staff = await createStaff(runtime, { roles: ["manager"] });
    await expect(adjustPoints(runtime.db, { kind: "staff", userId: staff.id, permissions: new Set(), branchId: null }, { contactId: shopper.contact.id, points: -1, reason: "uji" })).rejects.toThrow("insufficientPoints");
  });
});

describe("rewards and vouchers", () => {
  it("redeems in the portal for a voucher, once for concurrent clicks, and the voucher burns once", async () => {
    const staff = await createStaff(runtime, { roles: ["manager"] });
    await adjustPoints(runtime.db, { kind: "staff", userId: staff.id, permissions: new Set(), branchId: null }, { contactId: shopper.contact.id, points: 300, reason: "bonus" });
    const [reward] = rowsOf<{ id: string }>(await runtime.db.execute(sql`select id from retail_loyalty_rewards where code = 'VCR-25K'`));
    const attempts = await Promise.allSettled(Array.from({ length: 3 }, () => redeemReward(runtime.db, { kind: "customer", userId: shopper.id, contactId: shopper.contact.id }, reward.id)));
    const won = attempts.filter((a) => a.status === "fulfilled");
    expect(won).toHaveLength(1);
    expect(await balance()).toBe(50);
    const code = (won[0] as PromiseFulfilledResult<{ code: string }>).value.code;
    const burns = await Promise.all(Array.from({ length: 3 }, () => burnVoucher(runtime.db, { kind: "system" }, { code })));
    expect(burns.filter((b) => b.ok)).toHaveLength(1);
    expect(burns.filter((b) => !b.ok).map((b) => !b.ok && b.error)).toEqual(["voucherUsed", "voucherUsed"]);
  });

  it("burns a voucher the till sends with a sale", async () => {
    const staff = await createStaff(runtime, { roles: ["manager"] });
    await adjustPoints(runtime.db, { kind: "staff", userId: staff.id, permissions: new Set(), branchId: null }, { contactId: shopper.contact.id, points: 250, reason: "bonus" });
    const [reward] = rowsOf<{ id: string }>(await runtime.db.execute(sql`select id from retail_loyalty_rewards where code = 'VCR-25K'`));
    const { code } = await redeemReward(runtime.db, { kind: "customer", userId: shopper.id, contactId: shopper.contact.id }, reward.id);
    await send(salesRoute, sale([{ sku: "A", category: "dapur", quantity: 1, unitPrice: 25_000 }], { voucherCodes: [code], paymentMethod: "voucher" }));
    await runtime.jobs.drain();
    const [v] = rowsOf<{ status: string }>(await runtime.db.execute(sql`select status from retail_loyalty_vouchers where code = ${code}`));
    expect(v.status).toBe("used");
  });

  it("shows the member their own balance, tier and redeems through the portal route", async () => {
    const page = unwrap(await callRoute(runtime, portalLoyalty.loader, { path: "/portal/loyalty", cookie: shopper.cookie }));
    const data = page.data as { member: { balance: number; tier: { name: string } } };
    expect(data.member.tier.name).toBe("Silver");
    expect(data.member.balance).toBe(await balance());
    const other = await createCustomer(runtime);
    const theirs = unwrap(await callRoute(runtime, portalLoyalty.loader, { path: "/portal/loyalty", cookie: other.cookie }));
    expect((theirs.data as { member: unknown }).member).toBeNull();
  });
});

describe("expiry and KPIs", () => {
  it("expires what is left of old lots, FIFO, and reports liability", async () => {
    await runtime.db.execute(sql`update retail_loyalty_lots set expires_at = now() - interval '1 day' where contact_id = ${shopper.contact.id} and remaining > 0`);
    const before = await balance();
    expect(before).toBeGreaterThan(0);
    expect(await expireDuePoints(runtime.db)).toBe(before);
    expect(await balance()).toBe(0);
    const kpis = await programKpis(runtime.db);
    expect(kpis.members).toBeGreaterThan(0);
    expect(kpis.redemptionRatePct).toBeGreaterThan(0);
    // redeemed per point issued, where staff grants (opening balances, goodwill) are issued points too
    const [window] = rowsOf<{ issued: string; redeemed: string }>(
      await runtime.db.execute(sql`select sum(points) filter (where kind = 'earn' or (kind = 'adjust' and points > 0)) as issued,
                                          -sum(points) filter (where kind = 'redeem') as redeemed
                                   from retail_loyalty_ledger where occurred_at > now() - interval '12 months'`),
    );
    expect(Number(window.redeemed)).toBeGreaterThan(0);
    expect(Number(window.issued)).toBeGreaterThan(Number(window.redeemed));
    expect(kpis.redemptionRatePct).toBe(Math.round((Number(window.redeemed) * 1000) / Number(window.issued)) / 10);
    expect(kpis.redemptionRatePct).toBeLessThan(100);
  });
});

describe("contributions to core pages", () => {
  it("adds purchase and membership panels, timeline entries and dashboard widgets, translated", async () => {
    const enabled = await runtime.registry.enabledPluginIds(runtime.db);
    const perms = new Set(["retail-pos.sale.read", "retail-pos.report.read", "retail-loyalty.member.read", "retail-loyalty.program.read"]);
    const staff = await createStaff(runtime, { roles: ["manager"] });
    const ctxFor = (pluginId: string) => ({ db: runtime.db, actor: { kind: "staff" as const, userId: staff.id, permissions: perms, branchId: null }, language: "en" as const, t: fixedT("en", pluginId) });
    const panels = runtime.registry.contactPanels(enabled, perms);
    const views = await Promise.all(panels.map((p) => p.load(shopper.contact.id, ctxFor(p.pluginId))));
    expect(views.map((v) => v?.title)).toEqual(["Purchase history", "Loyalty membership"]);
    expect(views[0]?.rows.find((r) => r.label === "Transactions")?.value).toBe("3");
    const sources = runtime.registry.timelineSources(enabled, perms);
    const entries = (await Promise.all(sources.map((s) => s.list(shopper.contact.id, { before: new Date(Date.now() + 60_000), limit: 50 }, ctxFor(s.pluginId))))).flat();
    expect(entries.some((e) => e.view.title.startsWith("Purchase at Toko Loyal"))).toBe(true);
    expect(entries.some((e) => e.view.title.includes("reversed (refund)"))).toBe(true);
    const widgets = runtime.registry.dashboardWidgets(enabled, perms);
    const loaded = await Promise.all(widgets.map((w) => w.load(ctxFor(w.pluginId))));
    expect(loaded.map((w) => w.title)).toEqual(["Net sales, last 7 days, per store", "Loyalty points liability"]);
    expect(runtime.registry.contactPanels(enabled, new Set())).toEqual([]);
  });
});
