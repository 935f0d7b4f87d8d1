// "Privasi & data saya" in /partner (a partner user's own account data, the portal's page and
// domain), and the trail of processing: entries about any of the person's records, whoever's type,
// and FHIR reads, with the staff member's role and never their name.
import { strFromU8, unzipSync } from "fflate";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as partnerExport from "../../app/routes/partner/privacy.export.ts";
import * as partnerPage from "../../app/routes/partner/privacy.tsx";
import * as portalExport from "../../app/routes/portal/privacy.export.ts";
import * as portalPage from "../../app/routes/portal/privacy.tsx";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import { auditLog, consentRecords, privacyRequests } from "../../db/schema/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { appointments } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { callRoute, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

type Trail = { action: string; actorKind: string; actorRoles: string[]; reason: string | null }[];
type View = { hasContact: boolean; consents: unknown[]; objected: boolean | null; requestKinds: string[]; trail: Trail };

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments] });
});
afterAll(() => app.close());

describe("/partner/privacy", () => {
  it("shows a partner user what exists for their account: no consents or profiling, requests without 'no profiling'", async () => {
    const org = await createPartnerOrg(app.runtime);
    const me = await createPartnerUser(app.runtime, org.id);
    const view = unwrap(await callRoute(app.runtime, partnerPage.loader, { path: "/partner/privacy", cookie: me.cookie })).data as View;
    expect(view).toMatchObject({ hasContact: false, consents: [], objected: null });
    expect(view.requestKinds).toEqual(["access", "correction", "deletion"]);
  });

  it("records their request with its 72-hour deadline; refuses a consent change (no contact record) with 400, nothing changed", async () => {
    const org = await createPartnerOrg(app.runtime);
    const me = await createPartnerUser(app.runtime, org.id);
    const refused = unwrap(await callRoute(app.runtime, partnerPage.action, { path: "/partner/privacy", cookie: me.cookie, form: { intent: "consent", purpose: "marketing", granted: "true" } }));
    expect(refused).toMatchObject({ status: 400, data: { ok: false, message: "errors.noContact" } });
    const bad = unwrap(await callRoute(app.runtime, partnerPage.action, { path: "/partner/privacy", cookie: me.cookie, form: { intent: "request", kind: "everything" } }));
    expect(bad).toMatchObject({ status: 400, data: { message: "errors.invalid" } });
    expect(await app.runtime.db.select().from(consentRecords).where(eq(consentRecords.recordedBy, me.id))).toEqual([]);
    const sent = unwrap(await callRoute(app.runtime, partnerPage.action, { path: "/partner/privacy", cookie: me.cookie, form: { intent: "request", kind: "deletion", details: "Akun saya tidak dipakai lagi" } }));
    expect(sent).toMatchObject({ status: 200, data: { ok: true, message: "mine.request.sent" } });
    const [row] = await app.runtime.db.select().from(privacyRequests).where(eq(privacyRequests.userId, me.id));
    expect(row).toMatchObject({ kind: "deletion", contactId: null, status: "open" });
    expect(row.dueAt.getTime() - row.createdAt.getTime()).toBe(72 * 3_600_000);
    const again = unwrap(await callRoute(app.runtime, partnerPage.action, { path: "/partner/privacy", cookie: me.cookie, form: { intent: "request", kind: "deletion" } }));
    expect(again.status).toBe(409);
  });

  it("downloads the partner user's own account only, not a colleague's, and audits it", async () => {
    const org = await createPartnerOrg(app.runtime);
    const me = await createPartnerUser(app.runtime, org.id);
    const colleague = await createPartnerUser(app.runtime, org.id);
    const response = (await callRoute(app.runtime, partnerExport.loader, { path: "/partner/privacy/export", cookie: me.cookie })) as Response;
    expect(response.headers.get("Content-Type")).toBe("application/zip");
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const json = strFromU8(files["data.json"]);
    expect(JSON.parse(json).tables.users).toMatchObject([{ id: me.id, email: me.email }]);
    expect(json).not.toContain(colleague.email);
    expect(Object.keys(files).some((f) => f.startsWith("fhir/"))).toBe(false);
    const [entry] = await app.runtime.db.select().from(auditLog).where(eq(auditLog.entityId, me.id));
    expect(entry).toMatchObject({ action: "privacy.data.exported", actorKind: "partner", actorUserId: me.id });
  });

  it("is for partner users only: a customer is sent to the partner sign-in", async () => {
    const customer = await createCustomer(app.runtime);
    for (const handler of [partnerPage.loader, partnerExport.loader]) {
      const response = (await callRoute(app.runtime, handler, { path: "/partner/privacy", cookie: customer.cookie })) as Response;
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toMatch(/^\/partner\/login/);
    }
  });
});

describe("the trail of processing", () => {
  it("holds entries about the person's visits (a plugin's records) and FHIR reads, with roles not names; not other people's", async () => {
    const clinic = await createClinic(app.runtime);
    const me = await createCustomer(app.runtime);
    const other = await createCustomer(app.runtime);
    const doctor = await createStaff(app.runtime, { roles: ["doctor"], name: "dr. Rahasia Nama" });
    const date = addDays(localDateOf(new Date(), "Asia/Jakarta"), 1);
    const startAt = zonedInstant(date, "09:00", "Asia/Jakarta");
    const visit = async (contactId: string, queueNumber: number) =>
      (
        await app.runtime.db
          .insert(appointments)
          .values({ contactId, practitionerId: clinic.doctor.id, serviceId: clinic.service.id, branchId: clinic.branch.id, startAt: new Date(startAt.getTime() + queueNumber * 15 * 60_000), endAt: new Date(startAt.getTime() + (queueNumber + 1) * 15 * 60_000), localDate: date, queueNumber, status: "booked", channel: "frontdesk" })
          .returning()
      )[0];
    const mine = await visit(me.contact.id, 1);
    const theirs = await visit(other.contact.id, 2);
    const t0 = Date.now() - 60_000;
    await app.runtime.db.insert(auditLog).values([
      { at: new Date(t0), actorKind: "staff", actorUserId: doctor.id, action: "appointment.checked_in", entityType: "hospital-appointments.visit", entityId: mine.id, data: { reason: "arrival" } },
      { at: new Date(t0 + 1000), actorKind: "staff", actorUserId: doctor.id, action: "appointment.checked_in", entityType: "hospital-appointments.visit", entityId: theirs.id },
      { at: new Date(t0 + 2000), actorKind: "system", action: "fhir.read", entityType: "api_token", entityId: "00000000-0000-4000-8000-000000000001", data: { resource: `Patient/${me.contact.id}` } },
      { at: new Date(t0 + 3000), actorKind: "system", action: "fhir.read", entityType: "api_token", entityId: "00000000-0000-4000-8000-000000000001", data: { resource: `Patient/${other.contact.id}` } },
      { at: new Date(t0 + 4000), actorKind: "staff", actorUserId: doctor.id, action: "contact.viewed", entityType: "contact", entityId: me.contact.id },
    ]);
    const view = unwrap(await callRoute(app.runtime, portalPage.loader, { path: "/portal/privacy", cookie: me.cookie })).data as View;
    // worked out by hand: three entries are about me (the visit, the FHIR read, the view), newest first
    expect(view.trail.map((e) => [e.action, e.actorKind, e.actorRoles.join(" ")])).toEqual([
      ["contact.viewed", "staff", "doctor"],
      ["fhir.read", "system", ""],
      ["appointment.checked_in", "staff", "doctor"],
    ]);
    expect(view.trail[2].reason).toBe("arrival");

    const files = unzipSync(new Uint8Array(await ((await callRoute(app.runtime, portalExport.loader, { path: "/portal/privacy/export", cookie: me.cookie })) as Response).arrayBuffer()));
    const trailCsv = strFromU8(files["trail.csv"]);
    expect(trailCsv).toContain("appointment.checked_in");
    expect(trailCsv).toContain("fhir.read");
    expect(trailCsv).not.toContain("Rahasia");
    const exported = JSON.parse(strFromU8(files["data.json"])) as { trail: Trail };
    expect(exported.trail.filter((e) => e.action !== "privacy.data.exported")).toHaveLength(3);
    expect(JSON.stringify(exported.trail)).not.toContain(theirs.id);
  });
});
