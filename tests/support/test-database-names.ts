import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Names for one test run, so that several runs (developers, CI) never share a template. */
export function newRunNames() {
  const run = `${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
  const base = process.env.TEST_DATABASE_URL ? new URL(process.env.TEST_DATABASE_URL).pathname.slice(1) || "test" : "test";
  return {
    templateFile: path.join(root, ".cache", `test-template-${run}.tar`),
    templateDatabase: `${base}_tpl_${run}`,
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateFile: string;
    templateDatabase: string;
  }
}
