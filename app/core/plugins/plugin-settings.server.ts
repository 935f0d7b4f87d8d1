import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { pluginStates } from "../../../db/schema/index.ts";

/** A plugin's saved settings, read where no registry is at hand (jobs, handlers); empty when none were saved. */
export async function pluginSettings(db: Database, pluginId: string): Promise<Record<string, unknown>> {
  const [row] = await db.select({ settings: pluginStates.settings }).from(pluginStates).where(eq(pluginStates.pluginId, pluginId));
  return row?.settings ?? {};
}
