// Backups that restore (issue 17). Two engines, one shape:
// - PGlite: a gzip tarball of the data directory (PGlite's dumpDataDir), taken inside a
//   transaction so no other transaction is half-way through; restored by loading it into a new
//   folder. While the app runs it holds the folder, so the app takes the dump itself
//   (backup-control.server.ts) and the command line only asks for it.
// - PostgreSQL: `pg_dump -Fc` and `pg_restore` from Debian's postgresql-client.
// Each backup can carry a manifest (row count and checksum of every table, read in the very
// snapshot the dump was taken from) so a restore can prove it brought back what was saved.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import postgres from "postgres";
import { openPglite } from "../../../db/client.ts";
import type { DatabaseHandle } from "../../../db/client.ts";

export type BackupFormat = "pglite-tar-gz" | "pg-custom";

export interface TableDigest {
  table: string;
  rows: number;
  checksum: string;
}

export interface BackupManifest {
  format: BackupFormat;
  takenAt: string;
  bytes: number;
  sha256: string;
  tables: TableDigest[];
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

type Query = (text: string) => Promise<Record<string, unknown>[]>;

const listTablesSql = `
  select n.nspname as schema, c.relname as name
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and not c.relispartition
    and n.nspname not in ('pg_catalog', 'information_schema')
    and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
  order by 1, 2`;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Row count and an order-independent checksum of every table (md5 of the sorted row hashes). */
export async function tableDigests(query: Query): Promise<TableDigest[]> {
  const tables = (await query(listTablesSql)) as { schema: string; name: string }[];
  const digests: TableDigest[] = [];
  for (const { schema, name } of tables) {
    const [row] = await query(
      `select count(*)::text as rows, coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') as checksum from ${ident(schema)}.${ident(name)} t`,
    );
    digests.push({ table: `${schema}.${name}`, rows: Number(row.rows), checksum: String(row.checksum) });
  }
  return digests;
}

/** What differs between two digests: tables missing on either side, counts or contents. */
export function compareDigests(expected: TableDigest[], actual: TableDigest[]): string[] {
  const problems: string[] = [];
  const got = new Map(actual.map((d) => [d.table, d]));
  for (const want of expected) {
    const have = got.get(want.table);
    if (!have) problems.push(`${want.table}: missing`);
    else if (have.rows !== want.rows) problems.push(`${want.table}: ${have.rows} rows, expected ${want.rows}`);
    else if (have.checksum !== want.checksum) problems.push(`${want.table}: contents differ`);
    got.delete(want.table);
  }
  for (const extra of got.keys()) problems.push(`${extra}: not in the backup`);
  return problems;
}

const pgliteQuery =
  (runner: Pick<PGlite | Transaction, "query">): Query =>
  async (text) =>
    (await runner.query<Record<string, unknown>>(text)).rows;

/**
 * A consistent dump of an open PGlite: taken inside a transaction, so every other transaction has
 * either committed or not started; with `digest`, the manifest is read in that same transaction.
 */
export async function dumpPglite(pglite: PGlite, options: { digest: boolean }): Promise<{ data: Buffer; tables: TableDigest[] }> {
  return pglite.transaction(async (tx) => {
    const tables = options.digest ? await tableDigests(pgliteQuery(tx)) : [];
    const dump = await pglite.dumpDataDir("gzip");
    return { data: Buffer.from(await dump.arrayBuffer()), tables };
  });
}

/** libpq's environment for a postgres:// URL, so no password shows in the process list. */
export function libpqEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(u.hostname) || "localhost",
    PGPORT: u.port || "5432",
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres",
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get("sslmode");
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new BackupError(
          error.code === "ENOENT" ? `${command} was not found: install Debian's postgresql-client (apt-get install postgresql-client)` : error.message,
        ),
      ),
    );
    child.on("close", (code) => (code === 0 ? resolve() : reject(new BackupError(`${command} exited with ${code}: ${stderr.trim()}`))));
  });
}

/**
 * `pg_dump -Fc` into `file`. With `digest`, the manifest is read in a repeatable-read transaction
 * whose snapshot pg_dump is told to use, so both see exactly the same data while writes go on.
 */
export async function dumpPostgres(url: string, file: string, options: { digest: boolean }): Promise<TableDigest[]> {
  const env = libpqEnv(url);
  if (!options.digest) {
    await run("pg_dump", ["--format=custom", "--no-owner", `--file=${file}`], env);
    return [];
  }
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await client.begin("isolation level repeatable read read only", async (tx) => {
      const [{ snapshot }] = await tx<{ snapshot: string }[]>`select pg_export_snapshot() as snapshot`;
      const tables = await tableDigests(async (text) => [...(await tx.unsafe(text))]);
      // the exporting transaction must stay open while pg_dump imports its snapshot
      await run("pg_dump", ["--format=custom", "--no-owner", `--snapshot=${snapshot}`, `--file=${file}`], env);
      return tables;
    });
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** The manifest's file: next to the backup. */
export const manifestPath = (file: string) => `${file}.manifest.json`;

async function sha256Of(file: string) {
  const hash = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Writes to a temporary name first: a backup file that exists is a whole one. */
export async function finishBackupFile(
  tmp: string,
  file: string,
  format: BackupFormat,
  tables: TableDigest[],
  options: { manifest: boolean; takenAt?: Date },
): Promise<BackupManifest> {
  fs.renameSync(tmp, file);
  const manifest: BackupManifest = {
    format,
    takenAt: (options.takenAt ?? new Date()).toISOString(),
    bytes: fs.statSync(file).size,
    sha256: await sha256Of(file),
    tables,
  };
  if (options.manifest) fs.writeFileSync(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function tempNameFor(file: string) {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
}

/** A backup of a database this process has open (the scheduled job, the live PGlite app, tests). */
export async function backupOpenDatabase(handle: DatabaseHandle, file: string, options: { manifest: boolean }): Promise<BackupManifest> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = tempNameFor(file);
  const takenAt = new Date();
  try {
    if (handle.kind === "pglite") {
      const { data, tables } = await dumpPglite(handle.pglite!, { digest: options.manifest });
      fs.writeFileSync(tmp, data);
      return await finishBackupFile(tmp, file, "pglite-tar-gz", tables, { manifest: options.manifest, takenAt });
    }
    const tables = await dumpPostgres(handle.url!, tmp, { digest: options.manifest });
    return await finishBackupFile(tmp, file, "pg-custom", tables, { manifest: options.manifest, takenAt });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** What a backup file holds, from its first bytes. */
export function formatOf(file: string): BackupFormat {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(5);
    fs.readSync(fd, head, 0, 5, 0);
    if (head.subarray(0, 5).toString("latin1") === "PGDMP") return "pg-custom";
    if (head[0] === 0x1f && head[1] === 0x8b) return "pglite-tar-gz";
  } finally {
    fs.closeSync(fd);
  }
  throw new BackupError(`${file} is not a Nusa CRM backup (neither a pg_dump custom archive nor a PGlite data-directory dump)`);
}

function readManifest(file: string): BackupManifest | null {
  const where = manifestPath(file);
  return fs.existsSync(where) ? (JSON.parse(fs.readFileSync(where, "utf8")) as BackupManifest) : null;
}

export interface RestoreResult {
  /** Tables compared with the backup's manifest; null when it has none. */
  verified: number | null;
  /** Where the replaced embedded database was moved (PGlite with --force). */
  movedAside?: string;
}

function isEmptyDir(dir: string) {
  return !fs.existsSync(dir) || fs.readdirSync(dir).length === 0;
}

/** Restores a PGlite dump into `dataDir`, which must be empty unless `force` (then it is moved aside, not deleted). */
export async function restorePglite(file: string, dataDir: string, options: { force: boolean }): Promise<RestoreResult> {
  if (formatOf(file) !== "pglite-tar-gz") throw new BackupError(`${file} is a PostgreSQL backup: restore it with DATABASE_URL set`);
  const manifest = readManifest(file);
  let movedAside: string | undefined;
  if (!isEmptyDir(dataDir)) {
    if (!options.force) throw new BackupError(`${dataDir} is not empty: restore into an empty folder, or pass --force to replace it`);
    const lock = `${dataDir}.lock`;
    if (fs.existsSync(lock)) {
      // openPglite below refuses a live holder; this only names the case clearly first
      const pid = Number(fs.readFileSync(lock, "utf8"));
      if (pid && isAlive(pid)) throw new BackupError(`${dataDir} is in use by process ${pid}: stop the app before restoring`);
    }
    movedAside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    fs.renameSync(dataDir, movedAside);
  }
  const blob = new Blob([fs.readFileSync(file)]);
  const handle = await openPglite({ dataDir, loadDataDir: blob });
  try {
    let verified: number | null = null;
    if (manifest?.tables.length) {
      const problems = compareDigests(manifest.tables, await tableDigests(pgliteQuery(handle.pglite!)));
      if (problems.length) throw new BackupError(`restored data differ from the backup's manifest:\n  ${problems.join("\n  ")}`);
      verified = manifest.tables.length;
    }
    return { verified, movedAside };
  } finally {
    await handle.close();
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

/** Tables outside PostgreSQL's own schemas: a target with any is not empty. */
async function userTableCount(client: postgres.Sql) {
  const [row] = await client<{ n: number }[]>`
    select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`;
  return row.n;
}

/** Restores a pg_dump archive into the database at `url`: empty, or emptied first with `force`. */
export async function restorePostgres(file: string, url: string, options: { force: boolean }): Promise<RestoreResult> {
  if (formatOf(file) !== "pg-custom") throw new BackupError(`${file} is an embedded-database backup: restore it without DATABASE_URL`);
  const manifest = readManifest(file);
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await userTableCount(client);
    if (tables > 0) {
      if (!options.force) throw new BackupError(`the target database has ${tables} tables: restore into an empty database, or pass --force to replace its contents`);
      const schemas = await client<{ name: string }[]>`
        select nspname as name from pg_namespace
        where nspname not in ('pg_catalog', 'information_schema', 'public') and nspname not like 'pg\\_%'`;
      await client.begin(async (tx) => {
        for (const { name } of schemas) await tx.unsafe(`drop schema ${ident(name)} cascade`);
        await tx.unsafe("drop schema public cascade");
        await tx.unsafe("create schema public");
      });
    }
    // one transaction: a restore that fails half-way leaves the target as it was
    await run("pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname", libpqEnv(url).PGDATABASE, file], libpqEnv(url));
    let verified: number | null = null;
    if (manifest?.tables.length) {
      const problems = compareDigests(manifest.tables, await tableDigests(async (text) => [...(await client.unsafe(text))]));
      if (problems.length) throw new BackupError(`restored data differ from the backup's manifest:\n  ${problems.join("\n  ")}`);
      verified = manifest.tables.length;
    }
    return { verified };
  } finally {
    await client.end({ timeout: 5 });
  }
}

