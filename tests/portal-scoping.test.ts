import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as partnerOrganisation from "../app/routes/partner/organisation.tsx";
import * as partnerUsers from "../app/routes/partner/users.tsx";
import * as portalProfile from "../app/routes/portal/profile.tsx";
import * as staffPartner from "../app/routes/staff/partner.tsx";
import { auditLog, contacts, partnerOrganisations } from "../db/schema/index.ts";
import { callRoute, createCustomer, createPartnerOrg, createPartnerUser, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(() => app.close());

describe("a customer", () => {
  it("reads and corrects only their own contact, and bad input changes nothing", async () => {
    const ani = await createCustomer(runtime);
    const budi = await createCustomer(runtime);
    const profile = unwrap(await callRoute(runtime, portalProfile.loader, { path: "/portal/profile", cookie: ani.cookie }));
    expect((profile.data as { profile: { fullName: string } }).profile.fullName).toBe(ani.contact.fullName);

    const bad = unwrap(await callRoute(runtime, portalProfile.action, { path: "/portal/profile", cookie: ani.cookie, form: { fullName: "Ani", phone: "0000", preferredChannel: "pigeon" } }));
    expect(bad.status).toBe(400);
    const [unchanged] = await runtime.db.select().from(contacts).where(eq(contacts.id, ani.contact.id));
    expect(unchanged.fullName).toBe(ani.contact.fullName);

    // an id smuggled into the form is ignored: the contact comes from the session
    const ok = unwrap(
      await callRoute(runtime, portalProfile.action, {
        path: "/portal/profile",
        cookie: ani.cookie,
        form: { fullName: "Ani Yulianti", phone: "0857 1122 3344", city: "Bandung", preferredChannel: "email", contactId: budi.contact.id, id: budi.contact.id },
      }),
    );
    expect((ok.data as { saved: boolean }).saved).toBe(true);
    const [aniAfter] = await runtime.db.select().from(contacts).where(eq(contacts.id, ani.contact.id));
    const [budiAfter] = await runtime.db.select().from(contacts).where(eq(contacts.id, budi.contact.id));
    expect(aniAfter).toMatchObject({ fullName: "Ani Yulianti", phone: "+6285711223344", city: "Bandung", preferredChannel: "email" });
    expect(budiAfter.fullName).toBe(budi.contact.fullName);
    const [entry] = await runtime.db.select().from(auditLog).where(eq(auditLog.action, "contact.self_corrected"));
    expect(entry.entityId).toBe(ani.contact.id);
  });
});

describe("a partner user", () => {
  it("sees and edits only their own organisation, and cannot use staff pages", async () => {
    const klinik = await createPartnerOrg(runtime, { name: "Klinik Sehat Sentosa" });
    const pemasok = await createPartnerOrg(runtime, { name: "PT Sumber Makmur Abadi", type: "supplier" });
    const hendra = await createPartnerUser(runtime, klinik.id);
    const lina = await createPartnerUser(runtime, pemasok.id);

    const org = unwrap(await callRoute(runtime, partnerOrganisation.loader, { path: "/partner", cookie: hendra.cookie }));
    expect((org.data as { organisation: { name: string } }).organisation.name).toBe("Klinik Sehat Sentosa");
    const colleagues = unwrap(await callRoute(runtime, partnerUsers.loader, { path: "/partner/users", cookie: hendra.cookie }));
    const emails = (colleagues.data as { users: { email: string }[] }).users.map((u) => u.email);
    expect(emails).toContain(hendra.email);
    expect(emails).not.toContain(lina.email);

    await callRoute(runtime, partnerOrganisation.action, { path: "/partner", cookie: hendra.cookie, form: { email: "info@klinik.id", phone: "021 8564 321", city: "Jakarta Timur", partnerOrgId: pemasok.id } });
    const [supplier] = await runtime.db.select().from(partnerOrganisations).where(eq(partnerOrganisations.id, pemasok.id));
    expect(supplier.email).not.toBe("info@klinik.id");

    const staffPage = (await callRoute(runtime, staffPartner.loader, { path: `/staff/partners/${pemasok.id}`, params: { partnerId: pemasok.id }, cookie: hendra.cookie })) as Response;
    expect(staffPage.status).toBe(302);
    expect(staffPage.headers.get("Location")).toMatch(/^\/staff\/login/);
  });
});
