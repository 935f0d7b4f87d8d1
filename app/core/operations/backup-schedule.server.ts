// The scheduled backup: a cron job on the job queue writes one file per run into BACKUP_DIR and
// keeps the newest BACKUP_KEEP of them. pg-boss sends a cron job once however many instances run.
import fs from "node:fs";
import path from "node:path";
import type { DatabaseHandle } from "../../../db/client.ts";
import type { OperationsConfig } from "../config/config.server.ts";
import { backupOpenDatabase } from "./backup.server.ts";
import { recordBackup } from "./operations-figures.server.ts";

export const backupQueue = "core.operations.backup";

const scheduledName = /^nusa-\d{8}T\d{6}Z\.(tar\.gz|dump)$/;

/** "nusa-20261207T190000Z.tar.gz": UTC, so names sort in time order in any zone. */
export function scheduledBackupName(kind: DatabaseHandle["kind"], at: Date) {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `nusa-${stamp}.${kind === "pglite" ? "tar.gz" : "dump"}`;
}

/** Removes scheduled backups beyond the newest `keep`; other files in the folder are left alone. */
export function pruneBackups(dir: string, keep: number): string[] {
  const files = fs
    .readdirSync(dir)
    .filter((name) => scheduledName.test(name))
    .sort()
    .reverse();
  const removed = files.slice(keep);
  for (const name of removed) {
    fs.rmSync(path.join(dir, name), { force: true });
    fs.rmSync(path.join(dir, `${name}.manifest.json`), { force: true });
  }
  return removed;
}

export async function runScheduledBackup(handle: DatabaseHandle, ops: OperationsConfig, now = new Date()) {
  if (!ops.backupDir) return null;
  fs.mkdirSync(ops.backupDir, { recursive: true });
  const file = path.join(ops.backupDir, scheduledBackupName(handle.kind, now));
  // no manifest here: on PGlite reading every table would hold the app's one connection for its duration
  const manifest = await backupOpenDatabase(handle, file, { manifest: false });
  const removed = pruneBackups(ops.backupDir, ops.backupKeep);
  await recordBackup(handle.db, { at: now, file, bytes: manifest.bytes });
  return { file, bytes: manifest.bytes, removed };
}
