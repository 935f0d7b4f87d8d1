// Fails when the drizzle schema and the committed migrations disagree: drizzle-kit generate,
// pointed at a scratch copy of db/migrations, must report that nothing changed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
// drizzle-kit wants `out` relative to the working directory
const scratch = path.join(".cache", `migrations-check-${process.pid}`);
fs.rmSync(path.join(root, scratch), { recursive: true, force: true });
fs.cpSync(path.join(root, "db/migrations"), path.join(root, scratch), { recursive: true });
const config = path.join(root, "db", `.drizzle-check-${process.pid}.config.ts`);
fs.writeFileSync(config, `import base from "./drizzle.config.ts";\nexport default { ...base, out: ${JSON.stringify(`./${scratch}`)} };\n`);
const run = spawnSync("npx", ["drizzle-kit", "generate", "--config", config], { cwd: root, encoding: "utf8" });
fs.rmSync(config, { force: true });
fs.rmSync(path.join(root, scratch), { recursive: true, force: true });
const output = `${run.stdout}\n${run.stderr}`;
if (run.status === 0 && /No schema changes/.test(output)) {
  console.log("migrations: schema and db/migrations agree");
  process.exit(0);
}
console.error(output.split("\n").filter((l) => !l.includes("npm warn")).slice(-15).join("\n"));
console.error("db/migrations is out of step with the schema: run `npm run db:generate` and commit the new migration.");
process.exit(1);
