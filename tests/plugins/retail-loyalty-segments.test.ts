import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedT } from "../../app/core/i18n/i18n.server.ts";
import { loadPermissions } from "../../app/core/permissions/permissions.server.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { availableSegmentFields, segmentCondition, segmentMembers } from "../../app/core/segments/segments.server.ts";
import * as editRoute from "../../app/routes/staff/segments.edit.tsx";
import * as viewRoute from "../../app/routes/staff/segments.view.tsx";
import { rolePermissions, roles, segments, type SegmentRuleData } from "../../db/schema/index.ts";
import { memberOverview } from "../../plugins/retail-loyalty/ledger.server.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let marketing: Awaited<ReturnType<typeof createStaff>>;
const ids: Record<string, string> = {};
const day = 24 * 3600 * 1000;

async function member(contactId: string, balance: number, lastPurchaseDaysAgo: number | null) {
  await runtime.db.execute(sql`insert into retail_loyalty_members (contact_id, program_id, member_no, balance, last_purchase_at)
    values (${contactId}, (select id from retail_loyalty_programs limit 1), ${`NM-${contactId.slice(0, 8)}`}, ${balance},
            ${lastPurchaseDaysAgo === null ? null : new Date(Date.now() - lastPurchaseDaysAgo * day).toISOString()}::timestamptz)`);
}
let balanceAfter = 0;
async function earn(contactId: string, spend: number, daysAgo: number) {
  balanceAfter += 1;
  await runtime.db.execute(sql`insert into retail_loyalty_ledger (contact_id, kind, points, balance_after, spend_idr, sale_id, occurred_at)
    values (${contactId}, 'earn', 1, ${balanceAfter}, ${spend}, gen_random_uuid(), ${new Date(Date.now() - daysAgo * day).toISOString()}::timestamptz)`);
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, retailLoyalty] });
  runtime = app.runtime;
  await createStaff(runtime, { roles: ["admin"], email: "admin@nusa-crm.id" });
  marketing = await createStaff(runtime, { roles: ["marketing"] });
  await seedRetailLoyalty({ db: runtime.db, logger: runtime.logger }); // tiers: silver 0, gold Rp 3 jt, platinum Rp 10 jt
  const gita = await createContact(runtime, { fullName: "Gita" });
  const hadi = await createContact(runtime, { fullName: "Hadi" });
  const intan = await createContact(runtime, { fullName: "Intan" });
  const joko = await createContact(runtime, { fullName: "Joko", mergedIntoId: intan.id });
  const kiki = await createContact(runtime, { fullName: "Kiki" });
  Object.assign(ids, { gita: gita.id, hadi: hadi.id, intan: intan.id, joko: joko.id, kiki: kiki.id });
  await member(gita.id, 500, 100);
  await member(hadi.id, 50, 5);
  await member(intan.id, 1200, 20);
  await member(joko.id, 0, 40);
  await earn(gita.id, 4_000_000, 100); // gold
  await earn(hadi.id, 500_000, 5);
  await earn(hadi.id, 20_000_000, 400); // older than 12 months: silver
  await earn(intan.id, 2_000_000, 20);
  await earn(joko.id, 9_000_000, 40); // the duplicate's spend counts for Intan after the merge: platinum
  await runtime.db.execute(sql`insert into retail_loyalty_ledger (contact_id, kind, points, balance_after, metadata)
    values (${intan.id}, 'transfer_in', 0, 1200, ${JSON.stringify({ fromContactId: joko.id })}::jsonb)`);
});
afterAll(() => app.close());

async function names(rules: SegmentRuleData[]) {
  const actor = { kind: "staff" as const, userId: marketing.id, branchId: null, permissions: await loadPermissions(runtime.db, marketing.id, []) };
  const fields = await availableSegmentFields(runtime.db, runtime.registry, actor, fixedT("en", "staff"));
  const condition = segmentCondition({ match: "all", rules }, fields);
  if (!condition.ok) throw new Error(JSON.stringify(condition.unavailable));
  return (await segmentMembers(runtime.db, condition.where)).contacts.map((c) => c.fullName).sort();
}
const rule = (field: string, op: string, ...values: string[]) => ({ field, op, values });

describe("retail-loyalty's segment fields", () => {
  it("offers tier (with the programme's tiers), points, last purchase and spend, labelled in both languages", async () => {
    for (const language of ["id", "en"] as const) {
      const loaded = unwrap(await callRoute(runtime, editRoute.loader, { path: "/staff/segments/new", cookie: marketing.cookie, headers: { "Accept-Language": language } }));
      const fields = (loaded.data as { fields: { key: string; label: string; type: string; options?: { value: string; label: string }[] }[] }).fields;
      const loyalty = fields.filter((f) => f.key.startsWith("retail-loyalty."));
      expect(loyalty.map((f) => [f.key, f.type])).toEqual([
        ["retail-loyalty.tier", "enum"],
        ["retail-loyalty.pointsBalance", "number"],
        ["retail-loyalty.lastPurchase", "date"],
        ["retail-loyalty.spend12m", "money"],
      ]);
      expect(loyalty.find((f) => f.key === "retail-loyalty.tier")!.options).toEqual([
        { value: "silver", label: "Silver" },
        { value: "gold", label: "Gold" },
        { value: "platinum", label: "Platinum" },
      ]);
      for (const f of loyalty) expect(f.label).not.toMatch(/segments\./);
    }
  });

  it("computes the tier from rolling 12-month spend like the member page does, merged spend included", async () => {
    expect(await names([rule("retail-loyalty.tier", "is", "gold")])).toEqual(["Gita"]);
    expect(await names([rule("retail-loyalty.tier", "is", "silver")])).toEqual(["Hadi"]);
    expect(await names([rule("retail-loyalty.tier", "is", "platinum")])).toEqual(["Intan"]);
    expect(await names([rule("retail-loyalty.tier", "in", "gold", "platinum")])).toEqual(["Gita", "Intan"]);
    // only members have a tier: Kiki never enrolled, Joko was merged away
    expect(await names([rule("retail-loyalty.tier", "isNot", "gold")])).toEqual(["Hadi", "Intan"]);
    for (const name of ["gita", "hadi", "intan"]) {
      const overview = await memberOverview(runtime.db, ids[name]);
      expect(await names([rule("retail-loyalty.tier", "is", overview!.tier!.code)])).toContain(name[0].toUpperCase() + name.slice(1));
      expect(await names([rule("retail-loyalty.spend12m", "eq", String(overview!.spend12m))])).toEqual([name[0].toUpperCase() + name.slice(1)]);
    }
  });

  it("compares spend in Rupiah, points balance and last purchase date", async () => {
    expect(await names([rule("retail-loyalty.spend12m", "gte", "3.000.000")])).toEqual(["Gita", "Intan"]);
    expect(await names([rule("retail-loyalty.spend12m", "between", "1000000", "5000000")])).toEqual(["Gita"]);
    expect(await names([rule("retail-loyalty.spend12m", "eq", "11000000")])).toEqual(["Intan"]);
    expect(await names([rule("retail-loyalty.pointsBalance", "gt", "100")])).toEqual(["Gita", "Intan"]);
    expect(await names([rule("retail-loyalty.pointsBalance", "lte", "50")])).toEqual(["Hadi"]);
    expect(await names([rule("retail-loyalty.lastPurchase", "withinDays", "30")])).toEqual(["Hadi", "Intan"]);
    const ninetyDaysAgo = new Date(Date.now() - 90 * day + 7 * 3600 * 1000).toISOString().slice(0, 10);
    expect(await names([rule("retail-loyalty.lastPurchase", "before", ninetyDaysAgo)])).toEqual(["Gita"]);
    expect(await names([rule("retail-loyalty.tier", "is", "gold"), rule("retail-loyalty.lastPurchase", "before", ninetyDaysAgo)])).toEqual(["Gita"]);
    expect(await names([rule("retail-loyalty.tier", "in", "gold", "platinum"), rule("retail-loyalty.lastPurchase", "moreThanDaysAgo", "90")])).toEqual(["Gita"]);
  });

  it("is not offered to staff without retail-loyalty.member.read", async () => {
    await runtime.db.insert(roles).values({ id: "segmenter" });
    await runtime.db.insert(rolePermissions).values({ roleId: "segmenter", permissionId: "core.segment.manage" });
    const segmenter = await createStaff(runtime, { roles: ["segmenter"] });
    const loaded = unwrap(await callRoute(runtime, editRoute.loader, { path: "/staff/segments/new", cookie: segmenter.cookie }));
    expect((loaded.data as { fields: { key: string }[] }).fields.some((f) => f.key.startsWith("retail-loyalty."))).toBe(false);
  });

  it("a saved segment on loyalty fields says so when retail-loyalty is switched off", async () => {
    const [row] = await runtime.db
      .insert(segments)
      .values({ name: "Gold tidak aktif 90 hari", rules: [rule("retail-loyalty.tier", "is", "gold"), rule("retail-loyalty.lastPurchase", "before", "2026-01-01")] })
      .returning();
    await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "retail-loyalty", false);
    try {
      const view = unwrap(await callRoute(runtime, viewRoute.loader, { path: `/staff/segments/${row.id}`, cookie: marketing.cookie, params: { segmentId: row.id }, headers: { "Accept-Language": "en" } }));
      const data = view.data as { members: unknown; rules: { unavailable: string | null }[] };
      expect(data.members).toBeNull();
      expect(data.rules.map((r) => r.unavailable)).toEqual([expect.stringContaining("Retail loyalty"), expect.stringContaining("Retail loyalty")]);
    } finally {
      await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "retail-loyalty", true);
    }
  });
});
