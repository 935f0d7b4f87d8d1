// Applies drizzle-kit's migrations the way drizzle's own migrator does (same journal, same
// drizzle.__drizzle_migrations rows), with two guarantees it lacks:
// - a lock: every pending migration runs in ONE transaction that first takes a transaction-level
//   advisory lock, so two processes starting at once never both migrate (the second waits, then
//   finds nothing left to do);
// - a name: a failing statement rolls the whole transaction back (the database is as it was
//   before the upgrade) and the error names the migration file it came from.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "./client.ts";

/** Arbitrary but fixed: every process of this app asks for the same advisory lock. */
export const MIGRATION_LOCK_KEY = 73_012_017;

export interface MigrationFile {
  /** File name in the migrations folder, e.g. "0003_crm_core.sql". */
  file: string;
  statements: string[];
  createdAt: number;
  hash: string;
}

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly cause: unknown,
  ) {
    // drizzle wraps the database's error ("Failed query: …"); the database's own words say why
    const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
    const reason = inner instanceof Error ? inner.message : String(inner);
    super(`Migration ${file} failed, nothing was changed: ${reason}`);
    this.name = "MigrationError";
  }
}

export function readMigrations(folder: string): MigrationFile[] {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map((entry) => {
    const file = `${entry.tag}.sql`;
    const text = fs.readFileSync(path.join(folder, file), "utf8");
    return {
      file,
      statements: text.split("--> statement-breakpoint").filter((s) => s.trim() !== ""),
      createdAt: entry.when,
      // drizzle's own hash, so either migrator recognises the other's rows
      hash: crypto.createHash("sha256").update(text).digest("hex"),
    };
  });
}

/** Applies the pending migrations of `folder`; resolves to the files applied (none when up to date). */
export async function runMigrations(db: Database, folder: string): Promise<string[]> {
  const migrations = readMigrations(folder);
  return db.transaction(async (tx) => {
    // held until commit or rollback; a second migrator blocks here, then reads what the first wrote
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    const result = await tx.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { created_at: string | number | null }[];
    const last = rows[0] ? Number(rows[0].created_at) : null;
    const applied: string[] = [];
    for (const migration of migrations) {
      if (last !== null && migration.createdAt <= last) continue;
      try {
        for (const statement of migration.statements) await tx.execute(sql.raw(statement));
      } catch (error) {
        throw new MigrationError(migration.file, error);
      }
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.createdAt})`);
      applied.push(migration.file);
    }
    return applied;
  });
}
