import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactIdentifiers, contacts } from "../../../db/schema/index.ts";
import { createContact, createStaff, createTestApp } from "../../../tests/support/test-app.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { countContacts, searchContacts } from "./contact-search.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let actor: { kind: "staff"; userId: string; permissions: ReadonlySet<string>; branchId: null };
let siti: typeof contacts.$inferSelect;

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  const staff = await createStaff(runtime);
  actor = { kind: "staff", userId: staff.id, permissions: new Set(["core.contact.read"]), branchId: null };
  siti = await createContact(runtime, { fullName: "Siti Rahayu", phone: "+6281211112222", email: "siti.rahayu@contoh.id", tags: ["pasien"] });
  await runtime.db.insert(contactIdentifiers).values([
    { contactId: siti.id, system: "nik", value: "3171014508900001" },
    { contactId: siti.id, system: "member_card", value: "RK100200" },
  ]);
  // look-alikes and noise
  await createContact(runtime, { fullName: "Siti Aminah", phone: "+6281399998888", tags: ["pelanggan"] });
  await createContact(runtime, { fullName: "Rahmat Hidayat", phone: "+6285711223344" });
  await createContact(runtime, { fullName: "Budi Santoso", email: "budi@contoh.id", blacklisted: true, blacklistReason: "fiktif" });
  for (let i = 0; i < 30; i++) await createContact(runtime, { fullName: `Pelanggan Nomor ${i}` });
});
afterAll(() => app?.close());

const names = (page: { contacts: { fullName: string }[] }) => page.contacts.map((c) => c.fullName);

describe("searching contacts", () => {
  it.each(["siti rahyu", "Siti Rahaju", "rahayu", "SITI RAHAYU"])("finds Siti Rahayu by %j, best match first", async (q) => {
    const page = await searchContacts(runtime.db, actor, { q });
    expect(names(page)[0]).toBe("Siti Rahayu");
  });

  it.each(["0812 1111 2222", "+62 812-1111-2222", "6281211112222", "081211112222"])("finds her by the phone written as %j", async (q) => {
    const page = await searchContacts(runtime.db, actor, { q });
    expect(names(page)).toEqual(["Siti Rahayu"]);
  });

  it("finds her by NIK (with spaces), member card (lower case) and e-mail", async () => {
    expect(names(await searchContacts(runtime.db, actor, { q: "3171 0145 0890 0001" }))).toEqual(["Siti Rahayu"]);
    expect(names(await searchContacts(runtime.db, actor, { q: "rk100200" }))).toEqual(["Siti Rahayu"]);
    expect(names(await searchContacts(runtime.db, actor, { q: "siti.rahayu@contoh.id" }))).toEqual(["Siti Rahayu"]);
  });

  it("does not find a stranger by a made-up NIK, nor treat LIKE wildcards as wildcards", async () => {
    expect(names(await searchContacts(runtime.db, actor, { q: "3171014508900002" }))).toEqual([]);
    expect(names(await searchContacts(runtime.db, actor, { q: "%" }))).toEqual([]);
    expect(names(await searchContacts(runtime.db, actor, { q: "___" }))).toEqual([]);
  });

  it("applies filters together with a search", async () => {
    expect(names(await searchContacts(runtime.db, actor, { q: "siti", tag: "pelanggan" }))).toEqual(["Siti Aminah"]);
    expect(names(await searchContacts(runtime.db, actor, { q: "siti", stage: "customer" }))).toEqual([]);
    expect(names(await searchContacts(runtime.db, actor, { blacklisted: "yes" }))).toEqual(["Budi Santoso"]);
    expect(await countContacts(runtime.db, { q: "siti" })).toBe(2);
  });

  it("leaves merged duplicates out", async () => {
    const duplicate = await createContact(runtime, { fullName: "Siti Rahayu", mergedIntoId: siti.id });
    const page = await searchContacts(runtime.db, actor, { q: "siti rahayu" });
    expect(page.contacts.map((c) => c.id)).not.toContain(duplicate.id);
  });

  it("pages through search results and the plain list without repeating or skipping anyone", async () => {
    for (const q of ["pelanggan", undefined]) {
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await searchContacts(runtime.db, actor, { q, after, limit: 7 });
        seen.push(...page.contacts.map((c) => c.id));
        if (!page.next) break;
        after = page.next;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(await countContacts(runtime.db, { q }));
    }
  });

  it("keeps contacts created in one transaction (same microsecond) apart when paging", async () => {
    const tag = "impor-batch";
    await runtime.db.transaction(async (tx) => {
      await tx.insert(contacts).values(Array.from({ length: 9 }, (_, i) => ({ fullName: `Impor ${i}`, tags: [tag] })));
    });
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await searchContacts(runtime.db, actor, { tag, after, limit: 4 });
      seen.push(...page.contacts.map((c) => c.fullName));
      after = page.next ?? undefined;
    } while (after);
    expect(seen.sort()).toEqual(Array.from({ length: 9 }, (_, i) => `Impor ${i}`));
  });

  it("ignores a forged cursor instead of failing", async () => {
    const page = await searchContacts(runtime.db, actor, { after: Buffer.from("d|not-a-date|x").toString("base64url") });
    expect(page.contacts.length).toBeGreaterThan(0);
  });
});
