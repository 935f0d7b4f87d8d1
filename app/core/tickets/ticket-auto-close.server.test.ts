// Ticket policy: the admin form for SLA targets and auto-close, and the hourly auto-close job.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, consents, surveys, ticketMessages, tickets } from "../../../db/schema/index.ts";
import { callRoute, createCustomer, createStaff, createTestApp, unwrap } from "../../../tests/support/test-app.ts";
import * as settingsPage from "../../routes/staff/settings.tickets.tsx";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { ticketAutoCloseQueue } from "./ticket-auto-close.server.ts";
import { readTicketAutoClose, readTicketFirstResponse, readTicketSla } from "./ticket-sla.server.ts";
import { openTicketAsCustomer } from "./tickets.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let customer: Awaited<ReturnType<typeof createCustomer>>;
let admin: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  customer = await createCustomer(runtime);
  await runtime.db.insert(consents).values({ contactId: customer.contact.id, purpose: "surveys", granted: true, source: "portal" });
  admin = await createStaff(runtime, { roles: ["admin"] });
});
afterAll(() => app?.close());

const validForm = {
  urgent: "2",
  high: "6",
  normal: "24",
  low: "96",
  firstResponseUrgent: "1",
  firstResponseHigh: "3",
  firstResponseNormal: "8",
  firstResponseLow: "48",
  autoCloseDays: "5",
};

async function ticketResolvedDaysAgo(days: number, overrides: Partial<typeof tickets.$inferInsert> = {}) {
  const actor = { kind: "customer" as const, userId: customer.id, contactId: customer.contact.id };
  const { id } = await openTicketAsCustomer(runtime, actor, { category: "complaint", subject: "Antrean farmasi lama", body: "Dua jam menunggu obat." });
  await runtime.db
    .update(tickets)
    .set({ status: "resolved", resolvedAt: new Date(Date.now() - days * 86_400_000), ...overrides })
    .where(eq(tickets.id, id));
  return id;
}

async function runJob() {
  await runtime.jobs.send(ticketAutoCloseQueue, {});
  return runtime.jobs.drain(ticketAutoCloseQueue);
}

const statusOf = async (id: string) => (await runtime.db.select().from(tickets).where(eq(tickets.id, id)))[0];

describe("the ticket settings page", () => {
  it("saves SLA hours and the auto-close delay, audited, and new tickets use the new target", async () => {
    const res = await callRoute(runtime, settingsPage.action, { path: "/staff/settings/tickets", method: "POST", cookie: admin.cookie, form: validForm });
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).headers.get("Location")).toBe("/staff/settings/tickets?notice=saved");
    expect(await readTicketSla(runtime.db)).toEqual({ urgent: 2, high: 6, normal: 24, low: 96 });
    expect(await readTicketFirstResponse(runtime.db)).toEqual({ urgent: 1, high: 3, normal: 8, low: 48 });
    expect(await readTicketAutoClose(runtime.db)).toEqual({ afterDays: 5 });
    const entries = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "settings.changed"), eq(auditLog.actorUserId, admin.id)));
    expect(entries.map((e) => e.entityId).sort()).toEqual(["tickets.autoClose", "tickets.firstResponse", "tickets.sla"]);

    const actor = { kind: "customer" as const, userId: customer.id, contactId: customer.contact.id };
    const before = Date.now();
    const { id } = await openTicketAsCustomer(runtime, actor, { category: "complaint", subject: "Parkir penuh", body: "Tidak ada tempat." });
    const ticket = await statusOf(id);
    const hoursToTarget = (ticket.slaDueAt.getTime() - before) / 3600_000;
    expect(hoursToTarget).toBeGreaterThan(23.9);
    expect(hoursToTarget).toBeLessThan(24.1);

    const page = unwrap(await callRoute(runtime, settingsPage.loader, { path: "/staff/settings/tickets", cookie: admin.cookie })).data as {
      policy: Record<string, number>;
    };
    expect(page.policy).toEqual({
      urgent: 2,
      high: 6,
      normal: 24,
      low: 96,
      firstResponseUrgent: 1,
      firstResponseHigh: 3,
      firstResponseNormal: 8,
      firstResponseLow: 48,
      autoCloseDays: 5,
    });
  });

  it("refuses bad input with translated field errors and changes nothing", async () => {
    const before = await readTicketSla(runtime.db);
    const res = await callRoute(runtime, settingsPage.action, {
      path: "/staff/settings/tickets",
      method: "POST",
      cookie: admin.cookie,
      form: { ...validForm, urgent: "0", low: "abc", autoCloseDays: "365" },
    });
    const reply = unwrap(res);
    expect(reply.status).toBe(400);
    const errors = (reply.data as { error: Record<string, string[]> }).error;
    expect(Object.keys(errors).sort()).toEqual(["autoCloseDays", "low", "urgent"]);
    for (const messages of Object.values(errors)) for (const m of messages) expect(m).toMatch(/^validation\./);
    expect(await readTicketSla(runtime.db)).toEqual(before);
  });

  it("is for admins with the settings permission only", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const res = await callRoute(runtime, settingsPage.action, { path: "/staff/settings/tickets", method: "POST", cookie: agent.cookie, form: validForm });
    expect((res as Response).status).toBe(403);
  });
});

describe("the auto-close job", () => {
  it("closes tickets resolved longer ago than the setting, once, with a visible note and a survey request", async () => {
    // the page test above set 5 days
    const stale = await ticketResolvedDaysAgo(6);
    const recent = await ticketResolvedDaysAgo(2);
    const rated = await ticketResolvedDaysAgo(8, { satisfaction: "good" });

    expect(await runJob()).toBeGreaterThan(0);
    const closed = await statusOf(stale);
    expect(closed.status).toBe("closed");
    expect(closed.closedAt).not.toBeNull();
    expect((await statusOf(recent)).status).toBe("resolved");
    expect((await statusOf(rated)).status).toBe("closed");

    const notes = await runtime.db.select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, stale), eq(ticketMessages.authorKind, "system")));
    expect(notes).toHaveLength(1);
    expect(notes[0].internal).toBe(false);
    expect(JSON.parse(notes[0].body)).toEqual({ key: "tickets.system.autoClosed", values: { days: "5" } });
    const audit = await runtime.db.select().from(auditLog).where(and(eq(auditLog.entityId, stale), eq(auditLog.action, "ticket.status_changed")));
    expect(audit).toHaveLength(1);
    expect(audit[0].data).toMatchObject({ from: "resolved", to: "closed", automatic: true });
    // a customer who never rated is asked; one who rated is not asked again
    expect(await runtime.db.select().from(surveys).where(eq(surveys.sourceId, stale))).toHaveLength(1);
    expect(await runtime.db.select().from(surveys).where(eq(surveys.sourceId, rated))).toHaveLength(0);

    // a second run finds nothing more to do
    await runJob();
    expect(await runtime.db.select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, stale), eq(ticketMessages.authorKind, "system")))).toHaveLength(1);
  });

  it("leaves resolved tickets alone when set to 0 days", async () => {
    await callRoute(runtime, settingsPage.action, { path: "/staff/settings/tickets", method: "POST", cookie: admin.cookie, form: { ...validForm, autoCloseDays: "0" } });
    const old = await ticketResolvedDaysAgo(60);
    await runJob();
    expect((await statusOf(old)).status).toBe("resolved");
  });
});
