// Issue 17: /metrics scraped and read back with a Prometheus text-format parser; every figure is
// checked against a fixture whose answers are worked out by hand below.
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import express from "express";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../app/core/auth/accounts.server.ts";
import { createMetricsRegistry, createRouteMatcher, httpMetrics, metricsEndpoint } from "../../app/core/operations/metrics.server.ts";
import { collectOperationsFigures, recordBackup } from "../../app/core/operations/operations-figures.server.ts";
import { campaignBatchQueue } from "../../app/core/segments/segment-campaigns.server.ts";
import { randomUUID } from "node:crypto";
import { messages } from "../../db/schema/index.ts";
import { contactPingedEvent } from "../fixtures/plugins/test-greetings/events.ts";
import testGreetings from "../fixtures/plugins/test-greetings/index.ts";
import { createStaff, createTestApp } from "../support/test-app.ts";

const token = "metrics-token-for-tests-0123456789";
let app: Awaited<ReturnType<typeof createTestApp>>;
let now: Date;
const servers: { close(): void }[] = [];

async function listen(http: express.Express) {
  const server = http.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((r) => server.once("listening", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [testGreetings] });
  const { runtime } = app;
  const db = runtime.db;
  now = new Date();
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

  // queue core.segment-campaign.batch: due 600 s and 300 s ago, one due in an hour, one failed an hour ago
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await runtime.jobs.send(campaignBatchQueue, { campaignId: `fixture-${i}` }))!);
  await db.execute(sql`update pgboss.job set start_after = ${ago(600)}::timestamptz where id = ${ids[0]}`);
  await db.execute(sql`update pgboss.job set start_after = ${ago(300)}::timestamptz where id = ${ids[1]}`);
  await db.execute(sql`update pgboss.job set start_after = ${ago(-3600)}::timestamptz where id = ${ids[2]}`);
  await db.execute(sql`update pgboss.job set state = 'failed', completed_on = ${ago(3600)}::timestamptz where id = ${ids[3]}`);

  // two events for test-greetings' handler, 120 s and 60 s old; the older one delivered (the subscriber's cursor stands on it)
  const first = await runtime.bus.emit(db, contactPingedEvent, { contactId: randomUUID() });
  const second = await runtime.bus.emit(db, contactPingedEvent, { contactId: randomUUID() });
  await db.execute(sql`update domain_events set occurred_at = ${ago(120)}::timestamptz where id = ${first}`);
  await db.execute(sql`update domain_events set occurred_at = ${ago(60)}::timestamptz where id = ${second}`);
  await db.execute(sql`insert into event_cursors (subscriber, events, tx_id, event_id)
    select 'test-greetings', array['test.contact.pinged'], tx_id, id from domain_events where id = ${first}
    on conflict (subscriber) do update set tx_id = excluded.tx_id, event_id = excluded.event_id`);
  // their delivery jobs would otherwise be a second waiting queue with a clock-dependent age
  await db.execute(sql`delete from pgboss.job where name like 'core.events.deliver%'`);

  // outbox: e-mail 2 sent + 1 delivered, 2 failed, 1 queued; WhatsApp 1 read, 4 failed
  const message = (channel: "email" | "whatsapp", status: "queued" | "sent" | "delivered" | "read" | "failed") => ({
    channel,
    status,
    recipient: channel === "email" ? "a@contoh.id" : "+6281200000000",
    template: "core.fixture",
    locale: "id" as const,
  });
  await db.insert(messages).values([
    message("email", "sent"),
    message("email", "sent"),
    message("email", "delivered"),
    message("email", "failed"),
    message("email", "failed"),
    message("email", "queued"),
    message("whatsapp", "read"),
    ...Array.from({ length: 4 }, () => message("whatsapp", "failed")),
  ]);

  // two failed staff sign-ins (wrong password, unknown account)
  const staff = await createStaff(runtime);
  for (const [email, password] of [
    [staff.email, "salah-sandi"],
    ["tidak-ada@contoh.id", "apa-saja"],
  ]) {
    const result = await signIn(runtime, { kind: "staff", email, password, ip: "127.0.0.1" });
    expect(result.ok).toBe(false);
  }

  await recordBackup(db, { at: new Date(Date.UTC(2026, 11, 6, 19, 0, 0)), file: "/srv/backups/nusa-20261206T190000Z.tar.gz", bytes: 12345 });
});

afterAll(async () => {
  for (const server of servers) server.close();
  await app.close();
});

function registry() {
  const { runtime } = app;
  return createMetricsRegistry(() =>
    collectOperationsFigures(runtime.database, { handlers: runtime.registry.eventHandlerIds(), operations: runtime.config.operations, now }),
  );
}

function value(families: ParsedFamily[], name: string, labels: Record<string, string> = {}) {
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric ${name}`);
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!sample) throw new Error(`no sample of ${name} with ${JSON.stringify(labels)}`);
  return Number(sample.value ?? sample.count);
}

describe("/metrics", () => {
  it("answers 404 without a configured token and 401 for a missing or wrong one", async () => {
    const off = express();
    off.get("/metrics", metricsEndpoint(registry(), null));
    const offBase = await listen(off);
    expect((await fetch(`${offBase}/metrics`)).status).toBe(404);

    const on = express();
    on.get("/metrics", metricsEndpoint(registry(), token));
    const base = await listen(on);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: "Bearer wrong-token-of-the-same-size-00000" } })).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("reports requests by route pattern and status, and the database's figures, as the fixture says", async () => {
    const routes = {
      root: { path: "" },
      "routes/staff/layout": { parentId: "root", path: "staff" },
      "routes/staff/contacts": { parentId: "routes/staff/layout", path: "contacts" },
      "routes/staff/contact": { parentId: "routes/staff/layout", path: "contacts/:contactId" },
      "staff-contact-new": { parentId: "routes/staff/layout", path: "contacts/new" },
    };
    const http = express();
    http.use(httpMetrics(createRouteMatcher(routes, ["/metrics"])));
    http.get("/metrics", metricsEndpoint(registry(), token));
    http.get(/^\/staff\/contacts/, (_req, res) => void res.send("ok"));
    const base = await listen(http);
    for (const path of ["/staff/contacts/abc", "/staff/contacts/def", "/staff/contacts/ghi.data", "/staff/contacts/new", "/staff/contacts", "/nope"]) {
      await (await fetch(`${base}${path}`)).text();
    }
    const response = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    const families = parsePrometheusTextFormat(text);

    // HTTP: three contact pages (one a data request) under one pattern; ids never become labels
    expect(value(families, "nusa_http_requests_total", { route: "/staff/contacts/:contactId", status: "200", method: "GET" })).toBe(3);
    expect(value(families, "nusa_http_requests_total", { route: "/staff/contacts/new", status: "200" })).toBe(1);
    expect(value(families, "nusa_http_requests_total", { route: "/staff/contacts", status: "200" })).toBe(1);
    expect(value(families, "nusa_http_requests_total", { route: "(unmatched)", status: "404" })).toBe(1);
    expect(families.find((f) => f.name === "nusa_http_requests_total")!.metrics.some((m) => m.labels?.route?.includes("abc"))).toBe(false);
    const latency = families.find((f) => f.name === "nusa_http_request_duration_seconds")!;
    expect(latency.type).toBe("HISTOGRAM");
    // the parser folds a histogram's series into one (it drops their labels): read the count line itself
    expect(text).toMatch(/^nusa_http_request_duration_seconds_count\{method="GET",route="\/staff\/contacts\/:contactId",status="200"\} 3$/m);

    // job queue: due 600 s and 300 s ago -> 2 waiting, oldest 600 s; the one due later is not counted
    expect(value(families, "nusa_job_queue_waiting", { queue: campaignBatchQueue })).toBe(2);
    expect(value(families, "nusa_job_queue_oldest_wait_seconds", { queue: campaignBatchQueue })).toBe(600);
    expect(value(families, "nusa_job_queue_failed_24h", { queue: campaignBatchQueue })).toBe(1);
    expect(value(families, "nusa_job_queue_active", { queue: campaignBatchQueue })).toBe(0);
    expect(value(families, "nusa_job_queue_waiting", { queue: "core.messaging.send" })).toBe(0);

    // event lag: the 60 s old event is the one not delivered
    const handler = { handler: "test-greetings:test.contact.pinged", event: "test.contact.pinged" };
    expect(value(families, "nusa_event_handler_pending", handler)).toBe(1);
    expect(value(families, "nusa_event_handler_lag_seconds", handler)).toBe(60);

    // outbox: sent counts sent + delivered + read
    expect(value(families, "nusa_messages", { channel: "email", status: "sent" })).toBe(3);
    expect(value(families, "nusa_messages", { channel: "email", status: "failed" })).toBe(2);
    expect(value(families, "nusa_messages", { channel: "email", status: "queued" })).toBe(1);
    expect(value(families, "nusa_messages", { channel: "whatsapp", status: "sent" })).toBe(1);
    expect(value(families, "nusa_messages", { channel: "whatsapp", status: "failed" })).toBe(4);

    // sign-ins: two failures, in the audit log and in this process's counter
    expect(value(families, "nusa_sign_in_failures_24h")).toBe(2);
    expect(value(families, "nusa_sign_in_failures_total", { portal: "staff" })).toBe(2);

    // the backup recorded at 2026-12-06 19:00 UTC
    expect(value(families, "nusa_backup_last_timestamp_seconds")).toBe(Date.UTC(2026, 11, 6, 19, 0, 0) / 1000);
    expect(value(families, "nusa_backup_last_bytes")).toBe(12345);

    // database: PGlite is one connection; PostgreSQL test databases use a pool of 5
    const postgresql = app.runtime.database.kind === "postgres";
    expect(value(families, "nusa_db_pool_max")).toBe(postgresql ? 5 : 1);
    expect(value(families, "nusa_db_connections", { state: "active" })).toBeGreaterThanOrEqual(1);
  });
});
