import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import { installedPlugins } from "../plugins/index.ts";
import { callRoute, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp } from "./support/test-app.ts";
import { portalOf, portalRouteHandlers, portalRouteModules } from "./support/portal-routes.ts";

const anyId = "00000000-0000-4000-8000-000000000000";
const params = { contactId: anyId, partnerId: anyId, ticketId: anyId, taskId: anyId, userId: anyId, id: anyId, segmentId: anyId };

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  runtime = app.runtime;
  cookies.customer = (await createCustomer(runtime)).cookie;
  cookies.partner = (await createPartnerUser(runtime, (await createPartnerOrg(runtime)).id)).cookie;
  cookies.staffWithoutRoles = (await createStaff(runtime, { roles: [] })).cookie;
});
afterAll(() => app.close());

async function statusOf(handler: (args: never) => unknown, file: string, cookie: string | null, method: "GET" | "POST") {
  const portal = portalOf(file);
  const result = await callRoute(runtime, handler as never, {
    path: `/${portal}/${file.split("/").pop()!.replace(/\.tsx?$/, "")}`,
    method,
    cookie,
    params,
    form: method === "POST" ? { intent: "probe" } : undefined,
  });
  if (result instanceof Response) return { status: result.status, location: result.headers.get("Location") ?? "" };
  return { status: 200, location: "" };
}

const modules = portalRouteModules;
const cases = portalRouteHandlers;

describe("every portal route checks who is asking", () => {
  it("found the routes of the core and of every plugin", () => {
    expect(cases.length).toBeGreaterThan(15);
    for (const plugin of ["hospital-appointments", "hospital-referrals", "retail-loyalty", "retail-pos"]) {
      expect(cases.some(([, file]) => file.startsWith(`plugins/${plugin}/routes/`)), plugin).toBe(true);
    }
  });

  it.each(cases)("%s refuses visitors and the other portals' users", async (_name, file, kind) => {
    const handler = modules[file][kind]!;
    const portal = portalOf(file);
    const method = kind === "action" ? "POST" : "GET";
    const others = { staff: ["customer", "partner"], portal: ["partner", "staffWithoutRoles"], partner: ["customer", "staffWithoutRoles"] }[portal];
    for (const who of [null, ...others]) {
      const { status, location } = await statusOf(handler, file, who ? cookies[who] : null, method);
      expect(status, `${who ?? "visitor"} got ${status}`).toBe(302);
      expect(location).toMatch(new RegExp(`^/${portal}/login`));
    }
  });

  it.each(cases.filter(([, file]) => portalOf(file) === "staff" && !file.endsWith("/layout.tsx")))(
    "%s needs a permission a staff member without roles lacks",
    async (_name, file, kind) => {
      const { status } = await statusOf(modules[file][kind]!, file, cookies.staffWithoutRoles, kind === "action" ? "POST" : "GET");
      expect(status).toBe(403);
    },
  );
});

// Sign-in security pages (issue 12): one's own factors, step-up, the second-factor and enrolment
// steps and the passkey endpoint. None may be reached by a visitor or by another portal's user.
import * as accountSecurity from "../app/routes/auth/account-security.tsx";
import * as confirmIdentity from "../app/routes/auth/confirm-identity.tsx";
import * as enrolPage from "../app/routes/auth/enrol.tsx";
import * as passkeyEndpoint from "../app/routes/auth/passkey.ts";
import * as secondFactorPage from "../app/routes/auth/second-factor.tsx";

describe("sign-in security routes check who is asking", () => {
  const pages = [
    ["staff/security", accountSecurity, "staff"],
    ["partner/security", accountSecurity, "partner"],
    ["staff/login/confirm", confirmIdentity, "staff"],
    ["partner/login/confirm", confirmIdentity, "partner"],
    ["staff/login/second-factor", secondFactorPage, "staff"],
    ["partner/login/second-factor", secondFactorPage, "partner"],
    ["staff/login/enrol", enrolPage, "staff"],
  ] as const;
  it.each(pages)("/%s refuses visitors, other portals' users and full sessions where a pending one is needed", async (path, mod, portal) => {
    const others = portal === "staff" ? ["customer", "partner"] : ["customer", "staffWithoutRoles"];
    for (const kind of ["loader", "action"] as const) {
      for (const who of [null, ...others]) {
        const result = await callRoute(runtime, mod[kind] as never, { path: `/${path}`, cookie: who ? cookies[who] : null, form: kind === "action" ? { intent: "probe", code: "123456", password: "x" } : undefined });
        expect(result instanceof Response, `${path} ${kind} ${who ?? "visitor"}`).toBe(true);
        expect((result as Response).status).toBe(302);
        expect((result as Response).headers.get("Location")).toMatch(new RegExp(`^/${portal}/login`));
      }
    }
  });

  it.each(["staff/login/passkey", "staff/security/passkey", "partner/login/passkey", "partner/security/passkey"])("/%s answers 401 to anyone not signed in to it", async (path) => {
    for (const who of [null, "customer", path.startsWith("staff") ? "partner" : "staffWithoutRoles"]) {
      const headers = new Headers({ "Content-Type": "application/json" });
      if (who) headers.set("Cookie", cookies[who]);
      const request = new Request(`http://localhost:3000/${path}`, { method: "POST", headers, body: JSON.stringify({ intent: "register-options" }) });
      const { buildLoadContext } = await import("../app/core/runtime/request-context.server.ts");
      const { context } = await buildLoadContext(runtime, request, { cspNonce: "t", clientIp: "127.0.0.1" });
      const response = (await passkeyEndpoint.action({ request, context: context as never, params: {} })) as Response;
      expect(response.status, `${path} ${who ?? "visitor"}`).toBe(401);
    }
  });
});
