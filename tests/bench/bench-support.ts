// What every bench shares: a throwaway database (PGlite, or PostgreSQL with BENCH_DATABASE_URL)
// and how figures are printed (one JSON object a line on stdout; progress on stderr).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openPglite, openPostgres, type DatabaseHandle } from "../../db/client.ts";

export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
export const print = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(figure)}\n`);
export const round = (n: number) => Math.round(n * 100) / 100;

/** The p-th percentile of an ascending list (nearest rank). */
export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * A fresh database named after the bench, dropped afterwards (BENCH_KEEP=1 keeps it). `connections`
 * is the PostgreSQL pool size: as many as an app server would have when requests really race.
 */
export async function openBenchDatabase(
  label: string,
  options: { connections?: number; /** a PostgreSQL server to create the database on; null: PGlite (default BENCH_DATABASE_URL) */ url?: string | null } = {},
): Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }> {
  const keep = process.env.BENCH_KEEP === "1";
  const url = options.url === undefined ? process.env.BENCH_DATABASE_URL : options.url;
  if (url) {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    const name = `nusa_bench_${label}_${crypto.randomBytes(4).toString("hex")}`;
    await admin.unsafe(`create database "${name}"`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await openPostgres(target.toString(), { max: options.connections ?? 4 });
    return {
      handle,
      async cleanup() {
        await handle.close();
        if (keep) log(`kept database ${name}`);
        else await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nusa-bench-${label}-`));
  const handle = await openPglite({ dataDir: path.join(dir, "pglite") });
  return {
    handle,
    async cleanup() {
      await handle.close();
      if (keep) log(`kept ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
