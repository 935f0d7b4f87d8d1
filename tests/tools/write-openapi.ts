// Writes the published OpenAPI documents to files for linters (npm run lint:openapi).
import fs from "node:fs";
import path from "node:path";
import { openApiDocument } from "../../plugins/retail-pos/openapi.ts";

const dir = process.argv[2] ?? ".cache/openapi";
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, "retail-pos-v1.json");
fs.writeFileSync(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(file);
