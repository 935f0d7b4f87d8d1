// The API token admin page: only admins (core.settings.manage) create, list and revoke tokens; the
// secret is shown once and only its hash is stored; everything is audited.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken, hashSecret, requireApiToken } from "../../app/core/api-tokens/api-tokens.server.ts";
import { scopeAllows } from "../../app/core/api-tokens/scopes.ts";
import * as instanceRoute from "../../app/routes/fhir/instance.ts";
import * as page from "../../app/routes/staff/settings.api-tokens.tsx";
import { apiTokens, auditLog, contactIdentifiers } from "../../db/schema/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments] });
  admin = await createStaff(app.runtime, { roles: ["admin"] });
});
afterAll(() => app.close());

const path = "/staff/settings/api-tokens";

describe("scopes", () => {
  it("system/*.read covers every type; a type scope only its type; nothing covers writes", () => {
    expect(scopeAllows(["system/*.read"], "system/Appointment.read")).toBe(true);
    expect(scopeAllows(["system/Patient.read"], "system/Patient.read")).toBe(true);
    expect(scopeAllows(["system/Patient.read"], "system/Appointment.read")).toBe(false);
    expect(scopeAllows(["system/*.read"], "system/Patient.write")).toBe(false);
    expect(scopeAllows(["patient/*.read"], "system/Patient.read")).toBe(false);
  });
});

describe("requireApiToken (for plugins' own machine APIs)", () => {
  it("returns the token holding the scope, and throws 401/403 JSON with a Bearer challenge otherwise", async () => {
    const created = await createApiToken(app.runtime.db, { kind: "system" }, { name: "Mesin uji", scopes: ["system/Appointment.read"] });
    if (!created.ok) throw new Error(created.error);
    const request = (secret?: string) => new Request("http://localhost:3000/api/x", { headers: secret ? { Authorization: `Bearer ${secret}` } : {} });
    const token = await requireApiToken(request(created.secret), app.runtime.db, "system/Appointment.read");
    expect(token).toMatchObject({ id: created.token.id, scopes: ["system/Appointment.read"] });
    const refusal = async (req: Request, scope: string) => {
      try {
        await requireApiToken(req, app.runtime.db, scope);
      } catch (thrown) {
        return thrown as Response;
      }
      throw new Error("not refused");
    };
    const missing = await refusal(request(), "system/Appointment.read");
    expect([missing.status, (await missing.json()).error, missing.headers.get("WWW-Authenticate")]).toEqual([401, "missing", 'Bearer realm="nusa-crm"']);
    const forbidden = await refusal(request(created.secret), "system/Patient.read");
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
  });

  it("refuses to create a token with a malformed scope", async () => {
    expect(await createApiToken(app.runtime.db, { kind: "system" }, { name: "Salah", scopes: ["user/*.*"] })).toEqual({ ok: false, error: "invalidScope" });
    expect(await createApiToken(app.runtime.db, { kind: "system" }, { name: "Kosong", scopes: [] })).toEqual({ ok: false, error: "invalidScope" });
  });
});

describe("/staff/settings/api-tokens", () => {
  it("is refused to staff without the settings permission, and to signed-out visitors", async () => {
    const agent = await createStaff(app.runtime, { roles: ["agent"] });
    expect(unwrap(await callRoute(app.runtime, page.loader, { path, cookie: agent.cookie })).status).toBe(403);
    const posted = unwrap(await callRoute(app.runtime, page.action, { path, cookie: agent.cookie, form: { intent: "create", name: "Curian", scopes: "system/*.read" } }));
    expect(posted.status).toBe(403);
    expect(await app.runtime.db.select().from(apiTokens).where(eq(apiTokens.name, "Curian"))).toHaveLength(0);
    const visitor = unwrap(await callRoute(app.runtime, page.loader, { path }));
    expect(visitor.status).toBe(302);
  });

  it("creates a token whose secret is shown once and stored only as a hash; it then reads the API", async () => {
    const result = unwrap(await callRoute(app.runtime, page.action, { path, cookie: admin.cookie, form: { intent: "create", name: "Integrasi SATUSEHAT", scopes: "system/Patient.read" } }));
    expect(result.status).toBe(200);
    const secret = (result.data as { secret: { value: string } }).secret.value;
    expect(secret).toMatch(/^nusa_[A-Za-z0-9_-]{40,}$/);
    const [row] = await app.runtime.db.select().from(apiTokens).where(eq(apiTokens.name, "Integrasi SATUSEHAT"));
    expect(row.secretHash).toBe(hashSecret(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.scopes).toEqual(["system/Patient.read"]);
    expect(row.createdBy).toBe(admin.id);

    const list = unwrap(await callRoute(app.runtime, page.loader, { path, cookie: admin.cookie })).data as { tokens: { id: string; prefix: string; state: string }[]; scopes: string[] };
    const listed = list.tokens.find((t) => t.id === row.id)!;
    expect(listed.state).toBe("active");
    expect(secret.startsWith(listed.prefix)).toBe(true);
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(list.scopes).toEqual(expect.arrayContaining(["system/*.read", "system/Patient.read", "system/Appointment.read"]));

    const contact = await createContact(app.runtime);
    // a patient here (a medical record number): FHIR serves no shopper-only contact
    await app.runtime.db.insert(contactIdentifiers).values({ contactId: contact.id, system: "external", value: `RM-${contact.id.slice(0, 8)}` });
    const read = (await callRoute(app.runtime, instanceRoute.loader, { path: `/fhir/r4/Patient/${contact.id}`, headers: { Authorization: `Bearer ${secret}` }, params: { type: "Patient", id: contact.id } })) as Response;
    expect(read.status).toBe(200);

    // revoking stops it at once
    const revoked = unwrap(await callRoute(app.runtime, page.action, { path, cookie: admin.cookie, form: { intent: "revoke", id: row.id } }));
    expect(revoked.status).toBe(302);
    const again = (await callRoute(app.runtime, instanceRoute.loader, { path: `/fhir/r4/Patient/${contact.id}`, headers: { Authorization: `Bearer ${secret}` }, params: { type: "Patient", id: contact.id } })) as Response;
    expect(again.status).toBe(401);
    const after = unwrap(await callRoute(app.runtime, page.loader, { path, cookie: admin.cookie })).data as { tokens: { id: string; state: string }[] };
    expect(after.tokens.find((t) => t.id === row.id)!.state).toBe("revoked");

    const entries = (await app.runtime.db.select().from(auditLog).where(eq(auditLog.entityId, row.id))).filter((e) => e.action.startsWith("api_token."));
    expect(entries.map((e) => e.action).sort()).toEqual(["api_token.created", "api_token.revoked"]);
    expect(entries.every((e) => e.actorUserId === admin.id)).toBe(true);
  });

  it("refuses bad input with translated errors and creates nothing", async () => {
    const before = (await app.runtime.db.select().from(apiTokens)).length;
    const cases: Record<string, string>[] = [
      { intent: "create", name: "Tanpa cakupan" },
      { intent: "create", name: "Tulis", scopes: "system/Patient.write" },
      { intent: "create", name: "Jenis asing", scopes: "system/Observation.read" },
      { intent: "create", name: "Kedaluwarsa", scopes: "system/*.read", expiresOn: "2020-01-01" },
      { intent: "create", name: "", scopes: "system/*.read" },
    ];
    for (const form of cases) {
      const result = unwrap(await callRoute(app.runtime, page.action, { path, cookie: admin.cookie, form }));
      expect(result.status, JSON.stringify(form)).toBe(400);
      expect((result.data as { secret: unknown }).secret).toBeNull();
    }
    const revokeMissing = unwrap(await callRoute(app.runtime, page.action, { path, cookie: admin.cookie, form: { intent: "revoke", id: "00000000-0000-4000-8000-000000000000" } }));
    expect(revokeMissing.status).toBe(404);
    expect((await app.runtime.db.select().from(apiTokens)).length).toBe(before);
  });
});
