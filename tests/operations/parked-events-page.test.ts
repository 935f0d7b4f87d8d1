// Issue 11 item 2: /staff/settings/events lists parked events per handler with their error, payload
// and time; admins retry one or all, audited; other staff are refused; both languages.
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as page from "../../app/routes/staff/settings.events.tsx";
import { settingsTabs } from "../../app/ui/settings-tabs.tsx";
import { auditLog, domainEvents, eventParked } from "../../db/schema/index.ts";
import enOperations from "../../locales/en/operations.json";
import idOperations from "../../locales/id/operations.json";
import testGreetings from "../fixtures/plugins/test-greetings/index.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<typeof createStaff>>;
const path = "/staff/settings/events";
type PageData = Awaited<ReturnType<typeof page.loader>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [testGreetings] });
  admin = await createStaff(app.runtime, { roles: ["admin"] });
});
afterAll(async () => app.close());
beforeEach(async () => {
  await app.runtime.db.delete(eventParked);
});

/** A logged event parked for the test-greetings handler; a payload its definition refuses keeps failing on retry. */
async function park(payload: Record<string, unknown>, error = "Error: boom") {
  const [event] = await app.runtime.db.insert(domainEvents).values({ name: "test.contact.pinged", version: 1, payload }).returning({ id: domainEvents.id });
  await app.runtime.db.insert(eventParked).values({ subscriber: "test-greetings", eventId: event.id, error, attempts: 5 });
  return event.id;
}

const greetingsAudited = (contactId: string) =>
  app.runtime.db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, "test-greetings.greeted"), eq(auditLog.entityId, contactId)));

describe("parked events page", () => {
  it("is a settings tab for admins and refuses other staff", async () => {
    expect(settingsTabs.find((tab) => tab.to === path)?.permission).toBe("core.settings.manage");
    const manager = await createStaff(app.runtime, { roles: ["manager"] });
    expect(unwrap(await callRoute(app.runtime, page.loader, { path, cookie: manager.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, page.action, { path, cookie: manager.cookie, form: { intent: "retryAll" } })).status).toBe(403);
    expect([302, 401]).toContain(unwrap(await callRoute(app.runtime, page.loader, { path })).status);
  });

  it("lists parked events per handler with error, payload summary and time, in both languages", async () => {
    const contactId = randomUUID();
    const id = await park({ contactId }, "EventDefinitionError: nope");
    const idPage = unwrap(await callRoute(app.runtime, page.loader, { path, cookie: admin.cookie, headers: { "Accept-Language": "id" } })).data as PageData;
    expect(idPage.title).toBe(`${idOperations.parked.title} · Nusa CRM`);
    expect(idPage.total).toBe(1);
    expect(idPage.groups).toHaveLength(1);
    expect(idPage.groups[0].subscriber).toBe("test-greetings");
    expect(idPage.groups[0].events[0]).toMatchObject({ eventId: id, name: "test.contact.pinged", summary: JSON.stringify({ contactId }), error: "EventDefinitionError: nope", attempts: "5" });
    expect(idPage.groups[0].events[0].parkedAt).toMatch(/WIB$/);
    const enPage = unwrap(await callRoute(app.runtime, page.loader, { path, cookie: admin.cookie, headers: { "Accept-Language": "en" } })).data as PageData;
    expect(enPage.title).toBe(`${enOperations.parked.title} · Nusa CRM`);
  });

  it("retries one event: applied, gone from the list, audited", async () => {
    const contactId = randomUUID();
    const id = await park({ contactId });
    const answer = unwrap(await callRoute(app.runtime, page.action, { path, cookie: admin.cookie, form: { intent: "retry", subscriber: "test-greetings", eventId: String(id) } }));
    expect(answer.status).toBe(302);
    expect(answer.headers?.get("Location")).toBe(`${path}?notice=retried&retried=1&succeeded=1`);
    expect(await greetingsAudited(contactId)).toHaveLength(1); // the handler ran once
    expect(await app.runtime.db.select().from(eventParked)).toEqual([]);
    const [entry] = await app.runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "core.event.parked_retried"), eq(auditLog.entityId, String(id))));
    expect(entry).toMatchObject({ actorUserId: admin.id, data: { subscriber: "test-greetings", ok: true } });

    // a second retry of the same event: a clear 404, nothing run again
    const again = unwrap(await callRoute(app.runtime, page.action, { path, cookie: admin.cookie, form: { intent: "retry", subscriber: "test-greetings", eventId: String(id) } }));
    expect(again.status).toBe(404);
    expect(again.data).toEqual({ error: "operations:parked.errors.notParked" });
    expect(await greetingsAudited(contactId)).toHaveLength(1);
  });

  it("retries all: the ones that succeed leave, the ones that fail again stay with their new error", async () => {
    const good = randomUUID();
    await park({ contactId: good });
    const bad = await park({ contactId: "not-a-uuid" });
    const answer = unwrap(await callRoute(app.runtime, page.action, { path, cookie: admin.cookie, form: { intent: "retryAll" } }));
    expect(answer.headers?.get("Location")).toBe(`${path}?notice=retried&retried=2&succeeded=1`);
    expect(await greetingsAudited(good)).toHaveLength(1);
    const left = await app.runtime.db.select().from(eventParked);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ eventId: bad, attempts: 6 });
    expect(left[0].error).toContain("does not match its definition");
    const [entry] = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "core.event.parked_retried_all"));
    expect(entry.data).toMatchObject({ retried: 2, succeeded: 1, stillParked: [{ subscriber: "test-greetings", eventId: bad }] });

    const shown = unwrap(await callRoute(app.runtime, page.loader, { path: `${path}?notice=retried&retried=2&succeeded=1`, cookie: admin.cookie, headers: { "Accept-Language": "en" } })).data as PageData;
    expect(shown.notice).toMatchObject({ retried: 2, succeeded: 1, stillFailing: 1 });
  });

  it("refuses a malformed request with a translated 400 and changes nothing", async () => {
    await park({ contactId: randomUUID() });
    const answer = unwrap(await callRoute(app.runtime, page.action, { path, cookie: admin.cookie, form: { intent: "retry", subscriber: "test-greetings", eventId: "abc" } }));
    expect(answer.status).toBe(400);
    expect(answer.data).toEqual({ error: "operations:parked.errors.invalid" });
    expect(await app.runtime.db.select().from(eventParked)).toHaveLength(1);
  });
});
