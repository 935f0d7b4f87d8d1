// A person's export holds what the database holds about them; after erasure nothing identifies
// them any more, except records a law makes us keep.
import { strFromU8, unzipSync } from "fflate";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client.ts";
import { contactIdentifiers, interactions } from "../../db/schema/index.ts";
import { setConsent } from "../../app/core/consents/consents.server.ts";
import { collectPersonalData, erasePersonalData, personalDataZip } from "../../app/core/privacy/data-subject.server.ts";
import { installedPlugins } from "../../plugins/index.ts";
import { createCustomer, createStaff, createTestApp } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
});
afterAll(() => app.close());

/** Every text cell in the public schema that contains `needle` (table names), the audit log aside. */
async function tablesContaining(needle: string) {
  const tables = rowsOf<{ table_name: string }>(
    await app.runtime.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('audit_log', '__drizzle_migrations')`),
  );
  const found: string[] = [];
  for (const { table_name } of tables) {
    const [row] = rowsOf<{ n: number }>(await app.runtime.db.execute(sql`select count(*)::int as n from ${sql.identifier(table_name)} t where t::text ilike ${"%" + needle + "%"}`));
    if (row.n > 0) found.push(table_name);
  }
  return found;
}

describe("export and erasure", () => {
  it("exports every table about the person, then erases them so no table still names them", async () => {
    const customer = await createCustomer(app.runtime, { email: "ratna.kusuma.uji@contoh.id" });
    const staff = await createStaff(app.runtime, { roles: ["agent"] });
    const staffActor = { kind: "staff" as const, userId: staff.id, permissions: new Set<string>(), branchId: null };
    await app.runtime.db.execute(sql`update contacts set full_name = 'Ratna Kusumawardani', phone = '+6281299887766' where id = ${customer.contact.id}`);
    await app.runtime.db.insert(contactIdentifiers).values({ contactId: customer.contact.id, system: "nik", value: "3171015506900002" });
    await setConsent(app.runtime.db, staffActor, { contactId: customer.contact.id, purpose: "marketing", granted: true, source: "staff" });
    await app.runtime.db.insert(interactions).values({ contactId: customer.contact.id, channel: "call", direction: "inbound", subject: "Ratna Kusumawardani menanyakan jadwal", staffUserId: staff.id });

    const subject = { contactId: customer.contact.id, userId: customer.id };
    const data = await collectPersonalData(app.runtime.db, app.runtime.registry, subject);
    expect(Object.keys(data.tables).sort()).toEqual(["consent_records", "consents", "contact_identifiers", "contacts", "interactions", "sessions", "users"]);
    expect(data.tables.contacts[0]).toMatchObject({ full_name: "Ratna Kusumawardani", phone: "+6281299887766" });
    expect(JSON.stringify(data.tables.users)).not.toContain("password");
    // the trail says a staff member with the agent role gave the consent, for which purpose
    expect(data.trail.find((t) => t.action === "consent.granted")).toMatchObject({ actorKind: "staff", actorRoles: ["agent"], reason: "marketing" });

    const files = unzipSync(personalDataZip(data, { "fhir-bundle.json": { resourceType: "Bundle" } }));
    expect(Object.keys(files).sort()).toEqual(
      ["csv/consent_records.csv", "csv/consents.csv", "csv/contact_identifiers.csv", "csv/contacts.csv", "csv/interactions.csv", "csv/sessions.csv", "csv/users.csv", "data.json", "fhir-bundle.json", "trail.csv"].sort(),
    );
    expect(strFromU8(files["csv/contact_identifiers.csv"])).toContain("3171015506900002");
    expect(JSON.parse(strFromU8(files["data.json"])).tables.contacts[0].email).toBe("ratna.kusuma.uji@contoh.id");

    for (const needle of ["Ratna", "ratna.kusuma.uji", "6281299887766", "3171015506900002"]) expect((await tablesContaining(needle)).length).toBeGreaterThan(0);
    const report = await erasePersonalData(app.runtime.db, app.runtime.registry, staffActor, subject, "delete");
    expect(report.holds).toEqual([]);
    for (const needle of ["Ratna", "ratna.kusuma.uji", "6281299887766", "3171015506900002"]) expect(await tablesContaining(needle)).toEqual([]);
    const after = await collectPersonalData(app.runtime.db, app.runtime.registry, subject);
    expect(Object.keys(after.tables).sort()).toEqual(["contacts", "users"]);
    expect(after.tables.contacts[0]).toMatchObject({ full_name: "—", email: null, phone: null });
  });
});
