import path from "node:path";
import { fileURLToPath } from "node:url";

export const e2ePort = Number(process.env.E2E_PORT ?? 3217);
export const tmpDir = path.join(path.dirname(fileURLToPath(import.meta.url)), `.tmp-${e2ePort}`);
export const mailDir = path.join(tmpDir, "mail");
