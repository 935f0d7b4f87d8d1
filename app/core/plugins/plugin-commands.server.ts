// Synchronous requests between plugins through the core: the caller names a command, the core
// finds the enabled plugin that offers it and runs it with the same context as an event handler.
// A name has at most one provider: PluginRegistry.load refuses two plugins offering the same name.
import type { Database } from "../../../db/client.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { pluginServices } from "./plugin-services.server.ts";

export type CommandResult = { ok: true; result: unknown } | { ok: false; reason: "unavailable" };

/** Runs a command offered by another enabled plugin; `unavailable` when none offers it (or it is disabled). */
export async function callCommand(runtime: Pick<AppRuntime, "db" | "registry" | "logger" | "jobs" | "bus" | "config">, name: string, input: unknown, options: { db?: Database } = {}): Promise<CommandResult> {
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const provider = runtime.registry.commandProvider(name, enabled);
  if (!provider) return { ok: false, reason: "unavailable" };
  const result = await provider.run(input, {
    db: options.db ?? runtime.db,
    logger: runtime.logger.child({ plugin: provider.pluginId, command: name }),
    services: pluginServices(runtime),
  });
  return { ok: true, result };
}
