import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openPglite, openPostgres } from "../../db/client.ts";
import { newRunNames } from "../support/test-database-names.ts";

/** Builds one migrated database per run; each test file then starts from a copy of it. */
export default async function globalSetup(project: TestProject) {
  const names = newRunNames();
  project.provide("templateFile", names.templateFile);
  project.provide("templateDatabase", names.templateDatabase);
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${names.templateDatabase}"`);
    const target = new URL(url);
    target.pathname = `/${names.templateDatabase}`;
    const handle = await openPostgres(target.toString(), { max: 1 });
    await handle.migrate();
    await handle.close();
    return async () => {
      await admin.unsafe(`drop database if exists "${names.templateDatabase}" with (force)`);
      await admin.end();
    };
  }
  const handle = await openPglite();
  await handle.migrate();
  const dump = await handle.pglite!.dumpDataDir("none");
  fs.mkdirSync(path.dirname(names.templateFile), { recursive: true });
  fs.writeFileSync(names.templateFile, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  return () => fs.rmSync(names.templateFile, { force: true });
}
