import type { AppRuntime } from "../runtime/runtime.server.ts";
import type { PluginServices } from "./contract.ts";

/** What plugin code may use of the runtime (jobs, events, the public origin): in handlers, jobs, routes and tests alike. */
export function pluginServices(runtime: Pick<AppRuntime, "jobs" | "bus" | "config">): PluginServices {
  return {
    jobs: runtime.jobs,
    emit: (db, event, payload) => runtime.bus.emit(db, event, payload),
    emitMany: (db, event, payloads) => runtime.bus.emitMany(db, event, payloads),
    appOrigin: runtime.config.appOrigin,
  };
}
