import { request } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../core/runtime/runtime.server.ts";
import testGreetings from "../../tests/fixtures/plugins/test-greetings/index.ts";
import { createTestApp } from "../../tests/support/test-app.ts";
import { disabledPluginPath, pluginGate } from "./plugin-gate.ts";
import { originCheck, securityHeaders } from "./security.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let base: string;
let server: ReturnType<express.Express["listen"]>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [testGreetings] });
  runtime = app.runtime;
  const http = express();
  http.use(securityHeaders({ dev: false, secure: true }));
  http.use(originCheck("https://crm.rsnusa.co.id"));
  http.use(pluginGate(runtime.registry, runtime.db));
  // what @remix-run/express hands to Remix: it reads originalUrl
  http.all("*", (req, res) => res.json({ url: req.originalUrl, nonce: res.locals.cspNonce }));
  server = http.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await app.close();
});

describe("security headers", () => {
  it("sets a fresh CSP nonce per response and hardening headers", async () => {
    const a = await fetch(`${base}/`);
    const b = await fetch(`${base}/`);
    const nonceA = ((await a.json()) as { nonce: string }).nonce;
    const nonceB = ((await b.json()) as { nonce: string }).nonce;
    expect(nonceA).not.toBe(nonceB);
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toContain(`'nonce-${nonceA}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("strict-transport-security")).toContain("max-age=");
    expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });
});

describe("origin check", () => {
  it("refuses a cross-site form post and lets a same-site one through", async () => {
    const evil = await fetch(`${base}/staff/settings/users`, { method: "POST", headers: { Origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    const browserCrossSite = await fetch(`${base}/logout`, { method: "POST", headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(browserCrossSite.status).toBe(403);
    const same = await fetch(`${base}/logout`, { method: "POST", headers: { Origin: "https://crm.rsnusa.co.id" } });
    expect(same.status).toBe(200);
  });

  it("refuses a malformed Origin instead of failing, and resolves dot segments before exempting /api", async () => {
    const malformed = await fetch(`${base}/logout`, { method: "POST", headers: { Origin: "foo" } });
    expect(malformed.status).toBe(403);
    // sent raw: fetch would resolve the dot segments itself before they reached the server
    for (const path of ["/api/../staff/settings/users", "/api/%2e%2e/staff/settings/users"]) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${base}${path}`, { method: "POST", path, headers: { Origin: "https://evil.example" } }, (res) => resolve(res.statusCode ?? 0));
        req.on("error", reject);
        req.end();
      });
      expect(status, path).toBe(403);
    }
  });

  it("leaves machine APIs to their own authentication", async () => {
    const api = await fetch(`${base}/api/pos/v1/sales`, { method: "POST", headers: { Origin: "https://pos.vendor.example" } });
    expect(api.status).toBe(200);
  });
});

describe("plugin gate", () => {
  it("routes a disabled plugin's pages to 404 and leaves enabled ones alone", async () => {
    const on = (await (await fetch(`${base}/staff/greetings`)).json()) as { url: string };
    expect(on.url).toBe("/staff/greetings");
    await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "test-greetings", false);
    for (const path of ["/staff/greetings", "/staff/greetings.data", "/staff/greetings/1"]) {
      const off = (await (await fetch(`${base}${path}`)).json()) as { url: string };
      expect(off.url).toBe(disabledPluginPath);
    }
    const core = (await (await fetch(`${base}/staff/contacts`)).json()) as { url: string };
    expect(core.url).toBe("/staff/contacts");
    await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "test-greetings", true);
  });
});
