import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../tests/support/test-database.ts";
import { migrationsFolder, openPostgres, rowsOf, type DatabaseHandle } from "./client.ts";
import { MigrationError, readMigrations } from "./migrator.ts";

const journalCount = readMigrations(migrationsFolder).length;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the real migrations folder with extra migrations appended to its journal. */
function folderWith(extra: { tag: string; sql: string }[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nusa-migrations-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { idx: number; when: number; tag: string }[] };
  let when = journal.entries.at(-1)!.when;
  for (const migration of extra) {
    when += 1000;
    journal.entries.push({ ...journal.entries.at(-1)!, idx: journal.entries.length, when, tag: migration.tag });
    fs.writeFileSync(path.join(dir, `${migration.tag}.sql`), migration.sql);
  }
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

async function count(handle: DatabaseHandle) {
  const [row] = await handle.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(row.n);
}

async function tableExists(handle: DatabaseHandle, name: string) {
  const [row] = await handle.rows<{ t: string | null }>(sql`select to_regclass(${name})::text as t`);
  return row.t !== null;
}

describe("a migration that fails", () => {
  it("leaves the database as it was and names the file and the error", async () => {
    const handle = await createTestDatabase();
    cleanups.push(() => handle.close());
    expect(await count(handle)).toBe(journalCount);
    const folder = folderWith([
      { tag: "9001_probe", sql: "CREATE TABLE ops_probe (id integer primary key);--> statement-breakpoint\nINSERT INTO ops_probe VALUES (1);" },
      { tag: "9002_broken", sql: "ALTER TABLE contacts ADD COLUMN ops_note text;--> statement-breakpoint\nALTER TABLE no_such_table ADD COLUMN x int;" },
    ]);
    const failure = await handle.migrate(folder).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).file).toBe("9002_broken.sql");
    expect((failure as Error).message).toContain("9002_broken.sql");
    expect((failure as Error).message).toMatch(/relation "no_such_table" does not exist/);
    // neither the migration before it nor the first statement of the broken one stayed
    expect(await tableExists(handle, "ops_probe")).toBe(false);
    const columns = await handle.rows<{ c: string }>(sql`select column_name as c from information_schema.columns where table_name = 'contacts' and column_name = 'ops_note'`);
    expect(columns).toHaveLength(0);
    expect(await count(handle)).toBe(journalCount);

    // fixed, the same upgrade goes through and a second run has nothing left to do
    fs.writeFileSync(path.join(folder, "9002_broken.sql"), "ALTER TABLE contacts ADD COLUMN ops_note text;");
    expect(await handle.migrate(folder)).toEqual(["9001_probe.sql", "9002_broken.sql"]);
    expect(await handle.migrate(folder)).toEqual([]);
    expect(await tableExists(handle, "ops_probe")).toBe(true);
    expect(await count(handle)).toBe(journalCount + 2);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("two processes starting at once (PostgreSQL)", () => {
  it("migrate once: one applies everything, the other waits and finds nothing to do", async () => {
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    const name = `nusa_migrate_race_${process.pid}_${Date.now()}`;
    await admin.unsafe(`create database "${name}"`);
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    });
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    const a = await openPostgres(url.toString(), { max: 2 });
    const b = await openPostgres(url.toString(), { max: 2 });
    cleanups.push(() => a.close(), () => b.close());
    const [first, second] = await Promise.all([a.migrate(), b.migrate()]);
    const lengths = [first.length, second.length].sort((x, y) => x - y);
    expect(lengths).toEqual([0, journalCount]);
    const rows = rowsOf<{ n: number }>(await a.db.execute(sql`select count(*)::int as n, count(distinct hash)::int as d from drizzle.__drizzle_migrations`));
    expect(Number(rows[0].n)).toBe(journalCount);
  });
});
