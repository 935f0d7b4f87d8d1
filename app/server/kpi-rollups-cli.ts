// npm run kpi:rebuild — recomputes every KPI rollup from the records (ADR 021). The job keeps them
// current minute by minute; this is for after an upgrade that changed a KPI's SQL, or to check.
// Reads DATABASE_URL / DATA_DIR like the app. On the embedded database stop the app first (one
// process may hold its folder).
import { openDatabase } from "../../db/client.ts";
import { loadConfig } from "../core/config/config.server.ts";
import { PluginRegistry } from "../core/plugins/registry.server.ts";
import { refreshKpiRollups } from "../core/reports/kpi-rollup.server.ts";
import { allKpis } from "../core/reports/kpis.server.ts";
import { installedPlugins } from "../../plugins/index.ts";

async function main() {
  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    const registry = await PluginRegistry.load(installedPlugins);
    const result = await refreshKpiRollups(handle.db, allKpis(registry), { rebuild: true });
    console.log(`KPI rollups rebuilt in ${(result.ms / 1000).toFixed(1)} s.`);
  } finally {
    await handle.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
