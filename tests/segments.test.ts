import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedT } from "../app/core/i18n/i18n.server.ts";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import {
  availableSegmentFields,
  segmentCondition,
  segmentMembers,
  countSegmentMembers,
} from "../app/core/segments/segments.server.ts";
import type { SegmentMatch } from "../app/core/segments/segment-rules.ts";
import { definePlugin, defineServer, installPlugin } from "../app/plugin-api/index.ts";
import { segmentComparison } from "../app/plugin-api/server.ts";
import { campaignBatchQueue, campaignsOf, runCampaignBatch } from "../app/core/segments/segment-campaigns.server.ts";
import { sendMessageQueue } from "../app/core/messaging/email.server.ts";
import * as campaignRoute from "../app/routes/staff/segments.campaign.tsx";
import * as editRoute from "../app/routes/staff/segments.edit.tsx";
import * as exportRoute from "../app/routes/staff/segments.export.ts";
import * as listRoute from "../app/routes/staff/segments.tsx";
import * as viewRoute from "../app/routes/staff/segments.view.tsx";
import { auditLog, branches, consents, contacts, interactions, messages, rolePermissions, roles, segmentCampaignRecipients, segmentCampaigns, segments, userRoles, type SegmentRuleData } from "../db/schema/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

// A plugin that contributes one segment field (length of the contact's name), to check the
// extension point and what happens to saved segments when the plugin is switched off.
const testSegments = installPlugin({
  manifest: definePlugin({
    id: "test-segments",
    version: "1.0.0",
    requires: [],
    name: "meta.name",
    description: "meta.description",
    permissions: { "test-segments.name.read": { roles: ["marketing", "manager"] } },
  }),
  server: async () => ({
    default: defineServer({
      segmentFields: [
        {
          key: "nameLength",
          label: "fields.nameLength",
          type: "number",
          permission: "test-segments.name.read",
          condition: (c, { contactId }) => sql`${contactId} in (select id from contacts where ${segmentComparison(sql`length(full_name)`, c)})`,
        },
      ],
    }),
  }),
  locales: {
    id: { meta: { name: "Uji segmen", description: "Uji" }, fields: { nameLength: "Panjang nama" } },
    en: { meta: { name: "Segment test", description: "Test" }, fields: { nameLength: "Name length" } },
  },
});

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let marketing: Awaited<ReturnType<typeof createStaff>>;
let agent: Awaited<ReturnType<typeof createStaff>>;
const people: Record<string, string> = {};
let branchId: string;

const day = 24 * 3600 * 1000;

beforeAll(async () => {
  app = await createTestApp({ plugins: [testSegments] });
  runtime = app.runtime;
  marketing = await createStaff(runtime, { roles: ["marketing"] });
  agent = await createStaff(runtime, { roles: ["agent"] });
  [{ id: branchId }] = await runtime.db.insert(branches).values({ code: "SEG-1", name: "Cabang Segmen", kind: "store" }).returning({ id: branches.id });
  const ani = await createContact(runtime, {
    fullName: "Ani",
    gender: "female",
    city: "Jakarta",
    birthDate: "1990-05-01",
    tags: ["vip", "jakarta"],
    branchId,
    preferredChannel: "email",
    preferredLocale: "en",
    lifecycleStage: "customer",
  });
  const budi = await createContact(runtime, {
    fullName: "Budi Santoso",
    gender: "male",
    city: "Bandung",
    birthDate: "2000-01-01",
    tags: ["vip"],
    createdAt: new Date("2024-01-15T05:00:00Z"),
  });
  const citra = await createContact(runtime, { fullName: "Citra", gender: "female", city: "Jakarta", tags: ["vip"], mergedIntoId: ani.id });
  const dewi = await createContact(runtime, { fullName: "Dewi Lestari", city: "Surabaya", tags: ["new"], createdAt: new Date("2025-06-30T20:00:00Z") });
  Object.assign(people, { ani: ani.id, budi: budi.id, citra: citra.id, dewi: dewi.id });
  await runtime.db.insert(consents).values([
    { contactId: ani.id, purpose: "marketing", granted: true, source: "staff" },
    { contactId: budi.id, purpose: "marketing", granted: false, source: "staff" },
    { contactId: citra.id, purpose: "marketing", granted: true, source: "staff" },
    { contactId: dewi.id, purpose: "surveys", granted: true, source: "staff" },
  ]);
  await runtime.db.insert(interactions).values([
    { contactId: ani.id, channel: "call", direction: "inbound", subject: "Tanya promo", occurredAt: new Date(Date.now() - 10 * day) },
    { contactId: dewi.id, channel: "visit", direction: "inbound", subject: "Kunjungan", occurredAt: new Date(Date.now() - 100 * day) },
    { contactId: citra.id, channel: "call", direction: "inbound", subject: "Lama", occurredAt: new Date(Date.now() - 1 * day) },
  ]);
});
afterAll(() => app.close());

const actorOf = async (user: { id: string }) => {
  const { loadPermissions } = await import("../app/core/permissions/permissions.server.ts");
  return { kind: "staff" as const, userId: user.id, branchId: null, permissions: await loadPermissions(runtime.db, user.id, await runtime.registry.disabledPluginIds(runtime.db)) };
};

async function names(rules: SegmentRuleData[], match: SegmentMatch = "all") {
  const fields = await availableSegmentFields(runtime.db, runtime.registry, await actorOf(marketing), fixedT("id", "staff"));
  const condition = segmentCondition({ match, rules }, fields);
  if (!condition.ok) throw new Error(`unavailable: ${JSON.stringify(condition.unavailable)}`);
  const page = await segmentMembers(runtime.db, condition.where);
  expect(await countSegmentMembers(runtime.db, condition.where)).toBe(page.contacts.length);
  return page.contacts.map((c) => c.fullName).sort();
}
const rule = (field: string, op: string, ...values: string[]) => ({ field, op, values });

describe("segment rules over core fields, computed in SQL", () => {
  it("matches enum fields with is, is not and in, never listing merged contacts", async () => {
    expect(await names([rule("core.gender", "is", "female")])).toEqual(["Ani"]);
    // "is not" includes contacts with no value recorded
    expect(await names([rule("core.gender", "isNot", "female")])).toEqual(["Budi Santoso", "Dewi Lestari"]);
    expect(await names([rule("core.city", "in", "Jakarta", "Surabaya")])).toEqual(["Ani", "Dewi Lestari"]);
    expect(await names([rule("core.branch", "is", branchId)])).toEqual(["Ani"]);
    expect(await names([rule("core.channel", "is", "email")])).toEqual(["Ani"]);
    expect(await names([rule("core.language", "is", "en")])).toEqual(["Ani"]);
    expect(await names([rule("core.stage", "in", "customer")])).toEqual(["Ani"]);
  });

  it("matches tags with any, all and none", async () => {
    expect(await names([rule("core.tags", "hasAny", "vip", "new")])).toEqual(["Ani", "Budi Santoso", "Dewi Lestari"]);
    expect(await names([rule("core.tags", "hasAll", "vip", "jakarta")])).toEqual(["Ani"]);
    expect(await names([rule("core.tags", "hasNone", "vip")])).toEqual(["Dewi Lestari"]);
  });

  it("compares ages from the birth date; contacts without one never match a number", async () => {
    const age = (birth: string) => {
      const now = new Date(Date.now() + 7 * 3600 * 1000); // WIB calendar
      const [y, m, d] = birth.split("-").map(Number);
      return now.getUTCFullYear() - y - (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d) ? 1 : 0);
    };
    const ani = age("1990-05-01");
    const budi = age("2000-01-01");
    expect(await names([rule("core.age", "eq", String(ani))])).toEqual(["Ani"]);
    expect(await names([rule("core.age", "lt", String(ani))])).toEqual(["Budi Santoso"]);
    expect(await names([rule("core.age", "gte", String(budi))])).toEqual(["Ani", "Budi Santoso"]);
    expect(await names([rule("core.age", "between", String(budi), String(budi + 1))])).toEqual(["Budi Santoso"]);
  });

  it("compares dates by WIB calendar day, and last interaction within N days", async () => {
    expect(await names([rule("core.createdAt", "before", "2024-01-16")])).toEqual(["Budi Santoso"]);
    expect(await names([rule("core.createdAt", "before", "2024-01-15")])).toEqual([]);
    // 2025-06-30 20:00 UTC is 1 July 03:00 in Jakarta
    expect(await names([rule("core.createdAt", "after", "2025-06-30"), rule("core.createdAt", "before", "2025-07-02")])).toEqual(["Dewi Lestari"]);
    expect(await names([rule("core.lastInteraction", "withinDays", "30")])).toEqual(["Ani"]);
    expect(await names([rule("core.lastInteraction", "withinDays", "365")])).toEqual(["Ani", "Dewi Lestari"]);
    // no interaction at all is not "more than N days ago": Budi never had one
    expect(await names([rule("core.lastInteraction", "moreThanDaysAgo", "50")])).toEqual(["Dewi Lestari"]);
    expect(await names([rule("core.createdAt", "moreThanDaysAgo", "300")])).toEqual(["Budi Santoso", "Dewi Lestari"]);
    const cutoff = new Date(Date.now() - 50 * day).toISOString().slice(0, 10);
    expect(await names([rule("core.lastInteraction", "before", cutoff)])).toEqual(["Dewi Lestari"]);
  });

  it("matches consent granted for a purpose, and its absence", async () => {
    expect(await names([rule("core.consent", "is", "marketing")])).toEqual(["Ani"]);
    expect(await names([rule("core.consent", "isNot", "marketing")])).toEqual(["Budi Santoso", "Dewi Lestari"]);
  });

  it("combines rules with all (AND) or any (OR)", async () => {
    const rules = [rule("core.tags", "hasAny", "vip"), rule("core.city", "is", "Bandung")];
    expect(await names(rules, "all")).toEqual(["Budi Santoso"]);
    expect(await names([rule("core.city", "is", "Surabaya"), rule("core.city", "is", "Bandung")], "any")).toEqual(["Budi Santoso", "Dewi Lestari"]);
  });

  it("uses a plugin's contributed field", async () => {
    expect(await names([rule("test-segments.nameLength", "gt", "5")])).toEqual(["Budi Santoso", "Dewi Lestari"]);
  });

  it("pages members with a keyset cursor", async () => {
    const fields = await availableSegmentFields(runtime.db, runtime.registry, await actorOf(marketing), fixedT("id", "staff"));
    const condition = segmentCondition({ match: "all", rules: [rule("core.tags", "hasAny", "vip", "new")] }, fields);
    if (!condition.ok) throw new Error();
    const first = await segmentMembers(runtime.db, condition.where, { limit: 2 });
    const second = await segmentMembers(runtime.db, condition.where, { limit: 2, after: first.next });
    expect(first.next).not.toBeNull();
    expect(second.next).toBeNull();
    expect([...first.contacts, ...second.contacts].map((c) => c.fullName).sort()).toEqual(["Ani", "Budi Santoso", "Dewi Lestari"]);
  });
});

type BuilderData = { draft: { rules: { field: string; op: string; values: string[] }[] }; errors: { name?: string; form?: string; rules: (string | null)[] } | null };

const base = (extra: Record<string, string | string[]> = {}) => ({ name: "VIP Jakarta", description: "", match: "all", ...extra });

describe("the segment builder", () => {
  it("adds and removes rules without saving, keeping what was entered", async () => {
    const added = unwrap(
      await callRoute(runtime, editRoute.action, { path: "/staff/segments/new", cookie: marketing.cookie, form: base({ intent: "add", "rule.0.field": "core.gender", "rule.0.op": "is", "rule.0.values": "male" }) }),
    );
    const draft = (added.data as BuilderData).draft;
    expect(draft.rules).toEqual([{ field: "core.gender", op: "is", values: ["male"] }, { field: "", op: "", values: [] }]);
    const removed = unwrap(
      await callRoute(runtime, editRoute.action, {
        path: "/staff/segments/new",
        cookie: marketing.cookie,
        form: base({ intent: "remove:0", "rule.0.field": "core.gender", "rule.0.op": "is", "rule.0.values": "male", "rule.1.field": "core.age", "rule.1.op": "nonsense" }),
      }),
    );
    // the operator follows the field's type when it does not fit
    expect((removed.data as BuilderData).draft.rules).toEqual([{ field: "core.age", op: "eq", values: [] }]);
    expect(await runtime.db.select().from(segments)).toHaveLength(0);
  });

  it("refuses bad input with translated errors per rule and saves nothing", async () => {
    const result = unwrap(
      await callRoute(runtime, editRoute.action, {
        path: "/staff/segments/new",
        cookie: marketing.cookie,
        form: {
          intent: "save",
          name: "",
          match: "all",
          "rule.0.field": "core.age",
          "rule.0.op": "between",
          "rule.0.values": ["40", "20"],
          "rule.1.field": "core.createdAt",
          "rule.1.op": "before",
          "rule.1.values": "2024-02-30",
          "rule.2.field": "core.gender",
          "rule.2.op": "is",
          "rule.2.values": "unknown",
          "rule.3.field": "core.age",
          "rule.3.op": "gt",
          "rule.3.values": "dua puluh",
          "rule.4.field": "",
          "rule.5.field": "core.lastInteraction",
          "rule.5.op": "withinDays",
          "rule.5.values": "0",
        },
      }),
    );
    expect(result.status).toBe(400);
    const errors = (result.data as BuilderData).errors!;
    expect(errors.name).toBe("validation.required");
    expect(errors.rules).toEqual([
      "segments.errors.range",
      "segments.errors.date",
      "segments.errors.choice",
      "segments.errors.number",
      "segments.errors.fieldRequired",
      "segments.errors.days",
    ]);
    for (const key of errors.rules) {
      expect(fixedT("id", "staff")(key!)).not.toBe(key);
      expect(fixedT("en", "staff")(key!)).not.toBe(key);
    }
    const none = unwrap(await callRoute(runtime, editRoute.action, { path: "/staff/segments/new", cookie: marketing.cookie, form: base({ intent: "save" }) }));
    expect((none.data as BuilderData).errors!.form).toBe("segments.errors.noRules");
    expect(await runtime.db.select().from(segments)).toHaveLength(0);
  });

  it("saves, shows live members, updates, refuses a duplicate name and deletes — all audited", async () => {
    const saved = await callRoute(runtime, editRoute.action, {
      path: "/staff/segments/new",
      cookie: marketing.cookie,
      form: base({ intent: "save", "rule.0.field": "core.tags", "rule.0.op": "hasAny", "rule.0.values": "vip", "rule.1.field": "core.city", "rule.1.op": "is", "rule.1.values": "Jakarta" }),
    });
    expect(saved).toBeInstanceOf(Response);
    const location = (saved as Response).headers.get("Location")!;
    const segmentId = /\/staff\/segments\/([0-9a-f-]{36})\?saved=1$/.exec(location)![1];
    const [row] = await runtime.db.select().from(segments).where(eq(segments.id, segmentId));
    expect(row.rules).toEqual([
      { field: "core.tags", op: "hasAny", values: ["vip"] },
      { field: "core.city", op: "is", values: ["Jakarta"] },
    ]);

    const view = unwrap(await callRoute(runtime, viewRoute.loader, { path: `/staff/segments/${segmentId}`, cookie: marketing.cookie, params: { segmentId } }));
    const members = (view.data as { members: { count: number; contacts: { id: string }[] } }).members;
    expect(members.count).toBe(1);
    expect(members.contacts.map((c) => c.id)).toEqual([people.ani]);

    // live: a new matching contact shows up at once
    await createContact(runtime, { fullName: "Eka", city: "Jakarta", tags: ["vip"] });
    const again = unwrap(await callRoute(runtime, viewRoute.loader, { path: `/staff/segments/${segmentId}`, cookie: marketing.cookie, params: { segmentId } }));
    expect((again.data as { members: { count: number } }).members.count).toBe(2);

    const csv = (await callRoute(runtime, exportRoute.loader, { path: `/staff/segments/${segmentId}/export`, cookie: marketing.cookie, params: { segmentId } })) as Response;
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain("Ani");
    expect(text).toContain("Eka");
    expect(text).not.toContain("Citra");

    const other = await callRoute(runtime, editRoute.action, {
      path: "/staff/segments/new",
      cookie: marketing.cookie,
      form: base({ intent: "save", name: "Pria", "rule.0.field": "core.gender", "rule.0.op": "is", "rule.0.values": "male" }),
    });
    expect(other).toBeInstanceOf(Response);
    const taken = unwrap(
      await callRoute(runtime, editRoute.action, {
        path: `/staff/segments/${segmentId}/edit`,
        cookie: marketing.cookie,
        params: { segmentId },
        form: base({ intent: "save", name: "pria", "rule.0.field": "core.gender", "rule.0.op": "is", "rule.0.values": "female" }),
      }),
    );
    expect(taken.status).toBe(400);
    expect((taken.data as BuilderData).errors!.name).toBe("segments.errors.nameTaken");

    const updated = await callRoute(runtime, editRoute.action, {
      path: `/staff/segments/${segmentId}/edit`,
      cookie: marketing.cookie,
      params: { segmentId },
      form: base({ intent: "save", name: "Perempuan", "rule.0.field": "core.gender", "rule.0.op": "is", "rule.0.values": "female" }),
    });
    expect((updated as Response).status).toBe(302);
    const [changed] = await runtime.db.select().from(segments).where(eq(segments.id, segmentId));
    expect(changed.name).toBe("Perempuan");

    const deleted = await callRoute(runtime, editRoute.action, { path: `/staff/segments/${segmentId}/edit`, cookie: marketing.cookie, params: { segmentId }, form: { intent: "delete" } });
    expect((deleted as Response).headers.get("Location")).toBe("/staff/segments?deleted=1");
    expect(await runtime.db.select().from(segments).where(eq(segments.id, segmentId))).toHaveLength(0);

    const audited = await runtime.db.select({ action: auditLog.action, userId: auditLog.actorUserId }).from(auditLog).where(eq(auditLog.entityId, segmentId));
    expect(audited.map((a) => a.action).sort()).toEqual(["segment.created", "segment.deleted", "segment.exported", "segment.updated"]);
    expect(audited.every((a) => a.userId === marketing.id)).toBe(true);
  });
});

describe("who may use segments", () => {
  it("refuses staff without core.segment.manage on every loader and action", async () => {
    const anyId = "00000000-0000-4000-8000-000000000000";
    const calls = [
      callRoute(runtime, listRoute.loader, { path: "/staff/segments", cookie: agent.cookie }),
      callRoute(runtime, editRoute.loader, { path: "/staff/segments/new", cookie: agent.cookie }),
      callRoute(runtime, editRoute.action, { path: "/staff/segments/new", cookie: agent.cookie, form: base({ intent: "save", "rule.0.field": "core.gender", "rule.0.op": "is", "rule.0.values": "male" }) }),
      callRoute(runtime, viewRoute.loader, { path: `/staff/segments/${anyId}`, cookie: agent.cookie, params: { segmentId: anyId } }),
      callRoute(runtime, exportRoute.loader, { path: `/staff/segments/${anyId}/export`, cookie: agent.cookie, params: { segmentId: anyId } }),
    ];
    for (const result of await Promise.all(calls)) expect((result as Response).status).toBe(403);
    expect(await runtime.db.select().from(segments).where(eq(segments.name, "VIP Jakarta"))).toHaveLength(0);
    expect(unwrap(await callRoute(runtime, listRoute.loader, { path: "/staff/segments", cookie: marketing.cookie })).status).toBe(200);
  });

  it("lets only staff who may export contacts download a segment", async () => {
    await runtime.db.insert(roles).values({ id: "segmenter" });
    await runtime.db.insert(rolePermissions).values({ roleId: "segmenter", permissionId: "core.segment.manage" });
    const segmenter = await createStaff(runtime, { roles: ["segmenter"] });
    const [row] = await runtime.db.insert(segments).values({ name: "Semua wanita", rules: [rule("core.gender", "is", "female")] }).returning();
    const view = unwrap(await callRoute(runtime, viewRoute.loader, { path: `/staff/segments/${row.id}`, cookie: segmenter.cookie, params: { segmentId: row.id } }));
    expect((view.data as { canExport: boolean }).canExport).toBe(false);
    const csv = (await callRoute(runtime, exportRoute.loader, { path: `/staff/segments/${row.id}/export`, cookie: segmenter.cookie, params: { segmentId: row.id } })) as Response;
    expect(csv.status).toBe(403);
    await runtime.db.delete(userRoles).where(eq(userRoles.userId, segmenter.id));
  });

  it("hides a plugin field from staff without the plugin's permission", async () => {
    const admin = await createStaff(runtime, { roles: ["agent"] });
    await runtime.db.insert(rolePermissions).values({ roleId: "agent", permissionId: "core.segment.manage" });
    const loaded = unwrap(await callRoute(runtime, editRoute.loader, { path: "/staff/segments/new", cookie: admin.cookie }));
    const keys = (loaded.data as { fields: { key: string }[] }).fields.map((f) => f.key);
    expect(keys).toContain("core.gender");
    expect(keys).not.toContain("test-segments.nameLength");
    await runtime.db.delete(rolePermissions).where(sql`${rolePermissions.roleId} = 'agent' and ${rolePermissions.permissionId} = 'core.segment.manage'`);
  });
});

describe("a segment using a disabled plugin's field", () => {
  it("refuses to compute and says which rule and plugin, until the plugin is back", async () => {
    const [row] = await runtime.db
      .insert(segments)
      .values({ name: "Nama panjang", rules: [rule("core.tags", "hasAny", "vip"), rule("test-segments.nameLength", "gt", "5")] })
      .returning();
    await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "test-segments", false);
    try {
      const view = unwrap(await callRoute(runtime, viewRoute.loader, { path: `/staff/segments/${row.id}`, cookie: marketing.cookie, params: { segmentId: row.id } }));
      const data = view.data as { members: unknown; rules: { text: string; unavailable: string | null }[] };
      expect(data.members).toBeNull();
      expect(data.rules[0].unavailable).toBeNull();
      expect(data.rules[1].unavailable).toContain("Uji segmen");
      expect(data.rules[1].unavailable).toContain("Aturan 2");

      const csv = (await callRoute(runtime, exportRoute.loader, { path: `/staff/segments/${row.id}/export`, cookie: marketing.cookie, params: { segmentId: row.id } })) as Response;
      expect(csv.status).toBe(409);

      const builder = unwrap(await callRoute(runtime, editRoute.loader, { path: `/staff/segments/${row.id}/edit`, cookie: marketing.cookie, params: { segmentId: row.id } }));
      const b = builder.data as { fields: { key: string }[]; missing: Record<string, string>; draft: { rules: unknown[] } };
      expect(b.fields.map((f) => f.key)).not.toContain("test-segments.nameLength");
      expect(b.missing).toEqual({ "test-segments.nameLength": "Uji segmen" });
      expect(b.draft.rules).toHaveLength(2);

      const save = unwrap(
        await callRoute(runtime, editRoute.action, {
          path: `/staff/segments/${row.id}/edit`,
          cookie: marketing.cookie,
          params: { segmentId: row.id },
          form: base({ intent: "save", name: "Nama panjang", "rule.0.field": "test-segments.nameLength", "rule.0.op": "gt", "rule.0.values": "5" }),
        }),
      );
      expect(save.status).toBe(400);
      expect((save.data as BuilderData).errors!.rules).toEqual(["segments.errors.fieldUnavailable"]);
    } finally {
      await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "test-segments", true);
    }
    const view = unwrap(await callRoute(runtime, viewRoute.loader, { path: `/staff/segments/${row.id}`, cookie: marketing.cookie, params: { segmentId: row.id } }));
    // vip and a name longer than 5 letters: only Budi Santoso (Ani and Eka are short, Citra is merged)
    expect((view.data as { members: { count: number } }).members.count).toBe(1);
  });
});

describe("a campaign to a segment", () => {
  type CampaignData = { counts: { members: number; consenting: number } | null; campaigns: { status: string; counts: Record<string, number> }[] };
  it("sends only to members who agreed to marketing, in batch jobs, and counts each outcome", async () => {
    const [row] = await runtime.db.insert(segments).values({ name: "VIP untuk promo", rules: [rule("core.tags", "hasAny", "vip")] }).returning();
    const path = `/staff/segments/${row.id}/campaign`;
    const before = unwrap(await callRoute(runtime, campaignRoute.loader, { path, cookie: marketing.cookie, params: { segmentId: row.id } }));
    // Ani (consented), Budi (refused), Eka (never asked); Citra is merged away
    expect((before.data as CampaignData).counts).toEqual({ members: 3, consenting: 1 });

    const bad = unwrap(await callRoute(runtime, campaignRoute.action, { path, cookie: marketing.cookie, params: { segmentId: row.id }, form: { intent: "send", title: "", message: "Diskon 20% akhir pekan ini" } }));
    expect(bad.status).toBe(400);
    expect((bad.data as { errors: Record<string, string> }).errors.title).toBe("validation.required");
    expect(await runtime.db.select().from(segmentCampaigns)).toHaveLength(0);

    const sent = await callRoute(runtime, campaignRoute.action, {
      path,
      cookie: marketing.cookie,
      params: { segmentId: row.id },
      form: { intent: "send", title: "Promo akhir pekan", message: "Diskon 20% untuk member VIP." },
    });
    expect((sent as Response).headers.get("Location")).toBe(`${path}?started=1`);
    const [campaign] = await runtime.db.select().from(segmentCampaigns);
    expect(campaign).toMatchObject({ recipients: 3, status: "sending", segmentName: "VIP untuk promo", createdBy: marketing.id });

    await runtime.jobs.drain(campaignBatchQueue);
    const afterBatch = (await campaignsOf(runtime.db, row.id))[0];
    expect(afterBatch.status).toBe("done");
    expect(afterBatch.counts).toMatchObject({ recipients: 3, pending: 0, queued: 1, skipped: 2, skippedNoConsent: 2, sent: 0, failed: 0 });
    const recipients = await runtime.db.select().from(segmentCampaignRecipients);
    expect(recipients.find((r) => r.contactId === people.ani)).toMatchObject({ status: "queued" });
    expect(recipients.find((r) => r.contactId === people.budi)).toMatchObject({ status: "skipped", skipReason: "consent_withdrawn" });
    const [message] = await runtime.db.select().from(messages).where(eq(messages.contactId, people.ani));
    expect(message).toMatchObject({ channel: "email", template: "core.campaign", subject: "Promo akhir pekan" });

    await runtime.jobs.drain(sendMessageQueue);
    const page = unwrap(await callRoute(runtime, campaignRoute.loader, { path, cookie: marketing.cookie, params: { segmentId: row.id } }));
    expect((page.data as CampaignData).campaigns[0].counts).toMatchObject({ queued: 1, sent: 1, failed: 0, skippedNoConsent: 2 });
  });

  it("works through a large segment one batch at a time", async () => {
    await runtime.db.insert(contacts).values(Array.from({ length: 130 }, (_, i) => ({ fullName: `Massal ${i}`, email: `massal${i}@contoh.id`, tags: ["massal"] })));
    await runtime.db.execute(sql`insert into consents (contact_id, purpose, granted, source) select id, 'marketing', true, 'import' from contacts where 'massal' = any(tags)`);
    const [row] = await runtime.db.insert(segments).values({ name: "Massal", rules: [rule("core.tags", "hasAny", "massal")] }).returning();
    await callRoute(runtime, campaignRoute.action, { path: `/staff/segments/${row.id}/campaign`, cookie: marketing.cookie, params: { segmentId: row.id }, form: { intent: "send", title: "Halo", message: "Pesan massal" } });
    const [campaign] = await runtime.db.select().from(segmentCampaigns).where(eq(segmentCampaigns.segmentId, row.id));
    expect(await runCampaignBatch(runtime.db, runtime.jobs, campaign.id)).toEqual({ processed: 100, done: false });
    expect((await campaignsOf(runtime.db, row.id))[0].counts).toMatchObject({ recipients: 130, pending: 30, queued: 100 });
    await runtime.jobs.drain(campaignBatchQueue);
    expect((await campaignsOf(runtime.db, row.id))[0]).toMatchObject({ status: "done", counts: expect.objectContaining({ pending: 0, queued: 130 }) });
  });

  it("is refused to staff without core.campaign.send, and to a segment that cannot be computed", async () => {
    const [row] = await runtime.db.insert(segments).values({ name: "Uji izin kampanye", rules: [rule("core.gender", "is", "male")] }).returning();
    const path = `/staff/segments/${row.id}/campaign`;
    await runtime.db.insert(roles).values({ id: "segment-viewer" });
    await runtime.db.insert(rolePermissions).values({ roleId: "segment-viewer", permissionId: "core.segment.manage" });
    const viewer = await createStaff(runtime, { roles: ["segment-viewer"] });
    for (const cookie of [agent.cookie, viewer.cookie]) {
      expect(((await callRoute(runtime, campaignRoute.loader, { path, cookie, params: { segmentId: row.id } })) as Response).status).toBe(403);
      const posted = await callRoute(runtime, campaignRoute.action, { path, cookie, params: { segmentId: row.id }, form: { intent: "send", title: "Halo", message: "Pesan" } });
      expect((posted as Response).status).toBe(403);
    }
    const [broken] = await runtime.db.insert(segments).values({ name: "Plugin hilang", rules: [rule("gone-plugin.field", "is", "x")] }).returning();
    const refused = unwrap(
      await callRoute(runtime, campaignRoute.action, { path: `/staff/segments/${broken.id}/campaign`, cookie: marketing.cookie, params: { segmentId: broken.id }, form: { intent: "send", title: "Halo", message: "Pesan" } }),
    );
    expect(refused.status).toBe(409);
    expect(await runtime.db.select().from(segmentCampaigns).where(eq(segmentCampaigns.segmentId, row.id))).toHaveLength(0);
    expect(await runtime.db.select().from(segmentCampaigns).where(eq(segmentCampaigns.segmentId, broken.id))).toHaveLength(0);
  });
});
