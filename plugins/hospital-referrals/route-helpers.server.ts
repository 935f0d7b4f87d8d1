import type { AppLoadContext } from "@remix-run/node";
import type { PluginServices } from "../../app/plugin-api/index.ts";
import { pluginServices } from "../../app/plugin-api/server.ts";

/** The queue and the bus of the running app, as the domain functions take them. */
export function servicesOf(context: AppLoadContext): PluginServices {
  return pluginServices(context.runtime);
}
