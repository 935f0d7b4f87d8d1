// Every route module of the three portals, the core's and the plugins', including ones added after
// a test was written: the sweeps over who may ask (authorization-sweep) and what may be asked
// (malformed-input-sweep) both walk them. Plugin route files are named by their portal.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

export type RouteModule = { loader?: (args: LoaderFunctionArgs) => unknown; action?: (args: ActionFunctionArgs) => unknown };

const globbed = import.meta.glob<RouteModule>(
  [
    "../../app/routes/staff/*.{ts,tsx}",
    "../../app/routes/portal/*.{ts,tsx}",
    "../../app/routes/partner/*.{ts,tsx}",
    "../../plugins/*/routes/staff.*.{ts,tsx}",
    "../../plugins/*/routes/portal.*.{ts,tsx}",
    "../../plugins/*/routes/partner.*.{ts,tsx}",
  ],
  { eager: true },
);
// pages shared by the customer and partner portals pick their guard from the path: probe both
const requester = import.meta.glob<RouteModule>("../../app/routes/requester/*.tsx", { eager: true });

/** Route modules by file (`app/routes/staff/contacts.tsx`, `plugins/retail-pos/routes/staff.imports.tsx`). */
export const portalRouteModules: Record<string, RouteModule> = Object.fromEntries([
  ...Object.entries(globbed).map(([file, mod]) => [file.replace(/^(\.\.\/)+/, ""), mod] as const),
  ...Object.entries(requester).flatMap(([file, mod]) => {
    const name = file.replace(/^(\.\.\/)+/, "");
    return [[name.replace("/requester/", "/portal/"), mod] as const, [name.replace("/requester/", "/partner/"), mod] as const];
  }),
]);

export function portalOf(file: string): "staff" | "portal" | "partner" {
  return /\/(staff|portal|partner)[./][^/]*$|\/(staff|portal|partner)\//.exec(file)!.slice(1).find(Boolean) as "staff" | "portal" | "partner";
}

/** [name, file, "loader" | "action"] for every handler a module exports. */
export const portalRouteHandlers = Object.entries(portalRouteModules).flatMap(([file, mod]) =>
  (["loader", "action"] as const).filter((k) => typeof mod[k] === "function").map((k) => [`${file.replace("app/routes/", "").replace("plugins/", "")} ${k}`, file, k] as const),
);
