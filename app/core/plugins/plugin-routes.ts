import { route, type RouteConfigEntry } from "@remix-run/route-config";
import type { InstalledPlugin, Portal } from "./contract.ts";

/** Route config entries for the plugins' routes of one portal, files relative to app/. */
export function pluginRoutes(plugins: InstalledPlugin[], portal: Portal, pluginsDir = "../plugins"): RouteConfigEntry[] {
  return plugins.flatMap((plugin) =>
    (plugin.manifest.routes ?? [])
      .filter((r) => r.portal === portal)
      .map((r) =>
        route(portal === "api" ? `api/${r.path}` : r.path, `${pluginsDir}/${plugin.manifest.id}/${r.file}`, {
          id: `plugin:${plugin.manifest.id}:${r.portal}:${r.path}`,
        }),
      ),
  );
}
