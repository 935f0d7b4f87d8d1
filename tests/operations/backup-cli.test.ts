// Issue 17: `npm run backup` while the app runs on PGlite (the app takes the dump), the scheduled
// backup keeping the last N, and `npm run db:migrate` exiting non-zero with the migration's name.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlFileOf, liveHolder, requestLiveBackup, startBackupControl } from "../../app/core/operations/backup-control.server.ts";
import { compareDigests, finishBackupFile, restorePglite, tempNameFor } from "../../app/core/operations/backup.server.ts";
import { pruneBackups, runScheduledBackup, scheduledBackupName } from "../../app/core/operations/backup-schedule.server.ts";
import { backupFigure } from "../../app/core/operations/operations-figures.server.ts";
import { createLogger } from "../../app/core/logging/logger.server.ts";
import { migrationsFolder, openPglite, type DatabaseHandle } from "../../db/client.ts";
import { createTestDatabase } from "../support/test-database.ts";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nusa-ops-cli-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.runIf(!process.env.TEST_DATABASE_URL)("backup while the app holds the embedded database", () => {
  it("asks the running app for the dump over its loopback endpoint, with a token", async () => {
    const dataDir = path.join(dir, "live", "pglite");
    const handle = await openPglite({ dataDir }); // holds the folder, as the running app does
    const stop = await startBackupControl({ handle, dataDir, logger: createLogger({ level: "silent" }) });
    try {
      await handle.migrate();
      await handle.pglite!.exec("insert into branches (code, name, kind, time_zone) values ('LIVE-1', 'Cabang Uji', 'store', 'Asia/Jakarta')");
      expect(liveHolder(dataDir)).toBe(process.pid);
      expect((fs.statSync(controlFileOf(dataDir)).mode & 0o777).toString(8)).toBe("600");
      const control = JSON.parse(fs.readFileSync(controlFileOf(dataDir), "utf8")) as { port: number };
      // without the token: refused
      expect((await fetch(`http://127.0.0.1:${control.port}/backup`, { method: "POST" })).status).toBe(401);

      const { data, tables } = await requestLiveBackup(dataDir, { digest: true });
      const file = path.join(dir, "live.tar.gz");
      fs.writeFileSync(tempNameFor(file), data);
      await finishBackupFile(tempNameFor(file), file, "pglite-tar-gz", tables, { manifest: true });
      expect(tables.find((t) => t.table === "public.branches")!.rows).toBe(1);

      const restored = await restorePglite(file, path.join(dir, "restored-live"), { force: false });
      expect(restored.verified).toBe(tables.length);
      // the app remembered the backup for the status page and the alert
      expect((await backupFigure(handle.db, { backupDir: dir, backupMaxAgeHours: 26 } as never, new Date())).lastBytes).toBe(data.length);
    } finally {
      await stop();
      await handle.close();
    }
    expect(fs.existsSync(controlFileOf(dataDir))).toBe(false);
  }, 240_000);
});

describe("scheduled backup", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => handle.close());

  it("writes a dated file, keeps the newest BACKUP_KEEP and records the last one", { timeout: 120_000 }, async () => {
    const backupDir = path.join(dir, "scheduled");
    fs.mkdirSync(backupDir, { recursive: true });
    fs.writeFileSync(path.join(backupDir, "keep-me.txt"), "not a backup");
    const ops = { backupDir, backupKeep: 2, backupCron: "0 19 * * *", backupMaxAgeHours: 26, metricsToken: null, alertQueueMinutes: 15, alertEventLagMinutes: 15, alertChannelFailures: 5 };
    const days = [4, 5, 6].map((d) => new Date(Date.UTC(2026, 11, d, 19, 0, 0)));
    const results = [];
    for (const at of days) results.push(await runScheduledBackup(handle, ops, at));
    const ext = handle.kind === "pglite" ? "tar.gz" : "dump";
    expect(scheduledBackupName(handle.kind, days[0])).toBe(`nusa-20261204T190000Z.${ext}`);
    expect(fs.readdirSync(backupDir).sort()).toEqual(["keep-me.txt", `nusa-20261205T190000Z.${ext}`, `nusa-20261206T190000Z.${ext}`]);
    expect(results[2]!.removed).toEqual([`nusa-20261204T190000Z.${ext}`]);
    const figure = await backupFigure(handle.db, ops, new Date(Date.UTC(2026, 11, 7, 1, 0, 0)));
    expect(figure.lastAt?.toISOString()).toBe("2026-12-06T19:00:00.000Z");
    expect(figure.ageHours).toBe(6);
    expect(pruneBackups(backupDir, 5)).toEqual([]);
  });
});

describe.runIf(!process.env.TEST_DATABASE_URL)("npm run db:migrate", () => {
  it("exits non-zero naming the failing migration and its error, leaving the database as it was", () => {
    const folder = path.join(dir, "migrations");
    fs.cpSync(migrationsFolder, folder, { recursive: true });
    const journalFile = path.join(folder, "meta", "_journal.json");
    const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { idx: number; when: number; tag: string }[] };
    journal.entries.push({ ...journal.entries.at(-1)!, idx: journal.entries.length, when: journal.entries.at(-1)!.when + 1000, tag: "9100_broken" });
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    fs.writeFileSync(path.join(folder, "9100_broken.sql"), "CREATE TABLE ops_cli_probe (id int);--> statement-breakpoint\nSELECT 1/0;");
    const env = { ...process.env, DATA_DIR: path.join(dir, "cli-db", "pglite"), DATABASE_URL: "", LOG_LEVEL: "silent" };
    const cli = path.resolve("app/core/operations/cli.ts");
    const broken = spawnSync(process.execPath, ["--import", "tsx", cli, "migrate", "--folder", folder], { env, encoding: "utf8", timeout: 120_000 });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("Migration 9100_broken.sql failed, nothing was changed: division by zero");
    // nothing of it stayed: the real migrations then apply from scratch
    const ok = spawnSync(process.execPath, ["--import", "tsx", cli, "migrate"], { env, encoding: "utf8", timeout: 120_000 });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^Applied \d+ migrations: 0000_extensions\.sql/);
  }, 240_000);
});

// a manifest mismatch is reported table by table
describe("manifest comparison", () => {
  it("names missing, extra and changed tables", () => {
    const problems = compareDigests(
      [
        { table: "public.a", rows: 2, checksum: "x" },
        { table: "public.b", rows: 1, checksum: "y" },
        { table: "public.c", rows: 1, checksum: "z" },
      ],
      [
        { table: "public.a", rows: 3, checksum: "x" },
        { table: "public.b", rows: 1, checksum: "other" },
        { table: "public.d", rows: 0, checksum: "" },
      ],
    );
    expect(problems).toEqual(["public.a: 3 rows, expected 2", "public.b: contents differ", "public.c: missing", "public.d: not in the backup"]);
  });
});
