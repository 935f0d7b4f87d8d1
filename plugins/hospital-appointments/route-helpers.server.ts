import type { AppLoadContext } from "@remix-run/node";
import type { PluginServices } from "../../app/plugin-api/index.ts";

/** The queue and the bus of the running app, as the domain functions take them. */
export function servicesOf(context: AppLoadContext): PluginServices {
  const { runtime } = context;
  return { jobs: runtime.jobs, emit: (db, name, payload) => runtime.bus.emit(db, name, payload), appOrigin: runtime.config.appOrigin };
}
