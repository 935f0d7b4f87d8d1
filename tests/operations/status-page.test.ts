// Issue 17: /staff/settings/status shows the operations figures to admins only, in id and en.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordBackup } from "../../app/core/operations/operations-figures.server.ts";
import { campaignBatchQueue } from "../../app/core/segments/segment-campaigns.server.ts";
import * as statusPage from "../../app/routes/staff/settings.status.tsx";
import { settingsTabs } from "../../app/ui/settings-tabs.tsx";
import { messages } from "../../db/schema/index.ts";
import enOperations from "../../locales/en/operations.json";
import idOperations from "../../locales/id/operations.json";
import testGreetings from "../fixtures/plugins/test-greetings/index.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [testGreetings], env: { BACKUP_DIR: "/srv/nusa/backups", BACKUP_MAX_AGE_HOURS: "26" } });
  const { runtime } = app;
  const id = await runtime.jobs.send(campaignBatchQueue, { campaignId: "x" });
  await runtime.db.execute(sql`update pgboss.job set start_after = now() - interval '20 minutes' where id = ${id}`);
  await runtime.db.insert(messages).values(
    Array.from({ length: 1234 }, () => ({ channel: "email" as const, status: "sent" as const, recipient: "a@contoh.id", template: "core.fixture", locale: "id" as const })),
  );
  await recordBackup(runtime.db, { at: new Date(Date.now() - 30 * 3600_000), file: "/srv/nusa/backups/nusa-x.tar.gz", bytes: 2_500_000 });
});
afterAll(async () => app.close());

type StatusData = Awaited<ReturnType<typeof statusPage.loader>>;

describe("status page", () => {
  it("is linked from the settings tabs for admins", () => {
    expect(settingsTabs.find((tab) => tab.to === "/staff/settings/status")?.permission).toBe("core.settings.manage");
  });

  it("refuses staff without the admin permission", async () => {
    const manager = await createStaff(app.runtime, { roles: ["manager"] });
    const result = unwrap(await callRoute(app.runtime, statusPage.loader, { path: "/staff/settings/status", cookie: manager.cookie }));
    expect(result.status).toBe(403);
    const anonymous = unwrap(await callRoute(app.runtime, statusPage.loader, { path: "/staff/settings/status" }));
    expect([302, 401]).toContain(anonymous.status);
  });

  it("shows the figures, formatted in the reader's language", async () => {
    const admin = await createStaff(app.runtime, { roles: ["admin"] });
    const id = unwrap(await callRoute(app.runtime, statusPage.loader, { path: "/staff/settings/status", cookie: admin.cookie, headers: { "Accept-Language": "id" } })).data as StatusData;
    expect(id.title).toBe(`${idOperations.status.title} · Nusa CRM`);
    const queue = id.queues.find((q) => q.queue === campaignBatchQueue)!;
    expect(queue.waiting).toBe("1");
    expect(queue.oldestWaitSeconds).toBeGreaterThanOrEqual(20 * 60);
    expect(queue.behind).toBe(true); // 20 minutes > 15
    expect(id.channels.find((c) => c.channel === "email")!.sent).toBe("1.234");
    expect(id.backup).toMatchObject({ enabled: true, late: true, ageHours: 30, lastBytes: "2.500.000" });
    expect(id.backup.lastAt).toMatch(/WIB$/);

    const en = unwrap(await callRoute(app.runtime, statusPage.loader, { path: "/staff/settings/status", cookie: admin.cookie, headers: { "Accept-Language": "en" } })).data as StatusData;
    expect(en.title).toBe(`${enOperations.status.title} · Nusa CRM`);
    // English groups thousands with "," (app/core/i18n/format.ts numberLocale)
    expect(en.channels.find((c) => c.channel === "email")!.sent).toBe("1,234");
    expect(en.backup.lastAt).toMatch(/WIB$/);
  });
});
