// Issue 17: a backup taken while writes go on restores elsewhere with every table's row count and
// contents as they were at the instant of the backup (PGlite; PostgreSQL when TEST_DATABASE_URL is set).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { faker } from "@faker-js/faker";
import { count } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backupOpenDatabase,
  BackupError,
  compareDigests,
  manifestPath,
  restorePglite,
  restorePostgres,
  tableDigests,
} from "../../app/core/operations/backup.server.ts";
import { openPglite } from "../../db/client.ts";
import { seedDemoData } from "../../db/seed/demo.ts";
import { contacts } from "../../db/schema/index.ts";
import { installedPlugins } from "../../plugins/index.ts";
import { createTestApp } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let dir: string;

beforeAll(async () => {
  const t0 = Date.now();
  app = await createTestApp({ plugins: installedPlugins });
  expect(await seedDemoData(app.runtime)).toBe(true);
  console.info(`demo data in ${Date.now() - t0} ms`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nusa-backup-"));
}, 180_000);
afterAll(async () => {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Inserts contacts one after another until stopped (bounded: 5,000 rows or two minutes). */
function startWriter() {
  let stop = false;
  let written = 0;
  const until = Date.now() + 120_000;
  const done = (async () => {
    while (!stop && written < 5000 && Date.now() < until) {
      await app.runtime.db.insert(contacts).values({ fullName: faker.person.fullName(), email: faker.internet.email().toLowerCase() });
      written++;
      // an in-memory PGlite answers in microtasks: yield so timers (and the backup) get their turn
      await new Promise((r) => setImmediate(r));
    }
  })();
  let running = true;
  void done.finally(() => (running = false));
  return {
    written: () => written,
    running: () => running,
    async stop() {
      stop = true;
      await done;
      return written;
    },
  };
}

async function contactCount() {
  const [row] = await app.runtime.db.select({ n: count() }).from(contacts);
  return Number(row.n);
}

async function backupUnderLoad(file: string) {
  const writer = startWriter();
  while (writer.written() < 20 && writer.running()) await new Promise((r) => setTimeout(r, 5));
  const before = writer.written();
  const started = Date.now();
  const manifest = await backupOpenDatabase(app.runtime.database, file, { manifest: true });
  console.info(`backup of ${manifest.bytes} bytes took ${Date.now() - started} ms; written before ${before}, when done ${writer.written()}`);
  // writes kept going after the backup: the restored copy must not have them
  const stopAt = writer.written() + 20;
  while (writer.written() < stopAt && writer.running()) await new Promise((r) => setTimeout(r, 5));
  const total = await writer.stop();
  console.info(`writer wrote ${total} rows in all`);
  expect(before).toBeGreaterThan(0);
  return manifest;
}

describe.runIf(!process.env.TEST_DATABASE_URL)("PGlite backup and restore", { timeout: 180_000 }, () => {
  it("restores into another folder exactly what was there when the backup was taken", async () => {
    const file = path.join(dir, "nusa.tar.gz");
    const manifest = await backupUnderLoad(file);
    expect(manifest.format).toBe("pglite-tar-gz");
    expect(fs.existsSync(manifestPath(file))).toBe(true);
    const contactRows = manifest.tables.find((t) => t.table === "public.contacts")!.rows;
    // the demo data and some of the writes are in; the writes after it are not
    expect(contactRows).toBeGreaterThan(20);
    expect(await contactCount()).toBeGreaterThanOrEqual(contactRows + 20);
    expect(manifest.tables.length).toBeGreaterThan(40);
    expect(manifest.tables.filter((t) => t.rows > 0).length).toBeGreaterThan(15);

    const target = path.join(dir, "restored", "pglite");
    const result = await restorePglite(file, target, { force: false });
    expect(result.verified).toBe(manifest.tables.length);

    // compared again here, independently of the restore's own check
    const restored = await openPglite({ dataDir: target });
    try {
      const digests = await tableDigests(async (text) => (await restored.pglite!.query<Record<string, unknown>>(text)).rows);
      expect(compareDigests(manifest.tables, digests)).toEqual([]);
      expect(digests.find((t) => t.table === "public.contacts")!.rows).toBe(contactRows);
    } finally {
      await restored.close();
    }

    // a non-empty folder is refused, and replaced (the old one kept aside) only when told to
    await expect(restorePglite(file, target, { force: false })).rejects.toThrow(/not empty.*--force/);
    const forced = await restorePglite(file, target, { force: true });
    expect(forced.movedAside && fs.existsSync(forced.movedAside)).toBe(true);
    expect(forced.verified).toBe(manifest.tables.length);
  });

  it("refuses a file that is not a backup", async () => {
    const junk = path.join(dir, "junk.bin");
    fs.writeFileSync(junk, "hello");
    await expect(restorePglite(junk, path.join(dir, "never"), { force: false })).rejects.toBeInstanceOf(BackupError);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("PostgreSQL backup and restore", { timeout: 180_000 }, () => {
  it("pg_dump under load restores into another database with every table as it was", async () => {
    const file = path.join(dir, "nusa.dump");
    const manifest = await backupUnderLoad(file);
    expect(manifest.format).toBe("pg-custom");
    const contactRows = manifest.tables.find((t) => t.table === "public.contacts")!.rows;
    expect(await contactCount()).toBeGreaterThanOrEqual(contactRows + 20);

    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    const name = `nusa_restore_${process.pid}_${Date.now()}`;
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    try {
      const result = await restorePostgres(file, url.toString(), { force: false });
      expect(result.verified).toBe(manifest.tables.length);
      const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        const digests = await tableDigests(async (text) => [...(await client.unsafe(text))]);
        expect(compareDigests(manifest.tables, digests)).toEqual([]);
      } finally {
        await client.end();
      }
      await expect(restorePostgres(file, url.toString(), { force: false })).rejects.toThrow(/not empty|tables: restore into an empty/);
      const forced = await restorePostgres(file, url.toString(), { force: true });
      expect(forced.verified).toBe(manifest.tables.length);
    } finally {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });
});
