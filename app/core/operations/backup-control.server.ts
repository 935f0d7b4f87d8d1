// PGlite is one process: while the app runs it holds the data folder, and a second process must
// not open it. So the running app takes the backup itself when the command line asks it to.
// The app listens on a loopback-only port chosen by the system and writes that port and a fresh
// random token to `<data dir>.control.json` (mode 0600, readable by whoever may read the data
// folder itself). `npm run backup` finds the folder locked, reads that file and asks.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { DatabaseHandle } from "../../../db/client.ts";
import type { Logger } from "../logging/logger.server.ts";
import { dumpPglite, type TableDigest } from "./backup.server.ts";
import { recordBackup } from "./operations-figures.server.ts";

export const controlFileOf = (dataDir: string) => `${dataDir}.control.json`;

interface ControlFile {
  pid: number;
  port: number;
  token: string;
}

const loopback = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** Starts the loopback backup endpoint of a running app on PGlite; resolves to a stop function. */
export async function startBackupControl(options: { handle: DatabaseHandle; dataDir: string; logger: Logger }): Promise<() => Promise<void>> {
  const { handle, dataDir, logger } = options;
  const pglite = handle.pglite;
  if (!pglite) throw new Error("The backup control endpoint is for the embedded database");
  const token = crypto.randomBytes(32).toString("hex");
  const expected = Buffer.from(`Bearer ${token}`);
  const server = http.createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? "");
    const authorised = given.length === expected.length && crypto.timingSafeEqual(given, expected);
    if (!loopback.has(req.socket.remoteAddress ?? "") || !authorised) {
      res.writeHead(401).end();
      return;
    }
    if (req.method !== "POST" || req.url?.split("?")[0] !== "/backup") {
      res.writeHead(404).end();
      return;
    }
    const digest = new URL(req.url, "http://127.0.0.1").searchParams.get("manifest") !== "0";
    dumpPglite(pglite, { digest })
      .then(async ({ data, tables }) => {
        await recordBackup(handle.db, { at: new Date(), file: "(npm run backup)", bytes: data.length });
        const manifest = Buffer.from(JSON.stringify(tables));
        res.writeHead(200, { "Content-Type": "application/octet-stream", "X-Manifest-Length": String(manifest.length) });
        res.end(Buffer.concat([manifest, data]));
        logger.info({ bytes: data.length }, "backup taken for the command line");
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "backup for the command line failed");
        res.writeHead(500, { "Content-Type": "text/plain" }).end(String((error as Error).message));
      });
  });
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const file = controlFileOf(dataDir);
  const content: ControlFile = { pid: process.pid, port: (server.address() as AddressInfo).port, token };
  fs.writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      if ((JSON.parse(fs.readFileSync(file, "utf8")) as ControlFile).token === token) fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
}

/** The pid that holds the data folder, if that process is alive. */
export function liveHolder(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(`${dataDir}.lock`, "utf8"));
    if (!pid) return null;
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" ? Number(fs.readFileSync(`${dataDir}.lock`, "utf8")) : null;
  }
}

/** Asks the running app that holds `dataDir` for a dump. */
export async function requestLiveBackup(dataDir: string, options: { digest: boolean }): Promise<{ data: Buffer; tables: TableDigest[] }> {
  const file = controlFileOf(dataDir);
  if (!fs.existsSync(file)) {
    throw new Error(`${dataDir} is in use by a running app that offers no backup endpoint (${file} is missing): stop it, or upgrade it first`);
  }
  const control = JSON.parse(fs.readFileSync(file, "utf8")) as ControlFile;
  const response = await fetch(`http://127.0.0.1:${control.port}/backup?manifest=${options.digest ? 1 : 0}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${control.token}` },
  });
  if (!response.ok) throw new Error(`the running app (process ${control.pid}) refused the backup: ${response.status} ${await response.text()}`);
  const body = Buffer.from(await response.arrayBuffer());
  const manifestLength = Number(response.headers.get("x-manifest-length"));
  return {
    tables: JSON.parse(body.subarray(0, manifestLength).toString("utf8")) as TableDigest[],
    data: body.subarray(manifestLength),
  };
}
