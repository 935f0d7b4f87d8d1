// The TypeScript client in plugins/retail-pos/README.md, extracted and run as its own process
// (npx tsx) against the POS routes served over real HTTP: what a vendor copies must work.
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { rowsOf } from "../../app/plugin-api/index.ts";
import { buildLoadContext } from "../../app/core/runtime/request-context.server.ts";
import { createTestApp } from "../support/test-app.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";

const run = promisify(execFile);
let app: Awaited<ReturnType<typeof createTestApp>>;
let server: http.Server;
let baseUrl: string;
let creds: { apiKey: string; signingSecret: string };

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos] });
  const { runtime } = app;
  const [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values ('TST-RM', 'Toko README', 'store') returning id`));
  const created = await createConnection(runtime.db, { kind: "system" }, { branchId, name: "Kasir README" });
  if (!created.ok) throw new Error("no connection");
  creds = created;
  // the sales route behind a plain HTTP server, the body streamed as the express adapter does
  server = http.createServer(async (req, res) => {
    const url = `http://127.0.0.1${req.url}`;
    const request = new Request(url, {
      method: req.method,
      headers: req.headers as HeadersInit,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : (Readable.toWeb(req) as ReadableStream),
      duplex: "half",
    } as RequestInit);
    const { context } = await buildLoadContext(runtime, request, { cspNonce: "test", clientIp: "127.0.0.1" });
    const handler = req.url === "/api/pos/v1/sales" ? (req.method === "POST" ? salesRoute.action : salesRoute.loader) : null;
    const response = handler ? ((await handler({ request, context: context as AppLoadContext, params: {} })) as Response) : new Response("Not Found", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/pos/v1`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await app.close();
});

it("runs the README's client example: records a sale, a retry is replayed, a wrong total is explained in English", async () => {
  const readme = fs.readFileSync(path.resolve("plugins/retail-pos/README.md"), "utf8");
  const block = /<!-- client-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- client-example:end -->/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pos-client-"));
  const file = path.join(dir, "client.mts");
  fs.writeFileSync(file, block!);
  try {
    // the client signs with its own clock: under TEST_NOW it starts where this process's clock is now
    const clock = path.resolve("tests/setup/clock.ts");
    const { stdout } = await run(path.resolve("node_modules/.bin/tsx"), ["--import", clock, file], {
      env: { ...process.env, TEST_NOW: new Date().toISOString(), POS_BASE_URL: baseUrl, POS_API_KEY: creds.apiKey, POS_SIGNING_SECRET: creds.signingSecret },
      timeout: 60_000,
    });
    const [first, second] = stdout.trim().split("\n");
    expect(first).toMatch(/^201 [0-9a-f-]{36} 200 true$/);
    expect(second).toBe("422 total_mismatch: total (1) is not the sum of quantity × unitPrice − discount over the lines (359100).");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const sales = rowsOf<{ n: number; total: string }>(await app.runtime.db.execute(sql`select count(*)::int as n, sum(total_idr)::text as total from retail_pos_sales where receipt_no like 'BDG-%'`));
  expect(sales[0]).toEqual({ n: 1, total: "359100" });
}, 120_000);
