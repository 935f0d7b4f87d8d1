import fs from "node:fs";
import crypto from "node:crypto";
import postgres from "postgres";
import { openPglite, openPostgres, type DatabaseHandle } from "../../db/client.ts";
import { inject } from "vitest";
import "./test-database-names.ts";

/**
 * A fresh, migrated database for one test file: a PGlite copy of the run's template, or a new
 * PostgreSQL database cloned from the template when TEST_DATABASE_URL is set.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const dump = new Blob([fs.readFileSync(inject("templateFile"))]);
    return openPglite({ loadDataDir: dump });
  }
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const template = inject("templateDatabase");
  const name = `${template}_${crypto.randomBytes(4).toString("hex")}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}" template "${template}"`);
      break;
    } catch (error) {
      // another file cloning the template at the same instant holds it briefly
      if (attempt > 20 || !String(error).includes("being accessed")) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  const handle = await openPostgres(target.toString(), { max: 5 });
  const close = handle.close;
  handle.close = async () => {
    await close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
  return handle;
}
