// No input, however malformed, produces a 500: every loader and action of the three portals, the
// core's and the plugins', called by a signed-in user of its portal (staff: an admin, who passes
// every permission check and so reaches the parsing) with mangled route parameters, query strings
// and form fields. Each must answer with a page, a redirect or a 4xx, never a 5xx or a throw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedPlugins } from "../plugins/index.ts";
import { portalOf, portalRouteHandlers, portalRouteModules } from "./support/portal-routes.ts";
import { callRoute, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

const modules = portalRouteModules;

// what people and scripts send by mistake or on purpose: not-quite ids, impossible dates, huge and odd text
const junk = ["-".repeat(36), "00000000-0000-0000-0000-00000000000g", "2026-02-30", "0000-01-01", "-1", "1e309", "x".repeat(3000), "' or 1=1 --", "a_b", "{}"];
const queryKeys = ["before", "after", "cursor", "from", "to", "range", "date", "day", "month", "months", "year", "q", "branch", "store", "format", "split", "dimension", "page", "status", "sort", "tab", "show", "merged", "kind", "channel", "period", "groupBy", "preset", "compare", "id", "contact", "partner", "doctor", "service"];
const formKeys = ["id", "contactId", "userId", "date", "time", "startAt", "dueAt", "note", "email", "phone", "amount", "points", "status", "name", "code", "expiresOn", "from", "to", "threshold", "recipients"];
const intents = ["probe", "", "delete", "save", "create", "update", "cancel"];

let app: Awaited<ReturnType<typeof createTestApp>>;
const cookies: Record<"staff" | "portal" | "partner", string> = { staff: "", portal: "", partner: "" };
beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  cookies.staff = (await createStaff(app.runtime, { roles: ["admin"] })).cookie;
  cookies.portal = (await createCustomer(app.runtime)).cookie;
  cookies.partner = (await createPartnerUser(app.runtime, (await createPartnerOrg(app.runtime)).id)).cookie;
});
afterAll(() => app.close());

/** Route parameters of any name, all one junk value. */
const paramsOf = (value: string) => new Proxy({}, { get: (_target, key) => (typeof key === "string" ? value : undefined) }) as Record<string, string>;

async function statusOf(handler: (args: never) => unknown, input: Parameters<typeof callRoute>[2]) {
  try {
    return unwrap(await callRoute(app.runtime, handler as never, input)).status;
  } catch (error) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 160)}` : String(error)}`;
  }
}

const cases = portalRouteHandlers;

describe("malformed input", () => {
  it("reaches the routes of the core and of every plugin", () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases)("%s answers it without a 5xx", async (_name, file, kind) => {
    const handler = modules[file][kind]!;
    const portal = portalOf(file);
    const base = `/${portal}/${file.split("/").pop()!.replace(/\.tsx?$/, "").replace(/^(staff|portal|partner)\./, "")}`;
    const failures: string[] = [];
    for (const value of junk) {
      const query = new URLSearchParams(queryKeys.map((k) => [k, value])).toString();
      const input = { path: `${base}?${query}`, cookie: cookies[portal], params: paramsOf(value) };
      if (kind === "loader") {
        const status = await statusOf(handler, input);
        if (typeof status !== "number" || status >= 500) failures.push(`GET ${value.slice(0, 20)}: ${status}`);
      } else {
        for (const intent of intents) {
          const form = { intent, ...Object.fromEntries(formKeys.map((k) => [k, value])) };
          const status = await statusOf(handler, { ...input, method: "POST", form });
          if (typeof status !== "number" || status >= 500) failures.push(`POST intent=${intent} ${value.slice(0, 20)}: ${status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
