// Partner organisations: staff edit and (de)activate them; a deactivated organisation's users are
// refused at sign-in and on every request with a session they already hold.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as login from "../app/routes/auth/login.tsx";
import * as partnerHome from "../app/routes/partner/organisation.tsx";
import * as staffPartner from "../app/routes/staff/partner.tsx";
import * as staffPartners from "../app/routes/staff/partners.tsx";
import { auditLog, partnerOrganisations, sessions, tickets } from "../db/schema/index.ts";
import { callRoute, createPartnerOrg, createPartnerUser, createStaff, createTestApp, signedInCookie, testPassword, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let manager: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  manager = await createStaff(runtime, { roles: ["manager"] });
});
afterAll(() => app.close());

const detailPath = (id: string) => `/staff/partners/${id}`;
const post = (id: string, form: Record<string, string>, cookie = manager.cookie) =>
  callRoute(runtime, staffPartner.action, { path: detailPath(id), cookie, form, params: { partnerId: id } });

async function orgRow(id: string) {
  const [row] = await runtime.db.select().from(partnerOrganisations).where(eq(partnerOrganisations.id, id));
  return row;
}

async function signInAs(email: string) {
  return unwrap(await callRoute(runtime, login.action, { path: "/partner/login", form: { email, password: testPassword, redirectTo: "/partner" } }));
}

describe("editing a partner organisation", () => {
  it("saves name, type and contact details, and audits which fields changed", async () => {
    const org = await createPartnerOrg(runtime, { name: "Klinik Lama", type: "clinic", city: "Depok" });
    const response = (await post(org.id, { intent: "update", name: "Klinik Pratama Sehat", type: "hospital", email: "RUJUKAN@pratama.co.id", phone: "021 555 1234", address: "Jl. Margonda 10", city: "Depok" })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`${detailPath(org.id)}?notice=updated`);
    expect(await orgRow(org.id)).toMatchObject({ name: "Klinik Pratama Sehat", type: "hospital", email: "rujukan@pratama.co.id", phone: "+62215551234", address: "Jl. Margonda 10", code: org.code });
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "partner.updated"), eq(auditLog.entityId, org.id)));
    expect((entry.data as { fields: string[] }).fields.sort()).toEqual(["address", "email", "name", "phone", "type"]);
  });

  it("answers bad input with translated field errors and changes nothing", async () => {
    const org = await createPartnerOrg(runtime, { name: "Klinik Tetap" });
    const result = unwrap(await post(org.id, { intent: "update", name: "K", type: "warung", email: "bukan-email", phone: "123" }));
    expect(result.status).toBe(400);
    const errors = (result.data as { result: { error: Record<string, string[]> } }).result.error;
    expect(errors).toMatchObject({ name: ["validation.tooShort|2"], type: ["validation.choice"], email: ["validation.email"], phone: ["validation.phone"] });
    expect((await orgRow(org.id)).name).toBe("Klinik Tetap");
  });

  it("is refused to staff who may only read partners", async () => {
    const org = await createPartnerOrg(runtime, { name: "Klinik Aman" });
    const agent = await createStaff(runtime, { roles: ["agent"] });
    expect(unwrap(await post(org.id, { intent: "update", name: "Diretas", type: "clinic" }, agent.cookie)).status).toBe(403);
    expect(unwrap(await post(org.id, { intent: "deactivate" }, agent.cookie)).status).toBe(403);
    expect(await orgRow(org.id)).toMatchObject({ name: "Klinik Aman", active: true });
    const partnerUser = await createPartnerUser(runtime, org.id);
    expect(unwrap(await post(org.id, { intent: "deactivate" }, partnerUser.cookie)).status).toBe(302);
    expect((await orgRow(org.id)).active).toBe(true);
  });
});

describe("deactivating a partner organisation", () => {
  it("signs its users out, refuses their old and new sessions and their sign-in, until reactivated", async () => {
    const org = await createPartnerOrg(runtime, { name: "PT Sumber Makmur" });
    const other = await createPartnerOrg(runtime, { name: "Klinik Lain" });
    const member = await createPartnerUser(runtime, org.id);
    const outsider = await createPartnerUser(runtime, other.id);
    expect(unwrap(await callRoute(runtime, partnerHome.loader, { path: "/partner", cookie: member.cookie })).status).toBe(200);

    const response = (await post(org.id, { intent: "deactivate" })) as Response;
    expect(response.headers.get("Location")).toBe(`${detailPath(org.id)}?notice=deactivated`);
    expect((await orgRow(org.id)).active).toBe(false);
    expect(await runtime.db.select().from(sessions).where(eq(sessions.userId, member.id))).toHaveLength(0);

    // the session it had, and one created behind the sign-in form's back, are both refused
    const refused = unwrap(await callRoute(runtime, partnerHome.loader, { path: "/partner", cookie: member.cookie }));
    expect(refused.status).toBe(302);
    expect(refused.headers?.get("Location")).toMatch(/^\/partner\/login/);
    const sneaky = await signedInCookie(runtime, member.id);
    expect(unwrap(await callRoute(runtime, partnerHome.loader, { path: "/partner", cookie: sneaky })).status).toBe(302);

    const denied = await signInAs(member.email);
    expect(denied.status).toBe(400);
    expect((denied.data as { error: Record<string, string[]> }).error[""]).toEqual(["auth:signIn.errors.inactive"]);
    expect(unwrap(await callRoute(runtime, partnerHome.loader, { path: "/partner", cookie: outsider.cookie })).status).toBe(200);

    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "partner.deactivated"), eq(auditLog.entityId, org.id)));
    expect(entry.actorUserId).toBe(manager.id);
    const list = unwrap(await callRoute(runtime, staffPartners.loader, { path: "/staff/partners", cookie: manager.cookie })).data as { partners: { id: string; active: boolean }[] };
    expect(list.partners.find((p) => p.id === org.id)?.active).toBe(false);

    await post(org.id, { intent: "reactivate" });
    expect((await orgRow(org.id)).active).toBe(true);
    const again = (await callRoute(runtime, login.action, { path: "/partner/login", form: { email: member.email, password: testPassword, redirectTo: "/partner" } })) as Response;
    expect(again.status).toBe(302);
    expect(again.headers.get("Location")).toBe("/partner");
  });
});

describe("partner detail page", () => {
  it("shows how many tickets the organisation has and how many are open", async () => {
    const org = await createPartnerOrg(runtime);
    const load = async () =>
      (unwrap(await callRoute(runtime, staffPartner.loader, { path: detailPath(org.id), cookie: manager.cookie, params: { partnerId: org.id } })).data as {
        tickets: { total: number; open: number };
        canReadTickets: boolean;
      });
    expect((await load()).tickets).toEqual({ total: 0, open: 0 });
    const due = new Date(Date.now() + 86_400_000);
    await runtime.db.insert(tickets).values([
      { partnerOrgId: org.id, channel: "partner", category: "service_request", subject: "Rujukan pasien", slaDueAt: due },
      { partnerOrgId: org.id, channel: "partner", category: "billing", subject: "Tagihan", slaDueAt: due, status: "closed" },
    ]);
    expect(await load()).toMatchObject({ tickets: { total: 2, open: 1 }, canReadTickets: true });
  });
});
