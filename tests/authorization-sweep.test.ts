import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import { callRoute, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp } from "./support/test-app.ts";

// Every route module of the three portals, including ones added after this test was written.
type RouteModule = { loader?: (args: LoaderFunctionArgs) => unknown; action?: (args: ActionFunctionArgs) => unknown };
const modules = import.meta.glob<RouteModule>(["../app/routes/staff/*.tsx", "../app/routes/staff/*.ts", "../app/routes/portal/*.tsx", "../app/routes/partner/*.tsx"], { eager: true });
// pages shared by the customer and partner portals pick their guard from the path: probe both
const requesterModules = import.meta.glob<RouteModule>("../app/routes/requester/*.tsx", { eager: true });
for (const [file, mod] of Object.entries(requesterModules)) {
  modules[file.replace("/requester/", "/portal/")] = mod;
  modules[file.replace("/requester/", "/partner/")] = mod;
}

const anyId = "00000000-0000-4000-8000-000000000000";
const params = { contactId: anyId, partnerId: anyId, ticketId: anyId, taskId: anyId, userId: anyId, id: anyId, segmentId: anyId };

function portalOf(file: string) {
  return file.includes("/staff/") ? "staff" : file.includes("/partner/") ? "partner" : "portal";
}

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  app = await createTestApp();
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

const cases = Object.entries(modules).flatMap(([file, mod]) =>
  (["loader", "action"] as const).filter((k) => typeof mod[k] === "function").map((k) => [`${file.replace("../app/routes/", "")} ${k}`, file, k] as const),
);

describe("every portal route checks who is asking", () => {
  it("found the routes", () => {
    expect(cases.length).toBeGreaterThan(15);
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
