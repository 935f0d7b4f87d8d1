// SLA escalation runs as the cron job the runtime defines; here it is sent and drained by hand.
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, branches, messages, ticketMessages, tickets, users } from "../../../db/schema/index.ts";
import { callRoute, createCustomer, createStaff, createTestApp, unwrap } from "../../../tests/support/test-app.ts";
import * as portalTicket from "../../routes/requester/ticket.tsx";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { escalationTarget, ticketEscalationQueue } from "./ticket-escalation.server.ts";
import { openTicketAsCustomer } from "./tickets.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let customer: Awaited<ReturnType<typeof createCustomer>>;
let jakarta: string;
let makassar: string;

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  const rows = await runtime.db
    .insert(branches)
    .values([
      { code: "RSNM-JKT", name: "RS Nusa Medika Jakarta", kind: "hospital", timeZone: "Asia/Jakarta" },
      { code: "RSNM-MKS", name: "RS Nusa Medika Makassar", kind: "hospital", timeZone: "Asia/Makassar" },
    ])
    .returning();
  jakarta = rows[0].id;
  makassar = rows[1].id;
  customer = await createCustomer(runtime);
});
afterAll(() => app?.close());

async function breachedTicket(branchId: string | null, overrides: Partial<typeof tickets.$inferInsert> = {}) {
  const actor = { kind: "customer" as const, userId: customer.id, contactId: customer.contact.id };
  const { id } = await openTicketAsCustomer(runtime, actor, { category: "complaint", subject: "Menunggu terlalu lama", body: "Tiga jam." });
  await runtime.db
    .update(tickets)
    .set({ branchId, slaDueAt: new Date(Date.now() - 5 * 60_000), ...overrides })
    .where(eq(tickets.id, id));
  return id;
}

async function runJob() {
  await runtime.jobs.send(ticketEscalationQueue, {});
  return runtime.jobs.drain(ticketEscalationQueue);
}

async function staffWithBranch(roles: string[], branchId: string | null, name: string) {
  const user = await createStaff(runtime, { roles, name });
  await runtime.db.update(users).set({ branchId }).where(eq(users.id, user.id));
  return user;
}

describe("SLA escalation job", () => {
  it("escalates a breached ticket once, to a manager of its branch, with a note, an audit entry and an e-mail", async () => {
    await staffWithBranch(["manager"], jakarta, "Bambang Jakarta");
    const makassarManager = await staffWithBranch(["manager"], makassar, "Andi Makassar");
    const id = await breachedTicket(makassar);
    const fresh = await breachedTicket(makassar, { slaDueAt: new Date(Date.now() + 3600_000) });

    expect(await runJob()).toBe(1);
    const [ticket] = await runtime.db.select().from(tickets).where(eq(tickets.id, id));
    expect(ticket.escalatedAt).not.toBeNull();
    expect(ticket.escalatedToId).toBe(makassarManager.id);

    const notes = await runtime.db.select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, id), eq(ticketMessages.authorKind, "system")));
    expect(notes).toHaveLength(1);
    expect(notes[0].internal).toBe(true);
    expect(JSON.parse(notes[0].body)).toMatchObject({ key: "tickets.system.escalated", values: { manager: "Andi Makassar" } });

    const audits = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "ticket.escalated"), eq(auditLog.entityId, id)));
    expect(audits).toHaveLength(1);
    expect(audits[0].actorKind).toBe("system");

    const mails = await runtime.db.select().from(messages).where(and(eq(messages.recipient, makassarManager.email), eq(messages.template, "tickets.escalated")));
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe(`Eskalasi: tiket ${ticket.number} melewati SLA`);
    // the due time is shown in the branch's zone
    expect(mails[0].bodyText).toContain("WITA");
    expect(mails[0].bodyText).toContain(`/staff/tickets/${id}`);

    // a second and a third run change nothing
    await runJob();
    await runJob();
    expect(await runtime.db.select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, id), eq(ticketMessages.authorKind, "system")))).toHaveLength(1);
    expect(await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "ticket.escalated"), eq(auditLog.entityId, id)))).toHaveLength(1);
    expect(await runtime.db.select().from(messages).where(and(eq(messages.recipient, makassarManager.email), eq(messages.template, "tickets.escalated")))).toHaveLength(1);

    const [notYet] = await runtime.db.select().from(tickets).where(eq(tickets.id, fresh));
    expect(notYet.escalatedAt).toBeNull();
  });

  it("leaves resolved, closed and waiting tickets alone", async () => {
    const resolved = await breachedTicket(jakarta, { status: "resolved" });
    const closed = await breachedTicket(jakarta, { status: "closed" });
    const waiting = await breachedTicket(jakarta, { status: "waiting_customer" });
    await runJob();
    const rows = await runtime.db.select().from(tickets).where(inArray(tickets.id, [resolved, closed, waiting]));
    expect(rows.every((r) => r.escalatedAt === null)).toBe(true);
  });

  it("falls back to a manager of another branch, then to an admin", async () => {
    const unbranched = await breachedTicket(null);
    await runJob();
    const [row] = await runtime.db.select().from(tickets).where(eq(tickets.id, unbranched));
    expect(row.escalatedToId).not.toBeNull();
    const [target] = await runtime.db.select().from(users).where(eq(users.id, row.escalatedToId!));
    expect(target.name).toMatch(/Bambang Jakarta|Andi Makassar/);

    // with every manager gone, an admin hears about it
    await runtime.db.update(users).set({ active: false }).where(inArray(users.name, ["Bambang Jakarta", "Andi Makassar"]));
    const admin = await staffWithBranch(["admin"], null, "Sari Admin");
    expect((await escalationTarget(runtime.db, jakarta))?.id).toBe(admin.id);
  });

  it("the escalation note is internal: the customer never sees it", async () => {
    const id = await breachedTicket(jakarta);
    await runJob();
    const view = unwrap(await callRoute(runtime, portalTicket.loader, { path: `/portal/tickets/${id}`, cookie: customer.cookie, params: { ticketId: id } }));
    expect(view.status).toBe(200);
    const json = JSON.stringify(view.data);
    expect(json).not.toContain("tickets.system.escalated");
    expect((view.data as { messages: { authorKind: string }[] }).messages.some((m) => m.authorKind === "system")).toBe(false);
  });
});
