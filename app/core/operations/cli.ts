// The operator's commands (issue 17), run with tsx:
//   npm run backup -- --out FILE [--no-manifest]
//   npm run restore -- FILE [--force]
//   npm run db:migrate
// They read the same environment as the app (DATABASE_URL, DATA_DIR). On the embedded database a
// running app holds the folder: backup then asks that app for the dump (backup-control.server.ts),
// and restore refuses until it is stopped.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, openPglite } from "../../../db/client.ts";
import { MigrationError } from "../../../db/migrator.ts";
import { ConfigError, loadConfig, type AppConfig } from "../config/config.server.ts";
import { liveHolder, requestLiveBackup } from "./backup-control.server.ts";
import {
  backupOpenDatabase,
  BackupError,
  dumpPostgres,
  finishBackupFile,
  restorePglite,
  restorePostgres,
  tempNameFor,
  type BackupManifest,
} from "./backup.server.ts";
import { recordBackup } from "./operations-figures.server.ts";

const usage = `Usage:
  npm run backup -- --out FILE [--no-manifest]
  npm run restore -- FILE [--force]
  npm run db:migrate`;

async function backup(config: AppConfig, out: string, withManifest: boolean): Promise<BackupManifest> {
  const file = path.resolve(out);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (config.databaseUrl) {
    const tmp = tempNameFor(file);
    try {
      const tables = await dumpPostgres(config.databaseUrl, tmp, { digest: withManifest });
      const manifest = await finishBackupFile(tmp, file, "pg-custom", tables, { manifest: withManifest });
      const handle = await openDatabase(config);
      await recordBackup(handle.db, { at: new Date(manifest.takenAt), file, bytes: manifest.bytes }).finally(() => handle.close());
      return manifest;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  if (liveHolder(config.dataDir)) {
    // the running app takes the dump (and records it); this process only writes the file
    const { data, tables } = await requestLiveBackup(config.dataDir, { digest: withManifest });
    const tmp = tempNameFor(file);
    fs.writeFileSync(tmp, data);
    return finishBackupFile(tmp, file, "pglite-tar-gz", tables, { manifest: withManifest });
  }
  if (!fs.existsSync(config.dataDir)) throw new BackupError(`there is no embedded database in ${config.dataDir} (set DATA_DIR or DATABASE_URL)`);
  const handle = await openPglite({ dataDir: config.dataDir });
  try {
    const manifest = await backupOpenDatabase(handle, file, { manifest: withManifest });
    await recordBackup(handle.db, { at: new Date(manifest.takenAt), file, bytes: manifest.bytes });
    return manifest;
  } finally {
    await handle.close();
  }
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const config = loadConfig();
  if (command === "backup") {
    const { values } = parseArgs({ args: rest, options: { out: { type: "string" }, "no-manifest": { type: "boolean" } } });
    if (!values.out) throw new BackupError(`--out FILE is required\n${usage}`);
    const manifest = await backup(config, values.out, !values["no-manifest"]);
    const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
    console.log(
      `Backup written: ${path.resolve(values.out)} (${manifest.bytes} bytes, ${manifest.format}` +
        (manifest.tables.length ? `, ${manifest.tables.length} tables, ${rows} rows in the manifest)` : ")"),
    );
    return;
  }
  if (command === "restore") {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { force: { type: "boolean" } } });
    const file = positionals[0];
    if (!file || !fs.existsSync(file)) throw new BackupError(`a backup file is required\n${usage}`);
    const force = Boolean(values.force);
    const result = config.databaseUrl ? await restorePostgres(file, config.databaseUrl, { force }) : await restorePglite(file, config.dataDir, { force });
    console.log(`Restored ${file} into ${config.databaseUrl ? "the database of DATABASE_URL" : config.dataDir}.`);
    if (result.movedAside) console.log(`The previous data folder was kept at ${result.movedAside}.`);
    console.log(result.verified === null ? "No manifest next to the backup: contents not verified." : `Verified: ${result.verified} tables match the backup's manifest.`);
    return;
  }
  if (command === "migrate") {
    // --folder: another migrations folder (tests; trying an upgrade's migrations on a restored copy)
    const { values } = parseArgs({ args: rest, options: { folder: { type: "string" } } });
    const handle = await openDatabase(config);
    try {
      const applied = await handle.migrate(values.folder ? path.resolve(values.folder) : undefined);
      console.log(applied.length ? `Applied ${applied.length} migrations: ${applied.join(", ")}` : "The database is up to date.");
    } finally {
      await handle.close();
    }
    return;
  }
  throw new BackupError(usage);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    const known = error instanceof BackupError || error instanceof ConfigError || error instanceof MigrationError;
    console.error(known ? (error as Error).message : error);
    process.exit(1);
  },
);
