// Issue 17: admins get one e-mail per alert episode when a queue or a handler falls behind, a
// channel keeps failing, or the last backup is late; not every run, and again after it clears.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppConfig } from "../../app/core/config/config.server.ts";
import { sendMessageQueue } from "../../app/core/messaging/email.server.ts";
import { userNoticeQueue } from "../../app/core/messaging/user-notices.server.ts";
import { alertStateKey, runOperationsAlerts } from "../../app/core/operations/operations-alerts.server.ts";
import { collectOperationsFigures, recordBackup } from "../../app/core/operations/operations-figures.server.ts";
import { loadOperationsStatus } from "../../app/core/operations/operations-status.server.ts";
import { rowsOf } from "../../db/client.ts";
import postgres from "postgres";
import { campaignBatchQueue } from "../../app/core/segments/segment-campaigns.server.ts";
import { appSettings, messages } from "../../db/schema/index.ts";
import { randomUUID } from "node:crypto";
import { contactPingedEvent } from "../fixtures/plugins/test-greetings/events.ts";
import testGreetings from "../fixtures/plugins/test-greetings/index.ts";
import { createStaff, createTestApp } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: { email: string };
let agent: { email: string };
const minute = 60_000;

const operations = (overrides: Partial<AppConfig["operations"]> = {}): AppConfig["operations"] => ({
  backupDir: null,
  backupKeep: 7,
  backupCron: "0 19 * * *",
  backupMaxAgeHours: 26,
  metricsToken: null,
  alertQueueMinutes: 15,
  alertEventLagMinutes: 15,
  alertChannelFailures: 5,
  ...overrides,
});

beforeAll(async () => {
  app = await createTestApp({ plugins: [testGreetings] });
  admin = await createStaff(app.runtime, { roles: ["admin"] });
  agent = await createStaff(app.runtime, { roles: ["manager"] });
});
afterAll(async () => app.close());
beforeEach(async () => {
  // each case starts with no alert remembered, no job waiting and an empty outbox
  await app.runtime.db.delete(appSettings).where(eq(appSettings.key, alertStateKey));
  await app.runtime.db.execute(sql`delete from pgboss.job`);
  await app.runtime.db.execute(sql`delete from event_deliveries`);
  await app.runtime.db.execute(sql`delete from domain_events`);
  await app.runtime.db.delete(messages);
});

async function run(at: Date, ops = operations()) {
  const { runtime } = app;
  const result = await runOperationsAlerts(runtime.database, { jobs: runtime.jobs, config: { operations: ops }, handlers: runtime.registry.eventHandlerIds() }, at);
  await runtime.jobs.drain(userNoticeQueue);
  // the e-mails go out (to the dev mailbox), so their own jobs never wait into a later run
  await runtime.jobs.drain(sendMessageQueue);
  return result;
}

/** Alert e-mails in the outbox, by recipient and template. */
async function mails(template: string) {
  const rows = await app.runtime.db
    .select({ to: messages.recipient, subject: messages.subject, locale: messages.locale })
    .from(messages)
    .where(and(eq(messages.template, template), eq(messages.channel, "email")));
  return rows;
}

describe("operations alerts", () => {
  it("mails the admins once when a queue falls behind, and again only after it has cleared", async () => {
    const { runtime } = app;
    const t0 = new Date();
    const id = await runtime.jobs.send(campaignBatchQueue, { campaignId: "stuck" });
    expect((await run(t0)).notified).toEqual([]); // just sent: not behind
    const late = new Date(t0.getTime() + 16 * minute);
    expect((await run(late)).notified).toEqual([`queue:${campaignBatchQueue}`]);
    const sent = await mails("operations.queueBehind");
    expect(sent.map((m) => m.to)).toEqual([admin.email]); // admins only, not the manager
    expect(sent[0].subject).toBe(`Antrean tugas ${campaignBatchQueue} tertinggal`);
    expect(sent.some((m) => m.to === agent.email)).toBe(false);

    // still behind five and ten minutes later: no second e-mail
    expect((await run(new Date(late.getTime() + 5 * minute))).notified).toEqual([]);
    expect((await run(new Date(late.getTime() + 10 * minute))).firing).toContain(`queue:${campaignBatchQueue}`);
    expect(await mails("operations.queueBehind")).toHaveLength(1);

    // the job is done: the episode ends; a new stuck job later is a new episode
    await runtime.db.execute(sql`update pgboss.job set state = 'completed', completed_on = now() where id = ${id}`);
    expect((await run(new Date(late.getTime() + 15 * minute))).cleared).toEqual([`queue:${campaignBatchQueue}`]);
    await runtime.jobs.send(campaignBatchQueue, { campaignId: "stuck-again" });
    expect((await run(new Date(Date.now() + 20 * minute))).notified).toEqual([`queue:${campaignBatchQueue}`]);
    expect(await mails("operations.queueBehind")).toHaveLength(2);
  });

  it("mails when an event handler falls behind", async () => {
    const { runtime } = app;
    await runtime.bus.emit(runtime.db, contactPingedEvent, { contactId: randomUUID() });
    await runtime.db.execute(sql`delete from pgboss.job`); // only the handler's lag is under test
    const at = new Date(Date.now() + 14 * minute);
    expect((await run(at)).notified).toEqual([]);
    const later = new Date(Date.now() + 16 * minute);
    expect((await run(later)).notified).toEqual(["handler:test-greetings:test.contact.pinged"]);
    expect((await run(new Date(later.getTime() + 5 * minute))).notified).toEqual([]);
    const sent = await mails("operations.handlerBehind");
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toBe("Pengiriman event ke test-greetings:test.contact.pinged tertinggal");
  });

  it("mails when a channel keeps failing, not when some messages still go through", async () => {
    const { runtime } = app;
    const failed = (n: number) =>
      Array.from({ length: n }, () => ({ channel: "whatsapp" as const, status: "failed" as const, recipient: "+6281200000000", template: "core.fixture", locale: "id" as const }));
    await runtime.db.insert(messages).values(failed(4));
    expect((await run(new Date())).notified).toEqual([]); // 4 < 5
    await runtime.db.insert(messages).values([
      ...failed(1),
      { channel: "whatsapp", status: "sent", recipient: "+6281200000001", template: "core.fixture", locale: "id" },
    ]);
    expect((await run(new Date())).notified).toEqual([]); // one went through: not "keeps failing"
    await runtime.db.execute(sql`delete from messages where status = 'sent'`);
    expect((await run(new Date())).notified).toEqual(["channel:whatsapp"]);
    expect((await run(new Date())).notified).toEqual([]);
    const sent = await mails("operations.channelFailing");
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toBe("Pesan WhatsApp gagal terus");
  });

  it("mails when the last backup is older than expected, and counts from the first look when there was none", async () => {
    const { runtime } = app;
    const ops = operations({ backupDir: "/srv/nusa/backups" });
    const t0 = new Date(Date.UTC(2026, 11, 7, 0, 0, 0));
    // none recorded yet: watched from now on
    expect((await run(t0, ops)).notified).toEqual([]);
    expect((await run(new Date(t0.getTime() + 25 * 60 * minute), ops)).notified).toEqual([]);
    expect((await run(new Date(t0.getTime() + 27 * 60 * minute), ops)).notified).toEqual(["backup"]);
    // a backup arrives: cleared; 27 hours after it, late again (a new episode)
    const backupAt = new Date(t0.getTime() + 28 * 60 * minute);
    await recordBackup(runtime.db, { at: backupAt, file: "/srv/nusa/backups/x.tar.gz", bytes: 1 });
    expect((await run(new Date(backupAt.getTime() + minute), ops)).cleared).toEqual(["backup"]);
    expect((await run(new Date(backupAt.getTime() + 20 * 60 * minute), ops)).notified).toEqual([]);
    expect((await run(new Date(backupAt.getTime() + 27 * 60 * minute), ops)).notified).toEqual(["backup"]);
    expect((await run(new Date(backupAt.getTime() + 28 * 60 * minute), ops)).notified).toEqual([]);
    const sent = await mails("operations.backupLate");
    expect(sent).toHaveLength(2);
    expect(sent[0].subject).toBe("Cadangan database terlambat");
    // with backups off there is nothing to be late
    expect((await run(new Date(backupAt.getTime() + 90 * 60 * minute), operations())).firing).not.toContain("backup");
  });
});

describe("a transaction that holds back event delivery (PostgreSQL)", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)("names the process on the status page and mails the admins once", async () => {
    const { runtime } = app;
    const [{ name }] = rowsOf<{ name: string }>(await runtime.db.execute(sql`select current_database() as name`));
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    const console = postgres(url.toString(), { max: 1, onnotice: () => {}, connection: { application_name: "psql-konsol" } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const open = new Promise<void>((resolve) => (started = resolve));
    // someone's console session: a write, then left open
    const session = console.begin(async (tx) => {
      await tx`select pg_current_xact_id()`;
      started();
      await held;
    });
    try {
      await open;
      const before = await collectOperationsFigures(runtime.database, { handlers: [], operations: operations() });
      expect(before.horizon).toMatchObject({ holder: { application: "psql-konsol" }, waiting: 0 });
      await runtime.bus.emit(runtime.db, contactPingedEvent, { contactId: randomUUID() });
      await runtime.bus.emit(runtime.db, contactPingedEvent, { contactId: randomUUID() });
      const figures = await collectOperationsFigures(runtime.database, { handlers: [], operations: operations() });
      expect(figures.horizon).toMatchObject({ holder: { application: "psql-konsol", state: "idle in transaction" }, waiting: 2 });
      // held for less than the lag limit: shown, not alerted
      expect((await run(new Date())).firing).not.toContain("horizon");
      // past it (a limit of 0 minutes stands in for a quarter of an hour gone by)
      const now = operations({ alertEventLagMinutes: 0 });
      expect((await run(new Date(), now)).notified).toContain("horizon");
      expect((await run(new Date(), now)).notified).not.toContain("horizon");
      const sent = await mails("operations.horizonHeld");
      expect(sent.map((m) => m.to)).toEqual([admin.email]);
      expect(sent[0].subject).toBe("Pengiriman event tertahan oleh transaksi database yang terbuka");
      const status = await loadOperationsStatus({ ...runtime, config: { ...runtime.config, operations: now } });
      expect(status.horizon).toMatchObject({ held: true, waiting: 2, holder: { application: "psql-konsol", pid: figures.horizon.holder!.pid } });
    } finally {
      release();
      await session;
      await console.end();
    }
    // it ended: nothing holds delivery back, and the alert clears
    expect((await collectOperationsFigures(runtime.database, { handlers: [], operations: operations() })).horizon).toEqual({ holder: null, waiting: 0 });
    expect((await run(new Date(), operations({ alertEventLagMinutes: 0 }))).cleared).toContain("horizon");
  });

  it.skipIf(!!process.env.TEST_DATABASE_URL)("reports nothing on PGlite, where the app is the only session", async () => {
    expect((await collectOperationsFigures(app.runtime.database, { handlers: [], operations: operations() })).horizon).toEqual({ holder: null, waiting: 0 });
  });
});
