import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql as rawSql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { runMigrations } from "./migrator.ts";
import { withEventLoopTurns } from "./pglite-turns.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** The drizzle handle every domain function takes; a transaction is one too. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

import { rowsOf } from "./rows.ts";
export { rowsOf };

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export interface DatabaseHandle {
  kind: "pglite" | "postgres";
  db: Database;
  /** Rows of a raw statement, whichever driver answered. */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** For pg-boss: runs SQL text with positional parameters. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- pg-boss's own type
  pglite?: PGlite;
  url?: string;
  /** Connections one process may open (PostgreSQL pool size); metrics show it beside those in use. */
  poolMax?: number;
  /**
   * Applies pending migrations in one transaction under an advisory lock (see db/migrator.ts);
   * resolves to the files applied. Throws MigrationError, naming the file, and changes nothing.
   */
  migrate(folder?: string): Promise<string[]>;
  close(): Promise<void>;
}

export class DatabaseLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is already open by process ${pid}. ` +
        `Only one process may use it: stop that process, or set DATABASE_URL to use PostgreSQL.`,
    );
    this.name = "DatabaseLockedError";
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** PGlite has no lock of its own: two processes on one folder silently lose writes. */
function acquireLock(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(lockFile, "utf8") === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lockFile, "utf8"));
      // this very process counts too: a second handle on the folder loses writes just the same
      if (holder && isAlive(holder)) throw new DatabaseLockedError(dataDir, holder);
      fs.unlinkSync(lockFile); // left behind by a process that died
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

export const pgliteExtensions = { pg_trgm, btree_gist };

export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob | File } = {}): Promise<DatabaseHandle> {
  let release = () => {};
  if (options.dataDir) {
    fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
    release = acquireLock(options.dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = withEventLoopTurns(await PGlite.create(options.dataDir, { extensions: pgliteExtensions, loadDataDir: options.loadDataDir }));
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Database;
  return {
    kind: "pglite",
    db,
    pglite,
    async rows<T>(query: SQL) {
      return rowsOf<T>(await db.execute(query));
    },
    async executeSql(text, values) {
      // pg-boss sends several statements in one string when it has no parameters
      if (!values || values.length === 0) {
        const results = await pglite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }
      const result = await pglite.query(text, values);
      return { rows: result.rows };
    },
    migrate: (folder = migrationsFolder) => runMigrations(db, folder),
    async close() {
      await pglite.close();
      release();
    },
  };
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<DatabaseHandle> {
  const max = options.max ?? 10;
  // the name lets pg_stat_activity (and /metrics) tell the app's connections from pg-boss's and others'
  const client = postgres(url, { max, onnotice: () => {}, connection: { application_name: "nusa-crm" } });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    kind: "postgres",
    db,
    url,
    poolMax: max,
    async rows<T>(query: SQL) {
      return rowsOf<T>(await db.execute(query));
    },
    async executeSql(text, values) {
      const rows = await client.unsafe(text, (values ?? []) as never[]);
      return { rows: [...rows] };
    },
    migrate: (folder = migrationsFolder) => runMigrations(db, folder),
    close: () => client.end({ timeout: 5 }),
  };
}

export async function openDatabase(config: { databaseUrl?: string; dataDir: string }): Promise<DatabaseHandle> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite({ dataDir: config.dataDir });
}

/** True when every migration in the folder has been applied. */
export async function migrationsApplied(handle: DatabaseHandle): Promise<boolean> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  try {
    const [row] = await handle.rows<{ n: number }>(rawSql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    return Number(row?.n) >= journal.entries.length;
  } catch {
    return false;
  }
}
