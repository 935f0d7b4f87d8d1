// Contacts for staff through the real stack: list and search, create and edit, identifiers,
// blacklist, the 360 page with its one timeline, consents, and the CSV export.
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedT } from "../app/core/i18n/i18n.server.ts";
import { listTimeline } from "../app/core/contacts/timeline.server.ts";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import { defineServer, definePlugin, installPlugin } from "../app/plugin-api/index.ts";
import * as contactPage from "../app/routes/staff/contact.tsx";
import * as editPage from "../app/routes/staff/contact.edit.tsx";
import * as listPage from "../app/routes/staff/contacts.tsx";
import * as exportRoute from "../app/routes/staff/contacts.export.ts";
import { auditLog, branches, consents, contactIdentifiers, contacts, interactions, tasks, tickets } from "../db/schema/index.ts";
import testGreetings from "./fixtures/plugins/test-greetings/index.ts";
import { callRoute, createContact, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

// A plugin whose timeline entries are plain data, so paging across sources can be checked exactly.
const visitLog: { contactId: string; id: string; at: Date; channel: string }[] = [];
const testVisits = installPlugin({
  manifest: definePlugin({
    id: "test-visits",
    version: "1.0.0",
    requires: [],
    name: "meta.name",
    description: "meta.description",
    permissions: { "test-visits.visit.read": { roles: ["agent", "manager"] } },
  }),
  server: async () => ({
    default: defineServer({
      timeline: [
        {
          type: "test-visits.visit",
          permission: "test-visits.visit.read",
          list: async (contactId, range, ctx) =>
            visitLog
              .filter((v) => v.contactId === contactId && v.at < range.before)
              .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1))
              .slice(0, range.limit)
              .map((v) => ({ id: v.id, at: v.at, channel: v.channel, view: { title: ctx.t("entry", { id: v.id }), icon: "calendar" } })),
        },
      ],
    }),
  }),
  locales: { id: { meta: { name: "Kunjungan", description: "Uji" }, entry: "Kunjungan {{id}}" }, en: { meta: { name: "Visits", description: "Test" }, entry: "Visit {{id}}" } },
});

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let admin: Awaited<ReturnType<typeof createStaff>>;
let agent: Awaited<ReturnType<typeof createStaff>>;
let marketing: Awaited<ReturnType<typeof createStaff>>;
let jakarta: string;

beforeAll(async () => {
  app = await createTestApp({ plugins: [testGreetings, testVisits] });
  runtime = app.runtime;
  admin = await createStaff(runtime, { roles: ["admin"], name: "Sari Wulandari" });
  agent = await createStaff(runtime, { roles: ["agent"], name: "Rina Marlina" });
  marketing = await createStaff(runtime, { roles: ["marketing"], name: "Yusuf Hidayat" });
  [{ id: jakarta }] = await runtime.db.insert(branches).values({ code: "RSNM-JKT", name: "RS Nusa Medika Jakarta", kind: "hospital" }).returning({ id: branches.id });
});
afterAll(() => app?.close());

const location = (response: unknown) => {
  expect(response).toBeInstanceOf(Response);
  return (response as Response).headers.get("Location");
};

async function auditOf(action: string, entityId?: string) {
  const rows = await runtime.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.id));
  return entityId ? rows.filter((r) => r.entityId === entityId) : rows;
}

const profileForm = (values: Record<string, string> = {}) => ({
  intent: "save",
  fullName: "Siti Rahayu",
  phone: "0812 1111 2222",
  email: "Siti.Rahayu@Contoh.id",
  birthDate: "1990-08-05",
  gender: "female",
  address: "Jl. Kramat Raya No. 45",
  city: "Jakarta Pusat",
  preferredLocale: "id",
  preferredChannel: "whatsapp",
  lifecycleStage: "prospect",
  ownerId: "",
  branchId: "",
  tags: "Pasien, VIP, pasien",
  ...values,
});

type Loaded360 = Awaited<ReturnType<typeof contactPage.loader>>;

type Attempt = { name?: string; handler: Parameters<typeof callRoute>[1]; path: string; params?: Record<string, string>; form?: Record<string, string> };

describe("who may reach the contact pages", () => {
  const routes = (id: string): Attempt[] => [
    { name: "list", handler: listPage.loader, path: "/staff/contacts", params: {} },
    { name: "export", handler: exportRoute.loader, path: "/staff/contacts/export", params: {} },
    { name: "new", handler: editPage.loader, path: "/staff/contacts/new", params: {} },
    { name: "create", handler: editPage.action, path: "/staff/contacts/new", params: {}, form: profileForm() },
    { name: "360", handler: contactPage.loader, path: `/staff/contacts/${id}`, params: { contactId: id } },
    { name: "360 action", handler: contactPage.action, path: `/staff/contacts/${id}`, params: { contactId: id }, form: { intent: "log-interaction", channel: "call", direction: "inbound", subject: "Hai" } },
    { name: "edit", handler: editPage.loader, path: `/staff/contacts/${id}/edit`, params: { contactId: id } },
    { name: "edit action", handler: editPage.action, path: `/staff/contacts/${id}/edit`, params: { contactId: id }, form: { intent: "blacklist", reason: "coba-coba" } },
  ];

  it("sends a signed-in customer and a partner user to the staff sign-in from every staff contact route", async () => {
    const customer = await createCustomer(runtime);
    const partner = await createPartnerUser(runtime, (await createPartnerOrg(runtime)).id);
    // the customer tries their own contact id: still not a staff page for them
    for (const route of routes(customer.contact.id)) {
      for (const cookie of [customer.cookie, partner.cookie, null]) {
        const response = await callRoute(runtime, route.handler, { path: route.path, cookie, params: route.params, form: route.form });
        expect(location(response), `${route.name}`).toMatch(/^\/staff\/login\?redirectTo=/);
      }
    }
    const [after] = await runtime.db.select().from(contacts).where(eq(contacts.id, customer.contact.id));
    expect(after.blacklisted).toBe(false);
    expect(await runtime.db.select().from(interactions).where(eq(interactions.contactId, customer.contact.id))).toHaveLength(0);
  });

  it("refuses marketing (read, no manage) every edit, and an agent the export, with 403 and no change", async () => {
    const contact = await createContact(runtime, { fullName: "Tidak Boleh Diubah" });
    const auditBefore = (await runtime.db.select({ id: auditLog.id }).from(auditLog)).length;
    const editAttempts: Attempt[] = [
      { handler: editPage.loader, path: `/staff/contacts/${contact.id}/edit` },
      { handler: editPage.loader, path: "/staff/contacts/new" },
      { handler: editPage.action, path: "/staff/contacts/new", form: profileForm({ fullName: "Kontak Marketing" }) },
      { handler: editPage.action, path: `/staff/contacts/${contact.id}/edit`, form: profileForm({ fullName: "Diubah Marketing" }) },
      { handler: editPage.action, path: `/staff/contacts/${contact.id}/edit`, form: { intent: "add-identifier", system: "nik", value: "3171014508900009" } },
      { handler: editPage.action, path: `/staff/contacts/${contact.id}/edit`, form: { intent: "blacklist", reason: "tidak suka" } },
      { handler: contactPage.action, path: `/staff/contacts/${contact.id}`, form: { intent: "record-consent", purpose: "marketing", granted: "granted" } },
      { handler: contactPage.action, path: `/staff/contacts/${contact.id}`, form: { intent: "log-interaction", channel: "call", direction: "inbound", subject: "Halo" } },
    ];
    for (const attempt of editAttempts) {
      const result = unwrap(await callRoute(runtime, attempt.handler, { path: attempt.path, cookie: marketing.cookie, params: { contactId: contact.id }, form: attempt.form }));
      expect(result.status, attempt.path).toBe(403);
    }
    const exportResult = unwrap(await callRoute(runtime, exportRoute.loader, { path: "/staff/contacts/export", cookie: agent.cookie }));
    expect(exportResult.status).toBe(403);
    // marketing may still read the contact (and reading is audited, so count only other actions)
    expect(unwrap(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${contact.id}`, cookie: marketing.cookie, params: { contactId: contact.id } })).status).toBe(200);
    const [after] = await runtime.db.select().from(contacts).where(eq(contacts.id, contact.id));
    expect(after).toMatchObject({ fullName: "Tidak Boleh Diubah", blacklisted: false });
    expect(await runtime.db.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, contact.id))).toHaveLength(0);
    expect(await runtime.db.select().from(contacts).where(eq(contacts.fullName, "Kontak Marketing"))).toHaveLength(0);
    const newAudit = (await runtime.db.select().from(auditLog)).slice(auditBefore).map((a) => a.action);
    expect(newAudit).toEqual(["contact.viewed"]);
  });
});

describe("creating and editing a contact", () => {
  let sitiId: string;

  it("creates a contact with the phone in E.164 and clean tags, audited, and opens its 360 page", async () => {
    const response = await callRoute(runtime, editPage.action, {
      path: "/staff/contacts/new",
      cookie: agent.cookie,
      form: profileForm({ ownerId: agent.id, branchId: jakarta }),
    });
    const to = location(response)!;
    expect(to).toMatch(/^\/staff\/contacts\/[0-9a-f-]{36}\?notice=created$/);
    sitiId = to.split("/")[3].split("?")[0];
    const [siti] = await runtime.db.select().from(contacts).where(eq(contacts.id, sitiId));
    expect(siti).toMatchObject({
      fullName: "Siti Rahayu",
      phone: "+6281211112222",
      email: "siti.rahayu@contoh.id",
      birthDate: "1990-08-05",
      lifecycleStage: "prospect",
      ownerId: agent.id,
      branchId: jakarta,
      tags: ["pasien", "vip"],
      source: "staff",
    });
    expect(await auditOf("contact.created", sitiId)).toHaveLength(1);
  });

  it("explains bad input in translated keys and refuses an owner who is not staff", async () => {
    const customer = await createCustomer(runtime);
    const bad = unwrap(
      await callRoute(runtime, editPage.action, {
        path: "/staff/contacts/new",
        cookie: agent.cookie,
        form: profileForm({ phone: "12345", birthDate: "2999-01-01", lifecycleStage: "vip" }),
      }),
    );
    expect(bad.status).toBe(400);
    const error = (bad.data as { result: { error: Record<string, string[]> } }).result.error;
    expect(error.phone).toEqual(["validation.phone"]);
    expect(error.birthDate).toEqual(["staff:contacts.errors.birthDateFuture"]);
    expect(error.lifecycleStage).toEqual(["validation.choice"]);
    const owner = unwrap(
      await callRoute(runtime, editPage.action, { path: "/staff/contacts/new", cookie: agent.cookie, form: profileForm({ ownerId: customer.id }) }),
    );
    expect((owner.data as { result: { error: Record<string, string[]> } }).result.error.ownerId).toEqual(["staff:contacts.errors.unknownOwner"]);
    for (const language of ["id", "en"] as const) {
      expect(fixedT(language, "staff")("contacts.errors.birthDateFuture")).not.toContain("contacts.errors");
    }
  });

  it("edits the profile and audits which fields changed, not their values", async () => {
    const response = await callRoute(runtime, editPage.action, {
      path: `/staff/contacts/${sitiId}/edit`,
      cookie: agent.cookie,
      params: { contactId: sitiId },
      form: profileForm({ ownerId: agent.id, branchId: jakarta, lifecycleStage: "customer", city: "Depok" }),
    });
    expect(location(response)).toBe(`/staff/contacts/${sitiId}?notice=saved`);
    const [entry] = await auditOf("contact.updated", sitiId);
    expect(entry.data).toEqual({ fields: ["city", "lifecycleStage"] });
    expect(JSON.stringify(entry.data)).not.toContain("Depok");
  });

  it("adds identifiers, refuses a NIK that is not 16 digits and one that belongs to someone else, naming them", async () => {
    const path = `/staff/contacts/${sitiId}/edit`;
    const ok = unwrap(await callRoute(runtime, editPage.action, { path, cookie: agent.cookie, params: { contactId: sitiId }, form: { intent: "add-identifier", system: "nik", value: "3171 0145 0890 0001" } }));
    expect(ok.status).toBe(200);
    const bad = unwrap(await callRoute(runtime, editPage.action, { path, cookie: agent.cookie, params: { contactId: sitiId }, form: { intent: "add-identifier", system: "bpjs", value: "12345" } }));
    expect((bad.data as { result: { error: Record<string, string[]> } }).result.error.value).toEqual(["staff:contacts.errors.bpjs"]);

    const other = await createContact(runtime, { fullName: "Dewi Lestari" });
    const taken = unwrap(
      await callRoute(runtime, editPage.action, {
        path: `/staff/contacts/${other.id}/edit`,
        cookie: agent.cookie,
        params: { contactId: other.id },
        form: { intent: "add-identifier", system: "nik", value: "3171014508900001" },
      }),
    );
    expect(taken.status).toBe(409);
    expect((taken.data as { conflict: unknown }).conflict).toEqual({ system: "nik", value: "3171014508900001", contactId: sitiId, fullName: "Siti Rahayu" });
    expect(await runtime.db.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, other.id))).toHaveLength(0);
    expect(await auditOf("contact.identifier_added", sitiId)).toHaveLength(1);
  });

  it("does not remove another contact's identifier through a forged id", async () => {
    const [nik] = await runtime.db.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, sitiId));
    const other = await createContact(runtime);
    const result = unwrap(
      await callRoute(runtime, editPage.action, {
        path: `/staff/contacts/${other.id}/edit`,
        cookie: agent.cookie,
        params: { contactId: other.id },
        form: { intent: "remove-identifier", identifierId: nik.id },
      }),
    );
    expect(result.status).toBe(404);
    expect(await runtime.db.select().from(contactIdentifiers).where(eq(contactIdentifiers.id, nik.id))).toHaveLength(1);
  });

  it("blacklists with a reason and takes the contact off again, both audited", async () => {
    const path = `/staff/contacts/${sitiId}/edit`;
    const noReason = unwrap(await callRoute(runtime, editPage.action, { path, cookie: agent.cookie, params: { contactId: sitiId }, form: { intent: "blacklist", reason: "" } }));
    expect(noReason.status).toBe(400);
    await callRoute(runtime, editPage.action, { path, cookie: agent.cookie, params: { contactId: sitiId }, form: { intent: "blacklist", reason: "Identitas palsu" } });
    let [row] = await runtime.db.select().from(contacts).where(eq(contacts.id, sitiId));
    expect(row).toMatchObject({ blacklisted: true, blacklistReason: "Identitas palsu" });
    await callRoute(runtime, editPage.action, { path, cookie: agent.cookie, params: { contactId: sitiId }, form: { intent: "unblacklist" } });
    [row] = await runtime.db.select().from(contacts).where(eq(contacts.id, sitiId));
    expect(row).toMatchObject({ blacklisted: false, blacklistReason: null });
    expect((await auditOf("contact.blacklisted", sitiId))[0].data).toEqual({ reason: "Identitas palsu" });
    expect(await auditOf("contact.unblacklisted", sitiId)).toHaveLength(1);
  });

  it("finds her from the list page by a typo, by the phone in two spellings and by NIK", async () => {
    for (const q of ["siti rahyu", "0812 1111 2222", "+62 812-1111-2222", "3171014508900001"]) {
      const page = unwrap(await callRoute(runtime, listPage.loader, { path: `/staff/contacts?q=${encodeURIComponent(q)}`, cookie: agent.cookie })).data as {
        contacts: { id: string }[];
      };
      expect(page.contacts[0]?.id, q).toBe(sitiId);
    }
  });
});

describe("the 360 page", () => {
  it("shows the profile, open work and plugin panels, and audits every view", async () => {
    const contact = await createContact(runtime, { fullName: "Wulan Sari", branchId: jakarta, phone: "+6281377788899" });
    await runtime.db.insert(contactIdentifiers).values({ contactId: contact.id, system: "bpjs", value: "0001234567891" });
    await runtime.db.insert(tasks).values([
      { title: "Telepon balik soal hasil lab", contactId: contact.id, assigneeId: agent.id, createdBy: admin.id, dueAt: new Date(Date.now() - 3600_000) },
      { title: "Sudah selesai", contactId: contact.id, assigneeId: agent.id, createdBy: admin.id, status: "done" },
    ]);
    await runtime.db.insert(tickets).values({ contactId: contact.id, channel: "phone", category: "complaint", subject: "Antrian lama", slaDueAt: new Date(Date.now() + 86_400_000) });

    const result = unwrap(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${contact.id}`, cookie: agent.cookie, params: { contactId: contact.id }, headers: { "Accept-Language": "en" } }));
    expect(result.status).toBe(200);
    const page = result.data as Extract<Loaded360, { kind: "found" }>;
    expect(page.contact).toMatchObject({ fullName: "Wulan Sari", branchName: "RS Nusa Medika Jakarta" });
    expect(page.identifiers).toEqual([expect.objectContaining({ system: "bpjs", value: "0001234567891" })]);
    expect(page.openTasks.map((t) => [t.title, t.overdue])).toEqual([["Telepon balik soal hasil lab", true]]);
    expect(page.openTickets?.map((t) => t.subject)).toEqual(["Antrian lama"]);
    // agents do not hold core.survey.read
    expect(page.answeredSurveys).toBeNull();
    expect(page.consents.map((c) => c.granted)).toEqual([null, null, null, null]);
    expect(page.panels).toEqual([{ id: "test-greetings:greeting", view: { title: "Greeting", rows: [{ label: "Say", value: "Hello, Wulan Sari!" }] } }]);

    const views = await auditOf("contact.viewed", contact.id);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actorUserId: agent.id, actorKind: "staff", ip: "127.0.0.1" });
    await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${contact.id}`, cookie: admin.cookie, params: { contactId: contact.id } });
    expect(await auditOf("contact.viewed", contact.id)).toHaveLength(2);
  });

  it("answers 404 for an unknown or malformed id and sends a merged duplicate to the kept contact", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "bukan-id", "1 or 1=1"]) {
      expect(unwrap(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${id}`, cookie: agent.cookie, params: { contactId: id } })).status).toBe(404);
    }
    const kept = await createContact(runtime, { fullName: "Yang Dipertahankan" });
    const middle = await createContact(runtime, { fullName: "Perantara", mergedIntoId: kept.id });
    const duplicate = await createContact(runtime, { fullName: "Duplikat", mergedIntoId: middle.id });
    expect(location(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${duplicate.id}`, cookie: agent.cookie, params: { contactId: duplicate.id } }))).toBe(
      `/staff/contacts/${kept.id}`,
    );
    expect(location(await callRoute(runtime, editPage.loader, { path: `/staff/contacts/${middle.id}/edit`, cookie: agent.cookie, params: { contactId: middle.id } }))).toBe(
      `/staff/contacts/${kept.id}`,
    );
  });

  it("logs an interaction onto the timeline, in the branch's clock, and refuses one in the future", async () => {
    const contact = await createContact(runtime, { fullName: "Agus Saputra", branchId: jakarta });
    const path = `/staff/contacts/${contact.id}`;
    const ok = unwrap(
      await callRoute(runtime, contactPage.action, {
        path,
        cookie: agent.cookie,
        params: { contactId: contact.id },
        form: { intent: "log-interaction", channel: "call", direction: "inbound", subject: "Tanya jadwal dokter", body: "Minta jadwal Sp.PD hari Kamis", occurredAt: "2026-01-05T09:30" },
      }),
    );
    expect(ok.status).toBe(200);
    const [row] = await runtime.db.select().from(interactions).where(eq(interactions.contactId, contact.id));
    // 09:30 WIB is 02:30 UTC
    expect(row).toMatchObject({ channel: "call", direction: "inbound", staffUserId: agent.id, occurredAt: new Date("2026-01-05T02:30:00Z") });
    const future = unwrap(
      await callRoute(runtime, contactPage.action, {
        path,
        cookie: agent.cookie,
        params: { contactId: contact.id },
        form: { intent: "log-interaction", channel: "note", direction: "internal", subject: "Besok", occurredAt: "2999-01-01T10:00" },
      }),
    );
    expect(future.status).toBe(400);
    const page = unwrap(await callRoute(runtime, contactPage.loader, { path, cookie: agent.cookie, params: { contactId: contact.id } })).data as Extract<Loaded360, { kind: "found" }>;
    const core = page.timeline.items.filter((i) => i.source === "core");
    expect(core).toEqual([expect.objectContaining({ title: "Tanya jadwal dokter", who: "Rina Marlina", channel: "call", timeZone: "Asia/Jakarta" })]);
    expect(await auditOf("interaction.logged", contact.id)).toHaveLength(1);
  });

  it("records a consent given in person, by whom, as a staff source", async () => {
    const contact = await createContact(runtime);
    await callRoute(runtime, contactPage.action, {
      path: `/staff/contacts/${contact.id}`,
      cookie: agent.cookie,
      params: { contactId: contact.id },
      form: { intent: "record-consent", purpose: "marketing", granted: "granted" },
    });
    await callRoute(runtime, contactPage.action, {
      path: `/staff/contacts/${contact.id}`,
      cookie: agent.cookie,
      params: { contactId: contact.id },
      form: { intent: "record-consent", purpose: "marketing", granted: "withdrawn" },
    });
    const [row] = await runtime.db.select().from(consents).where(eq(consents.contactId, contact.id));
    expect(row).toMatchObject({ purpose: "marketing", granted: false, source: "staff", recordedBy: agent.id });
    expect((await auditOf("consent.granted", contact.id)).length + (await auditOf("consent.withdrawn", contact.id)).length).toBe(2);
  });
});

describe("the timeline", () => {
  let contactId: string;
  const base = Date.parse("2026-03-01T00:00:00Z");
  const minutes = (n: number) => new Date(base + n * 60_000);

  beforeAll(async () => {
    const contact = await createContact(runtime, { fullName: "Linimasa Uji" });
    contactId = contact.id;
    // 12 interactions at even minutes, 8 plugin visits at odd minutes, one of each at the very same instant
    await runtime.db.insert(interactions).values(
      Array.from({ length: 12 }, (_, i) => ({
        contactId,
        channel: i % 3 === 0 ? ("whatsapp" as const) : ("call" as const),
        direction: "outbound" as const,
        subject: `Interaksi ${i}`,
        occurredAt: minutes(i * 2),
      })),
    );
    for (let i = 0; i < 8; i++) visitLog.push({ contactId, id: `v${i}`, at: minutes(i * 2 + 1), channel: "visit" });
    visitLog.push({ contactId, id: "v-same", at: minutes(10), channel: "visit" });
    // and someone else's visit, which must never show
    visitLog.push({ contactId: (await createContact(runtime)).id, id: "other", at: minutes(5), channel: "visit" });
  });

  async function allPages(options: { channel?: string; limit: number }) {
    const enabled = await runtime.registry.enabledPluginIds(runtime.db);
    const permissions = new Set(["test-visits.visit.read"]);
    const sources = runtime.registry.timelineSources(enabled, permissions).filter((s) => s.pluginId === "test-visits");
    const actor = { kind: "staff" as const, userId: agent.id, permissions, branchId: null };
    const pages: string[][] = [];
    let after: string | null = null;
    for (let i = 0; i < 30; i++) {
      const page = await listTimeline(runtime.db, actor, { contactId, channel: options.channel, after, limit: options.limit, timeZone: "Asia/Jakarta" }, {
        sources,
        language: "id",
        t: (pluginId) => fixedT("id", pluginId),
      });
      pages.push(page.items.map((item) => item.title));
      if (!page.next) break;
      after = page.next;
    }
    return pages;
  }

  it("merges interactions and plugin entries newest first, and pages through all of them exactly once", async () => {
    const pages = await allPages({ limit: 5 });
    const flat = pages.flat();
    expect(flat).toHaveLength(21);
    expect(new Set(flat).size).toBe(21);
    expect(flat.slice(0, 6)).toEqual(["Interaksi 11", "Interaksi 10", "Interaksi 9", "Interaksi 8", "Kunjungan v7", "Interaksi 7"]);
    // at minute 10 both sources have an entry: a stable order, neither lost at a page edge
    expect(flat.indexOf("Kunjungan v-same")).toBe(flat.indexOf("Interaksi 5") - 1);
    expect(flat.at(-1)).toBe("Interaksi 0");
    expect(flat).not.toContain("Kunjungan other");
    expect(pages.slice(0, -1).every((p) => p.length === 5)).toBe(true);
  });

  it("filters by channel across sources", async () => {
    expect((await allPages({ channel: "visit", limit: 3 })).flat()).toEqual(["Kunjungan v7", "Kunjungan v6", "Kunjungan v5", "Kunjungan v-same", "Kunjungan v4", "Kunjungan v3", "Kunjungan v2", "Kunjungan v1", "Kunjungan v0"]);
    expect((await allPages({ channel: "whatsapp", limit: 3 })).flat()).toEqual(["Interaksi 9", "Interaksi 6", "Interaksi 3", "Interaksi 0"]);
  });

  it("reaches a plugin's old entries of a channel behind many newer entries of other channels", async () => {
    const other = await createContact(runtime, { fullName: "Banyak Catatan" });
    for (let i = 0; i < 15; i++) visitLog.push({ contactId: other.id, id: `n${i}`, at: minutes(100 + i), channel: "note" });
    visitLog.push({ contactId: other.id, id: "old-a", at: minutes(50), channel: "visit" }, { contactId: other.id, id: "old-b", at: minutes(40), channel: "visit" });
    const saved = contactId;
    contactId = other.id;
    try {
      const pages = await allPages({ channel: "visit", limit: 2 });
      expect(pages.flat()).toEqual(["Kunjungan old-a", "Kunjungan old-b"]);
    } finally {
      contactId = saved;
    }
  });

  it("pages on the 360 page through ?before= and filters through ?channel=", async () => {
    const first = unwrap(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${contactId}`, cookie: admin.cookie, params: { contactId } })).data as Extract<Loaded360, { kind: "found" }>;
    expect(first.timeline.items.length).toBe(20);
    expect(first.timeline.items.some((i) => i.source === "test-greetings/test-greetings.greeting")).toBe(true);
    const second = unwrap(
      await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${contactId}?before=${first.timeline.next}`, cookie: admin.cookie, params: { contactId } }),
    ).data as Extract<Loaded360, { kind: "found" }>;
    const firstIds = new Set(first.timeline.items.map((i) => `${i.source}:${i.id}`));
    expect(second.timeline.items.length).toBeGreaterThan(0);
    expect(second.timeline.items.every((i) => !firstIds.has(`${i.source}:${i.id}`) || i.source.startsWith("test-greetings"))).toBe(true);
    const calls = unwrap(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${contactId}?channel=call`, cookie: admin.cookie, params: { contactId } })).data as Extract<
      Loaded360,
      { kind: "found" }
    >;
    expect(calls.timeline.items.every((i) => i.channel === "call")).toBe(true);
    expect(calls.timeline.items).toHaveLength(8);
  });

  it("shows nothing of a plugin's source to staff without the plugin's permission", async () => {
    const page = unwrap(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${contactId}`, cookie: marketing.cookie, params: { contactId } })).data as Extract<Loaded360, { kind: "found" }>;
    expect(page.timeline.items.filter((i) => i.source.startsWith("test-visits"))).toEqual([]);
    expect(page.panels).toEqual([]);
  });
});

describe("the CSV export", () => {
  it("exports exactly the current filter, with a BOM, headers in the user's language, and an audit entry", async () => {
    await createContact(runtime, { fullName: "Ekspor Satu", tags: ["ekspor"], phone: "+6281298765432", lifecycleStage: "customer" });
    await createContact(runtime, { fullName: "=HYPERLINK(\"http://jahat\")", tags: ["ekspor"], lifecycleStage: "lead" });
    await createContact(runtime, { fullName: "Bukan Ekspor", tags: ["lain"] });
    const [withNik] = await runtime.db.select({ id: contacts.id }).from(contacts).where(eq(contacts.fullName, "Ekspor Satu"));
    await runtime.db.insert(contactIdentifiers).values({ contactId: withNik.id, system: "nik", value: "3171010101900001" });

    const response = (await callRoute(runtime, exportRoute.loader, { path: "/staff/contacts/export?tag=ekspor", cookie: admin.cookie, headers: { "Accept-Language": "en" } })) as Response;
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split("\r\n");
    expect(lines[0].startsWith("Name,Mobile,E-mail,Date of birth")).toBe(true);
    expect(lines).toHaveLength(3);
    const body = lines.slice(1).join("\n");
    expect(body).toContain("Ekspor Satu,+6281298765432");
    expect(body).toContain("3171010101900001");
    expect(body).toContain(",Customer,");
    expect(body).not.toContain("Bukan Ekspor");
    // a name that looks like a formula is neutralised for spreadsheets
    expect(body).toContain(`"'=HYPERLINK(""http://jahat"")"`);

    const [entry] = await auditOf("contact.exported");
    expect(entry).toMatchObject({ actorUserId: admin.id, data: { filter: { tag: "ekspor" }, rows: 2 } });

    const id = (await callRoute(runtime, exportRoute.loader, { path: "/staff/contacts/export?q=ekspor%20satu", cookie: admin.cookie, headers: { "Accept-Language": "id" } })) as Response;
    const idLines = (await id.text()).trim().split("\r\n");
    expect(idLines[0].startsWith("Nama,Ponsel,E-mail,Tanggal lahir")).toBe(true);
    expect(idLines[1].startsWith("Ekspor Satu,")).toBe(true);
  });

  it("streams a large list in batches without losing a row", async () => {
    await runtime.db.insert(contacts).values(Array.from({ length: 2100 }, (_, i) => ({ fullName: `Massal ${i}`, tags: ["massal"] })));
    const response = (await callRoute(runtime, exportRoute.loader, { path: "/staff/contacts/export?tag=massal", cookie: admin.cookie })) as Response;
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2101);
    expect(new Set(lines.slice(1)).size).toBe(2100);
    const [entry] = await auditOf("contact.exported");
    expect(entry.data).toEqual({ filter: { tag: "massal" }, rows: 2100 });
  });
});


describe("the contacts list offers import and duplicates only to those who may use them", () => {
  it("shows both links to a manager and neither to an agent", async () => {
    const manager = await createStaff(runtime, { roles: ["manager"] });
    const agentOnly = await createStaff(runtime, { roles: ["agent"] });
    const flags = async (cookie: string) => {
      const data = unwrap(await callRoute(runtime, listPage.loader, { path: "/staff/contacts", cookie })).data as { canImport: boolean; canMerge: boolean };
      return { canImport: data.canImport, canMerge: data.canMerge };
    };
    expect(await flags(manager.cookie)).toEqual({ canImport: true, canMerge: true });
    expect(await flags(agentOnly.cookie)).toEqual({ canImport: false, canMerge: false });
  });
});
