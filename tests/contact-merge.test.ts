// Duplicate detection and merging: pairs found in SQL, and a merge that keeps every touchpoint
// of both records on the kept one, in one transaction, announced to plugins.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainEvent, InstalledPlugin } from "../app/plugin-api/index.ts";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as duplicatesPage from "../app/routes/staff/contacts.duplicates.tsx";
import * as mergePage from "../app/routes/staff/contacts.merge.tsx";
import * as portalProfile from "../app/routes/portal/profile.tsx";
import { rowsOf } from "../db/client.ts";
import {
  auditLog,
  consents,
  contactIdentifiers,
  contactMerges,
  contacts,
  interactions,
  messages,
  surveys,
  tasks,
  tickets,
} from "../db/schema/index.ts";
import { mergeContacts } from "../app/core/contacts/contact-merge.server.ts";
import { callRoute, createContact, createCustomer, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

const heard: DomainEvent[] = [];
const listener: InstalledPlugin = {
  manifest: {
    id: "test-merge-listener",
    version: "1.0.0",
    requires: [],
    name: "meta.name",
    description: "meta.description",
    permissions: {},
    events: { handles: ["core.contact.merged@1"] },
  },
  server: async () => ({ default: { handlers: { "core.contact.merged": async (event: DomainEvent) => void heard.push(event) } } }),
  locales: { id: { meta: { name: "Pendengar", description: "Uji" } }, en: { meta: { name: "Listener", description: "Test" } } },
};

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let manager: Awaited<ReturnType<typeof createStaff>>;

type Pairs = { pairs: { keep: { id: string }; merge: { id: string }; reasons: string[] }[]; next: string | null };

async function pairs(cookie = manager.cookie, after?: string) {
  return unwrap(await callRoute(runtime, duplicatesPage.loader, { path: `/staff/contacts/duplicates${after ? `?after=${after}` : ""}`, cookie })).data as Pairs;
}

/** Every page of the list, for checks that must not depend on where a pair falls. */
async function allPairs(): Promise<Pairs> {
  const all: Pairs["pairs"] = [];
  let after: string | undefined;
  do {
    const page = await pairs(manager.cookie, after);
    all.push(...page.pairs);
    after = page.next ?? undefined;
  } while (after);
  return { pairs: all, next: null };
}

function pairOf(list: Pairs, a: string, b: string) {
  return list.pairs.find((p) => (p.keep.id === a && p.merge.id === b) || (p.keep.id === b && p.merge.id === a));
}

/** Every touchpoint a contact can have, so a merge can be checked for losing none. */
async function fullHistory(contactId: string, label: string, staffId: string) {
  const [interaction] = await runtime.db.insert(interactions).values({ contactId, channel: "call", direction: "inbound", subject: `Telepon ${label}` }).returning();
  const [task] = await runtime.db.insert(tasks).values({ title: `Tugas ${label}`, contactId, assigneeId: staffId, createdBy: staffId }).returning();
  const [ticket] = await runtime.db
    .insert(tickets)
    .values({ contactId, channel: "phone", category: "complaint", subject: `Keluhan ${label}`, slaDueAt: new Date(Date.now() + 86_400_000) })
    .returning();
  const [survey] = await runtime.db
    .insert(surveys)
    .values({ contactId, sourceType: "ticket", sourceId: ticket.id, tokenHash: `hash-${label}-${contactId}`, expiresAt: new Date(Date.now() + 86_400_000) })
    .returning();
  const [message] = await runtime.db.insert(messages).values({ channel: "email", recipient: `${label}@contoh.id`, template: "core.serviceUpdate", locale: "id", contactId }).returning();
  return { interaction: interaction.id, task: task.id, ticket: ticket.id, survey: survey.id, message: message.id };
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [listener] });
  runtime = app.runtime;
  manager = await createStaff(runtime, { roles: ["manager"] });
});
afterAll(() => app.close());

describe("duplicate detection", () => {
  it("pairs contacts by normalised phone, case-insensitive e-mail and NIK, never a merged one", async () => {
    const a = await createContact(runtime, { fullName: "Budi Santoso", phone: "+6281299990001", email: "budi.s@contoh.id" });
    const b = await createContact(runtime, { fullName: "Budi S.", phone: "0812-9999-0001", email: "BUDI.S@contoh.id" });
    const c = await createContact(runtime, { fullName: "Bambang", phone: "+6281299990002" });
    const d = await createContact(runtime, { fullName: "B. Sulistyo", phone: "+6281299990003" });
    await runtime.db.insert(contactIdentifiers).values([
      { contactId: c.id, system: "nik", value: "3171011203800004" },
      { contactId: d.id, system: "nik", value: "3171 0112 0380 0004" },
    ]);
    const gone = await createContact(runtime, { fullName: "Lama", phone: "+6281299990001", mergedIntoId: a.id });
    const list = await pairs();
    expect(pairOf(list, a.id, b.id)?.reasons).toEqual(["email", "phone"]);
    expect(pairOf(list, c.id, d.id)?.reasons).toEqual(["nik"]);
    expect(pairOf(list, a.id, gone.id)).toBeUndefined();
    expect(pairOf(list, a.id, c.id)).toBeUndefined();
    // the older record is suggested as the one to keep
    expect(pairOf(list, a.id, b.id)?.keep.id).toBe(a.id);
  });

  it("pages by key without repeating or losing a pair", async () => {
    for (let i = 0; i < 30; i++) {
      await createContact(runtime, { fullName: `Kembar ${i} A`, email: `kembar${i}@contoh.id` });
      await createContact(runtime, { fullName: `Kembar ${i} B`, email: `Kembar${i}@Contoh.id` });
    }
    const first = await pairs();
    expect(first.pairs).toHaveLength(25);
    expect(first.next).not.toBeNull();
    const second = await pairs(manager.cookie, first.next!);
    const ids = [...first.pairs, ...second.pairs].map((p) => [p.keep.id, p.merge.id].sort().join());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(32);
    expect(second.next).toBeNull();
  });

  it("is for staff holding core.contact.merge only", async () => {
    for (const role of ["agent", "marketing"]) {
      const staff = await createStaff(runtime, { roles: [role] });
      expect(unwrap(await callRoute(runtime, duplicatesPage.loader, { path: "/staff/contacts/duplicates", cookie: staff.cookie })).status).toBe(403);
      expect(unwrap(await callRoute(runtime, mergePage.loader, { path: "/staff/contacts/merge", cookie: staff.cookie })).status).toBe(403);
    }
    const customer = await createCustomer(runtime);
    expect(unwrap(await callRoute(runtime, duplicatesPage.loader, { path: "/staff/contacts/duplicates", cookie: customer.cookie })).status).toBe(302);
  });

  it("stops offering a pair marked 'not the same person', once, audited; other pairs stay", async () => {
    const twin1 = await createContact(runtime, { fullName: "Rina Kembar", phone: "+6281277770001", email: "keluarga.rina@contoh.id" });
    const twin2 = await createContact(runtime, { fullName: "Rini Kembar", phone: "0812-7777-0001" });
    const other = await createContact(runtime, { fullName: "Keluarga Rina", email: "KELUARGA.RINA@contoh.id" });
    expect(pairOf(await allPairs(), twin1.id, twin2.id)).toBeDefined();

    const dismiss = (a: string, b: string, cookie = manager.cookie) =>
      callRoute(runtime, duplicatesPage.action, { path: "/staff/contacts/duplicates", method: "POST", cookie, form: { a, b } });
    const res = await dismiss(twin2.id, twin1.id);
    expect((res as Response).headers.get("Location")).toBe("/staff/contacts/duplicates?notice=dismissed");
    await dismiss(twin1.id, twin2.id); // again, in the other order: nothing more happens

    const list = await allPairs();
    expect(pairOf(list, twin1.id, twin2.id)).toBeUndefined();
    expect(pairOf(list, twin1.id, other.id)?.reasons).toEqual(["email"]);
    const [low, high] = [twin1.id, twin2.id].sort();
    const entries = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "contact.duplicate_dismissed"), eq(auditLog.entityId, low)));
    expect(entries).toHaveLength(1);
    expect(entries[0].data).toEqual({ other: high, reasons: ["phone"] });
  });

  it("refuses to dismiss a pair that shares nothing, or without core.contact.merge", async () => {
    const a = await createContact(runtime, { fullName: "Sari", phone: "+6281266660001" });
    const b = await createContact(runtime, { fullName: "Sari Dewi", phone: "+6281266660002" });
    const res = unwrap(await callRoute(runtime, duplicatesPage.action, { path: "/staff/contacts/duplicates", method: "POST", cookie: manager.cookie, form: { a: a.id, b: b.id } }));
    expect(res.status).toBe(400);
    expect(res.data).toEqual({ error: "duplicates.errors.notADuplicatePair" });

    const c = await createContact(runtime, { fullName: "Sari D.", phone: "0812-6666-0001" });
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const refused = await callRoute(runtime, duplicatesPage.action, { path: "/staff/contacts/duplicates", method: "POST", cookie: agent.cookie, form: { a: a.id, b: c.id } });
    expect((refused as Response).status).toBe(403);
    expect(pairOf(await allPairs(), a.id, c.id)).toBeDefined();
  });
});

describe("merging", () => {
  it("is one transaction: when its last step fails, nothing of it remains", async () => {
    const keep = await createContact(runtime, { fullName: "Dewi Lestari", phone: "+6281377770091", tags: ["pasien"] });
    const merge = await createContact(runtime, { fullName: "Dewi L.", phone: "+6281377770091", city: "Depok", tags: ["vip"] });
    const history = await fullHistory(merge.id, "gagal", manager.id);
    await runtime.db.insert(contactIdentifiers).values({ contactId: merge.id, system: "nik", value: "3276014204880009" });
    // the announcement to plugins is the merge's last step, inside its transaction
    const failingBus = { emit: async () => Promise.reject(new Error("bus unavailable")) };
    const actor = { kind: "staff" as const, userId: manager.id, permissions: new Set<string>(), branchId: null };
    await expect(mergeContacts(runtime.db, failingBus, actor, { keepId: keep.id, mergeId: merge.id, choices: { city: "merge" } })).rejects.toThrow("bus unavailable");

    const [keptAfter] = await runtime.db.select().from(contacts).where(eq(contacts.id, keep.id));
    const [mergedAfter] = await runtime.db.select().from(contacts).where(eq(contacts.id, merge.id));
    expect(keptAfter.city).toBeNull();
    expect(keptAfter.tags).toEqual(["pasien"]);
    expect(mergedAfter.mergedIntoId).toBeNull();
    const [interaction] = await runtime.db.select().from(interactions).where(eq(interactions.id, history.interaction));
    expect(interaction.contactId).toBe(merge.id);
    const [ticket] = await runtime.db.select().from(tickets).where(eq(tickets.id, history.ticket));
    expect(ticket.contactId).toBe(merge.id);
    expect(await runtime.db.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, merge.id))).toHaveLength(1);
    expect(await runtime.db.select().from(contactMerges).where(eq(contactMerges.mergedContactId, merge.id))).toHaveLength(0);
    expect(await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "contact.merged"), eq(auditLog.entityId, keep.id)))).toHaveLength(0);
  });

  it("keeps every touchpoint of both records on the kept one, in one transaction, and tells plugins", async () => {
    const keep = await createContact(runtime, { fullName: "Siti Rahayu", phone: "+6281377770001", email: null, city: "Bogor", tags: ["pasien"], preferredChannel: "whatsapp" });
    const customer = await createCustomer(runtime, { email: "siti.rahayu@contoh.id" });
    const merge = customer.contact;
    await runtime.db.update(contacts).set({ fullName: "Siti R.", phone: "+6281377770001", city: "Jakarta Selatan", tags: ["vip"], birthDate: "1988-04-02" }).where(eq(contacts.id, merge.id));
    const keptHistory = await fullHistory(keep.id, "lama", manager.id);
    const mergedHistory = await fullHistory(merge.id, "baru", manager.id);
    await runtime.db.insert(contactIdentifiers).values([
      { contactId: keep.id, system: "nik", value: "3201014204880001" },
      { contactId: merge.id, system: "nik", value: "3201 0142 0488 0001" },
      { contactId: merge.id, system: "bpjs", value: "0002345678901" },
    ]);
    const older = new Date("2026-01-01T00:00:00Z");
    const newer = new Date("2026-06-01T00:00:00Z");
    await runtime.db.insert(consents).values([
      { contactId: keep.id, purpose: "service_messages", granted: true, source: "staff", updatedAt: older },
      { contactId: merge.id, purpose: "service_messages", granted: false, source: "portal", updatedAt: newer },
      { contactId: keep.id, purpose: "marketing", granted: true, source: "staff", updatedAt: newer },
      { contactId: merge.id, purpose: "marketing", granted: false, source: "portal", updatedAt: older },
      { contactId: merge.id, purpose: "surveys", granted: true, source: "portal", updatedAt: older },
    ]);

    const screen = unwrap(await callRoute(runtime, mergePage.loader, { path: `/staff/contacts/merge?keep=${keep.id}&merge=${merge.id}`, cookie: manager.cookie })).data as {
      pair: { merge: { counts: Record<string, number> } };
    };
    expect(screen.pair.merge.counts).toMatchObject({ interactions: 1, tasks: 1, tickets: 1, surveys: 1, messages: 1, identifiers: 2, consents: 3, users: 1 });

    const response = (await callRoute(runtime, mergePage.action, {
      path: "/staff/contacts/merge",
      cookie: manager.cookie,
      form: { keep: keep.id, merge: merge.id, choose_city: "merge", choose_fullName: "keep" },
    })) as Response;
    expect(response.status).toBe(302);

    const [kept] = await runtime.db.select().from(contacts).where(eq(contacts.id, keep.id));
    expect(kept).toMatchObject({ fullName: "Siti Rahayu", city: "Jakarta Selatan", email: "siti.rahayu@contoh.id", birthDate: "1988-04-02", mergedIntoId: null });
    expect(kept.tags.sort()).toEqual(["pasien", "vip"]);
    const [merged] = await runtime.db.select().from(contacts).where(eq(contacts.id, merge.id));
    expect(merged.mergedIntoId).toBe(keep.id);

    for (const history of [keptHistory, mergedHistory]) {
      expect((await runtime.db.select().from(interactions).where(eq(interactions.id, history.interaction)))[0].contactId).toBe(keep.id);
      expect((await runtime.db.select().from(tasks).where(eq(tasks.id, history.task)))[0].contactId).toBe(keep.id);
      expect((await runtime.db.select().from(tickets).where(eq(tickets.id, history.ticket)))[0].contactId).toBe(keep.id);
      expect((await runtime.db.select().from(surveys).where(eq(surveys.id, history.survey)))[0].contactId).toBe(keep.id);
      expect((await runtime.db.select().from(messages).where(eq(messages.id, history.message)))[0].contactId).toBe(keep.id);
    }
    const ids = await runtime.db.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, keep.id));
    expect(ids.map((i) => `${i.system}:${i.value}`).sort()).toEqual(["bpjs:0002345678901", "nik:3201014204880001"]);
    const answers = Object.fromEntries((await runtime.db.select().from(consents).where(eq(consents.contactId, keep.id))).map((c) => [c.purpose, c.granted]));
    // the most recent answer per purpose wins, whichever record it was given on
    expect(answers).toEqual({ service_messages: false, marketing: true, surveys: true });

    // nothing anywhere still points at the merged record, whatever table references contacts
    const references = rowsOf<{ table_name: string; column_name: string }>(
      await runtime.db.execute(sql`
        select kcu.table_name, kcu.column_name
          from information_schema.referential_constraints rc
          join information_schema.key_column_usage kcu on kcu.constraint_name = rc.constraint_name and kcu.constraint_schema = rc.constraint_schema
          join information_schema.constraint_column_usage ccu on ccu.constraint_name = rc.unique_constraint_name and ccu.constraint_schema = rc.unique_constraint_schema
         where ccu.table_name = 'contacts' and ccu.column_name = 'id' and kcu.table_schema = 'public'`),
    );
    expect(references.length).toBeGreaterThanOrEqual(8);
    for (const ref of references) {
      if (ref.table_name === "contact_merges") continue;
      const [row] = rowsOf<{ n: number }>(await runtime.db.execute(sql`select count(*)::int as n from ${sql.identifier(ref.table_name)} where ${sql.identifier(ref.column_name)} = ${merge.id}::uuid`));
      expect(row.n, `${ref.table_name}.${ref.column_name}`).toBe(0);
    }

    // the patient's portal account now shows the kept record
    const profile = unwrap(await callRoute(runtime, portalProfile.loader, { path: "/portal/profile", cookie: customer.cookie })).data as { profile: { fullName: string } };
    expect(profile.profile.fullName).toBe("Siti Rahayu");

    const [record] = await runtime.db.select().from(contactMerges).where(eq(contactMerges.mergedContactId, merge.id));
    expect(record).toMatchObject({ keptContactId: keep.id, mergedBy: manager.id });
    expect(record.snapshot).toMatchObject({ merged: { fullName: "Siti R.", city: "Jakarta Selatan" }, keptBefore: { city: "Bogor" } });
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "contact.merged"), eq(auditLog.entityId, keep.id)));
    expect(entry.data).toMatchObject({ mergedContactId: merge.id, moved: { interactions: 1, tasks: 1, tickets: 1, surveys: 1, messages: 1, users: 1 } });

    await runtime.jobs.drain("core.events.deliver.test-merge-listener");
    expect(heard.map((e) => [e.name, e.payload])).toContainEqual(["core.contact.merged", { keptContactId: keep.id, mergedContactId: merge.id }]);
  });

  it("refuses to merge a record twice, into itself, or one that does not exist", async () => {
    const a = await createContact(runtime);
    const b = await createContact(runtime);
    const post = (form: Record<string, string>) => callRoute(runtime, mergePage.action, { path: "/staff/contacts/merge", cookie: manager.cookie, form });
    expect((await post({ keep: a.id, merge: b.id })) as Response).toHaveProperty("status", 302);
    const again = unwrap(await post({ keep: a.id, merge: b.id }));
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.data)).toContain("staff:duplicates.merge.errors.alreadyMerged");
    expect(unwrap(await post({ keep: a.id, merge: a.id })).status).toBe(400);
    expect(unwrap(await post({ keep: a.id, merge: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect(unwrap(await callRoute(runtime, mergePage.loader, { path: `/staff/contacts/merge?keep=${b.id}&merge=${a.id}`, cookie: manager.cookie })).status).toBe(409);
  });

  it("merges nothing when an agent without core.contact.merge tries", async () => {
    const a = await createContact(runtime);
    const b = await createContact(runtime);
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const result = unwrap(await callRoute(runtime, mergePage.action, { path: "/staff/contacts/merge", cookie: agent.cookie, form: { keep: a.id, merge: b.id } }));
    expect(result.status).toBe(403);
    expect((await runtime.db.select().from(contacts).where(eq(contacts.id, b.id)))[0].mergedIntoId).toBeNull();
  });
});
