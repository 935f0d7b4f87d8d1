// Tickets through the real stack: route loader/action -> domain -> database, in all three portals.
// Customers and partners only ever reach their own tickets; internal notes never reach them.
import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSetting } from "../app/core/settings/app-settings.server.ts";
import { setConsent } from "../app/core/consents/consents.server.ts";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as partnerTicket from "../app/routes/requester/ticket.tsx";
import * as partnerTicketNew from "../app/routes/partner/ticket-new.tsx";
import * as partnerTickets from "../app/routes/partner/tickets.tsx";
import * as portalTicket from "../app/routes/requester/ticket.tsx";
import * as portalTicketNew from "../app/routes/portal/ticket-new.tsx";
import * as portalTickets from "../app/routes/portal/tickets.tsx";
import * as staffTicket from "../app/routes/staff/ticket.tsx";
import * as staffTicketNew from "../app/routes/staff/ticket-new.tsx";
import * as staffTickets from "../app/routes/staff/tickets.tsx";
import * as ticketSettings from "../app/routes/staff/settings.tickets.tsx";
import { rowsOf } from "../db/client.ts";
import { auditLog, branches, interactions, messages, surveys, ticketMessages, tickets, users } from "../db/schema/index.ts";
import {
  callRoute,
  createContact,
  createCustomer,
  createPartnerOrg,
  createPartnerUser,
  createStaff,
  createTestApp,
  unwrap,
} from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let agent: Awaited<ReturnType<typeof createStaff>>;
let colleague: Awaited<ReturnType<typeof createStaff>>;
let marketing: Awaited<ReturnType<typeof createStaff>>;
let customerA: Awaited<ReturnType<typeof createCustomer>>;
let customerB: Awaited<ReturnType<typeof createCustomer>>;
let orgX: Awaited<ReturnType<typeof createPartnerOrg>>;
let orgY: Awaited<ReturnType<typeof createPartnerOrg>>;
let partnerX: Awaited<ReturnType<typeof createPartnerUser>>;
let partnerX2: Awaited<ReturnType<typeof createPartnerUser>>;
let partnerY: Awaited<ReturnType<typeof createPartnerUser>>;

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  agent = await createStaff(runtime, { roles: ["agent"], name: "Rina Marlina" });
  colleague = await createStaff(runtime, { roles: ["agent"], name: "Dewi Lestari" });
  marketing = await createStaff(runtime, { roles: ["marketing"] });
  customerA = await createCustomer(runtime, { email: "budi@contoh.id" });
  customerB = await createCustomer(runtime, { email: "ani@contoh.id" });
  orgX = await createPartnerOrg(runtime, { name: "Klinik Sehat Sentosa" });
  orgY = await createPartnerOrg(runtime, { name: "PT Sumber Makmur" });
  partnerX = await createPartnerUser(runtime, orgX.id);
  partnerX2 = await createPartnerUser(runtime, orgX.id);
  partnerY = await createPartnerUser(runtime, orgY.id);
});
afterAll(() => app?.close());

type Reply = { intent?: string; result: { status?: string; error?: Record<string, string[] | null> } };

function location(response: unknown) {
  expect(response).toBeInstanceOf(Response);
  return (response as Response).headers.get("Location") ?? "";
}

async function openAsCustomer(customer: { cookie: string }, subject = "Antrean poli terlalu lama") {
  const response = await callRoute(runtime, portalTicketNew.action, {
    path: "/portal/tickets/new",
    cookie: customer.cookie,
    form: { intent: "open", category: "complaint", subject, body: "Saya menunggu tiga jam di poli penyakit dalam." },
  });
  const id = location(response).match(/\/portal\/tickets\/([0-9a-f-]{36})\?created=1$/)?.[1];
  expect(id).toBeTruthy();
  return id!;
}

async function ticketRow(id: string) {
  const [row] = await runtime.db.select().from(tickets).where(eq(tickets.id, id));
  return row;
}

async function staffAct(cookie: string, id: string, form: Record<string, string>) {
  return unwrap(await callRoute(runtime, staffTicket.action, { path: `/staff/tickets/${id}`, cookie, params: { ticketId: id }, form }));
}

async function emailsTo(address: string) {
  return runtime.db.select().from(messages).where(eq(messages.recipient, address)).orderBy(desc(messages.createdAt));
}

describe("a customer's tickets in the portal", () => {
  it("refuses an incomplete ticket with translated field errors", async () => {
    const result = unwrap(
      await callRoute(runtime, portalTicketNew.action, { path: "/portal/tickets/new", cookie: customerA.cookie, form: { intent: "open", category: "nonsense", subject: "ab", body: "" } }),
    );
    expect(result.status).toBe(400);
    const errors = (result.data as { error: Record<string, string[]> }).error;
    expect(errors.category).toEqual(["validation.choice"]);
    expect(errors.subject).toEqual(["validation.tooShort|3"]);
    expect(errors.body).toEqual(["validation.required"]);
  });

  it("opens a ticket with the SLA of its priority, on the contact's timeline, audited", async () => {
    const before = Date.now();
    const id = await openAsCustomer(customerA);
    const ticket = await ticketRow(id);
    expect(ticket).toMatchObject({ contactId: customerA.contact.id, partnerOrgId: null, channel: "portal", status: "open", priority: "normal", firstResponseAt: null });
    expect(ticket.number).toMatch(/^TKT-\d+$/);
    // normal priority: 24 hours by default
    const hours = (ticket.slaDueAt.getTime() - ticket.createdAt.getTime()) / 3600_000;
    expect(hours).toBe(24);
    // and the first staff reply is due within 4 hours (normal, by default)
    expect((ticket.firstResponseDueAt!.getTime() - ticket.createdAt.getTime()) / 3600_000).toBe(4);
    expect(ticket.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const timeline = await runtime.db.select().from(interactions).where(and(eq(interactions.sourceType, "ticket"), eq(interactions.sourceId, id)));
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ contactId: customerA.contact.id, channel: "ticket", direction: "inbound" });
    expect(timeline[0].subject).toContain(ticket.number);
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "ticket.opened"), eq(auditLog.entityId, id)));
    expect(entry.actorUserId).toBe(customerA.id);
  });

  it("takes SLA hours from the settings", async () => {
    await writeSetting(runtime.db, { kind: "system" }, "tickets.sla", { normal: 2 });
    try {
      const ticket = await ticketRow(await openAsCustomer(customerA, "Parkir penuh"));
      expect((ticket.slaDueAt.getTime() - ticket.createdAt.getTime()) / 3600_000).toBe(2);
    } finally {
      await writeSetting(runtime.db, { kind: "system" }, "tickets.sla", {});
    }
  });

  it("takes first-response hours from the ticket settings page", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const form = { urgent: "4", high: "8", normal: "24", low: "72", firstResponseUrgent: "1", firstResponseHigh: "2", firstResponseNormal: "3", firstResponseLow: "24", autoCloseDays: "7" };
    const saved = await callRoute(runtime, ticketSettings.action, { path: "/staff/settings/tickets", cookie: admin.cookie, form });
    expect(location(saved)).toBe("/staff/settings/tickets?notice=saved");
    try {
      const ticket = await ticketRow(await openAsCustomer(customerA, "Balasan lambat"));
      expect((ticket.firstResponseDueAt!.getTime() - ticket.createdAt.getTime()) / 3600_000).toBe(3);
      expect((ticket.slaDueAt.getTime() - ticket.createdAt.getTime()) / 3600_000).toBe(24);
    } finally {
      await writeSetting(runtime.db, { kind: "system" }, "tickets.firstResponse", {});
      await writeSetting(runtime.db, { kind: "system" }, "tickets.sla", {});
      await writeSetting(runtime.db, { kind: "system" }, "tickets.autoClose", {});
    }
  });

  it("lists only the customer's own tickets", async () => {
    const mine = await openAsCustomer(customerA, "Tagihan ganda");
    const theirs = await openAsCustomer(customerB, "Obat tidak tersedia");
    const listA = unwrap(await callRoute(runtime, portalTickets.loader, { path: "/portal/tickets", cookie: customerA.cookie })).data as { tickets: { id: string }[] };
    const idsA = listA.tickets.map((t) => t.id);
    expect(idsA).toContain(mine);
    expect(idsA).not.toContain(theirs);
    const listB = unwrap(await callRoute(runtime, portalTickets.loader, { path: "/portal/tickets", cookie: customerB.cookie })).data as { tickets: { id: string }[] };
    expect(listB.tickets.map((t) => t.id)).toEqual([theirs]);
  });

  it("never lets customer B read, answer or rate customer A's ticket by its id", async () => {
    const id = await openAsCustomer(customerA, "Kamar rawat inap kotor");
    const path = `/portal/tickets/${id}`;
    expect(unwrap(await callRoute(runtime, portalTicket.loader, { path, cookie: customerB.cookie, params: { ticketId: id } })).status).toBe(404);
    const reply = unwrap(await callRoute(runtime, portalTicket.action, { path, cookie: customerB.cookie, params: { ticketId: id }, form: { intent: "reply", body: "Saya ikut campur" } }));
    expect(reply.status).toBe(404);
    await runtime.db.update(tickets).set({ status: "resolved" }).where(eq(tickets.id, id));
    const rate = unwrap(await callRoute(runtime, portalTicket.action, { path, cookie: customerB.cookie, params: { ticketId: id }, form: { intent: "rate", rating: "poor" } }));
    expect(rate.status).toBe(404);
    const thread = await runtime.db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, id));
    expect(thread.map((m) => m.body)).not.toContain("Saya ikut campur");
    expect((await ticketRow(id)).satisfaction).toBeNull();
    // and the owner still can
    expect(unwrap(await callRoute(runtime, portalTicket.loader, { path, cookie: customerA.cookie, params: { ticketId: id } })).status).toBe(200);
  });

  it("answers 404 for an id that is not a uuid, and sends signed-out visitors to sign in", async () => {
    expect(unwrap(await callRoute(runtime, portalTicket.loader, { path: "/portal/tickets/1", cookie: customerA.cookie, params: { ticketId: "1" } })).status).toBe(404);
    expect(location(await callRoute(runtime, portalTickets.loader, { path: "/portal/tickets" }))).toBe("/portal/login?redirectTo=%2Fportal%2Ftickets");
    // a staff member is not a customer: the portal sends them to its own sign-in
    expect(location(await callRoute(runtime, portalTickets.loader, { path: "/portal/tickets", cookie: agent.cookie }))).toContain("/portal/login");
  });
});

describe("the conversation", () => {
  it("keeps internal notes out of the customer's page, and e-mails public replies in the customer's language", async () => {
    const id = await openAsCustomer(customerA, "Hasil lab belum keluar");
    const secret = "Catatan internal: pasien ini sering komplain, cek dengan dr. Andi";
    expect((await staffAct(agent.cookie, id, { intent: "note", body: secret })).status).toBe(200);
    expect((await emailsTo(customerA.email)).filter((m) => m.template === "tickets.reply")).toHaveLength(0);

    await runtime.db.update(users).set({ locale: "en" }).where(eq(users.id, customerA.id));
    try {
      expect((await staffAct(agent.cookie, id, { intent: "reply", body: "Hasilnya keluar besok pagi." })).status).toBe(200);
    } finally {
      await runtime.db.update(users).set({ locale: null }).where(eq(users.id, customerA.id));
    }

    const customerView = unwrap(await callRoute(runtime, portalTicket.loader, { path: `/portal/tickets/${id}`, cookie: customerA.cookie, params: { ticketId: id } }));
    const json = JSON.stringify(customerView.data);
    expect(json).toContain("Hasilnya keluar besok pagi.");
    expect(json).not.toContain(secret);
    expect((customerView.data as { messages: { internal: boolean }[] }).messages.every((m) => !m.internal)).toBe(true);

    const staffView = unwrap(await callRoute(runtime, staffTicket.loader, { path: `/staff/tickets/${id}`, cookie: agent.cookie, params: { ticketId: id } }));
    expect(JSON.stringify(staffView.data)).toContain(secret);

    const ticket = await ticketRow(id);
    expect(ticket.status).toBe("in_progress");
    expect(ticket.firstResponseAt).not.toBeNull();
    // the reply took the unassigned ticket
    expect(ticket.assigneeId).toBe(agent.id);

    const [mail] = (await emailsTo(customerA.email)).filter((m) => m.template === "tickets.reply");
    expect(mail.locale).toBe("en");
    expect(mail.subject).toBe(`Reply to ticket ${ticket.number}: Hasil lab belum keluar`);
    expect(mail.bodyText).toContain("Hasilnya keluar besok pagi.");
    expect(mail.bodyText).toContain(`http://localhost:3000/portal/tickets/${id}`);
    expect(mail.bodyText).not.toContain(secret);
  });

  it("records the first response time only once", async () => {
    const id = await openAsCustomer(customerA, "Salah jadwal");
    await staffAct(agent.cookie, id, { intent: "reply", body: "Kami cek dulu." });
    const first = (await ticketRow(id)).firstResponseAt;
    expect(first).toBeInstanceOf(Date);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later reply has a later clock reading
    await staffAct(agent.cookie, id, { intent: "reply", body: "Sudah kami perbaiki." });
    expect((await ticketRow(id)).firstResponseAt).toEqual(first);
  });

  it("puts a ticket waiting for the customer back in the team's hands when they answer", async () => {
    const id = await openAsCustomer(customerA, "Perlu surat keterangan");
    await staffAct(agent.cookie, id, { intent: "reply", body: "Mohon kirim fotokopi KTP." });
    expect((await staffAct(agent.cookie, id, { intent: "status", status: "waiting_customer" })).status).toBe(200);
    const reply = unwrap(
      await callRoute(runtime, portalTicket.action, { path: `/portal/tickets/${id}`, cookie: customerA.cookie, params: { ticketId: id }, form: { intent: "reply", body: "Sudah saya kirim." } }),
    );
    expect(reply.status).toBe(200);
    expect((await ticketRow(id)).status).toBe("in_progress");
  });
});

describe("status flow, rating and survey", () => {
  it("refuses a move the flow does not allow", async () => {
    const id = await openAsCustomer(customerA, "Lift rusak");
    await staffAct(agent.cookie, id, { intent: "status", status: "closed" });
    const back = await staffAct(agent.cookie, id, { intent: "status", status: "open" });
    expect(back.status).toBe(409);
    expect((back.data as Reply).result.error?.[""]).toEqual(["staff:tickets.errors.invalidTransition"]);
    expect((await ticketRow(id)).status).toBe("closed");
  });

  it("resolving e-mails the customer and lands on the timeline; their rating closes the ticket once", async () => {
    const id = await openAsCustomer(customerA, "AC ruang tunggu mati");
    expect((await staffAct(agent.cookie, id, { intent: "status", status: "resolved" })).status).toBe(200);
    const ticket = await ticketRow(id);
    expect(ticket.resolvedAt).not.toBeNull();
    const timeline = await runtime.db.select().from(interactions).where(and(eq(interactions.sourceType, "ticket"), eq(interactions.sourceId, id)));
    expect(timeline.map((i) => i.direction).sort()).toEqual(["inbound", "outbound"]);
    const resolvedMail = (await emailsTo(customerA.email)).find((m) => m.template === "tickets.resolved" && m.subject?.includes(ticket.number));
    expect(resolvedMail?.subject).toBe(`Tiket ${ticket.number} sudah diselesaikan`);

    const path = `/portal/tickets/${id}`;
    const view = unwrap(await callRoute(runtime, portalTicket.loader, { path, cookie: customerA.cookie, params: { ticketId: id } })).data as { ticket: { canRate: boolean } };
    expect(view.ticket.canRate).toBe(true);
    const rated = unwrap(await callRoute(runtime, portalTicket.action, { path, cookie: customerA.cookie, params: { ticketId: id }, form: { intent: "rate", rating: "excellent", comment: "Cepat sekali" } }));
    expect(rated.status).toBe(200);
    const after = await ticketRow(id);
    expect(after).toMatchObject({ status: "closed", satisfaction: "excellent", satisfactionComment: "Cepat sekali" });
    // the rating is the ticket's survey answer: counted in results, and no survey e-mail follows
    const [survey] = await runtime.db.select().from(surveys).where(and(eq(surveys.sourceType, "ticket"), eq(surveys.sourceId, id)));
    expect(survey).toMatchObject({ rating: "excellent", contactId: customerA.contact.id, staffUserId: agent.id });
    expect(survey.answeredAt).not.toBeNull();

    const again = unwrap(await callRoute(runtime, portalTicket.action, { path, cookie: customerA.cookie, params: { ticketId: id }, form: { intent: "rate", rating: "poor" } }));
    expect(again.status).toBe(409);
    expect((again.data as Reply).result.error?.[""]).toEqual(["portal:tickets.errors.alreadyRated"]);
    expect((await ticketRow(id)).satisfaction).toBe("excellent");
  });

  it("cannot be rated before it is resolved", async () => {
    const id = await openAsCustomer(customerA, "Belum selesai");
    const result = unwrap(
      await callRoute(runtime, portalTicket.action, { path: `/portal/tickets/${id}`, cookie: customerA.cookie, params: { ticketId: id }, form: { intent: "rate", rating: "good" } }),
    );
    expect(result.status).toBe(409);
    expect((await ticketRow(id)).satisfaction).toBeNull();
  });

  it("closing by staff asks the customer for a survey when consent allows, once", async () => {
    await setConsent(runtime.db, { kind: "system" }, { contactId: customerB.contact.id, purpose: "service_messages", granted: true, source: "registration" });
    const id = await openAsCustomer(customerB, "Kartu member hilang");
    await staffAct(agent.cookie, id, { intent: "status", status: "resolved" });
    await staffAct(agent.cookie, id, { intent: "status", status: "closed" });
    const rows = await runtime.db.select().from(surveys).where(and(eq(surveys.sourceType, "ticket"), eq(surveys.sourceId, id)));
    expect(rows).toHaveLength(1);
    expect(rows[0].answeredAt).toBeNull();
    expect(await runtime.jobs.drain("core.surveys.send")).toBeGreaterThanOrEqual(1);
    const mails = (await emailsTo(customerB.email)).filter((m) => m.template === "surveys.request");
    expect(mails).toHaveLength(1);
  });

  it("closing a ticket of a contact who withdrew consent sends no survey", async () => {
    const contact = await createContact(runtime, { email: "tanpa.survei@contoh.id" });
    await setConsent(runtime.db, { kind: "system" }, { contactId: contact.id, purpose: "service_messages", granted: true, source: "staff" });
    await setConsent(runtime.db, { kind: "system" }, { contactId: contact.id, purpose: "surveys", granted: false, source: "staff" });
    const created = await callRoute(runtime, staffTicketNew.action, {
      path: "/staff/tickets/new",
      cookie: agent.cookie,
      form: { intent: "open", contactId: contact.id, channel: "phone", category: "information", priority: "low", subject: "Tanya jadwal dokter", body: "Menelepon menanyakan jadwal." },
    });
    const id = location(created).match(/tickets\/([0-9a-f-]{36})/)![1];
    await staffAct(agent.cookie, id, { intent: "status", status: "closed" });
    expect(await runtime.db.select().from(surveys).where(and(eq(surveys.sourceType, "ticket"), eq(surveys.sourceId, id)))).toHaveLength(0);
  });
});

describe("tickets opened by staff", () => {
  it("opens a walk-in ticket for a contact, counts as first response and tells the assignee", async () => {
    const contact = await createContact(runtime, { fullName: "Siti Aminah", preferredLocale: "id" });
    const response = await callRoute(runtime, staffTicketNew.action, {
      path: "/staff/tickets/new",
      cookie: agent.cookie,
      form: { intent: "open", contactId: contact.id, channel: "walk_in", category: "service_request", priority: "urgent", subject: "Minta salinan rekam medis", body: "Datang ke loket.", assigneeId: colleague.id },
    });
    const id = location(response).match(/\/staff\/tickets\/([0-9a-f-]{36})/)![1];
    const ticket = await ticketRow(id);
    expect(ticket).toMatchObject({ contactId: contact.id, channel: "walk_in", priority: "urgent", assigneeId: colleague.id, openedByUserId: agent.id });
    expect(ticket.firstResponseAt).not.toBeNull();
    // nobody waits for a first reply: no deadline for it, so the first-response KPI leaves it out
    expect(ticket.firstResponseDueAt).toBeNull();
    expect((ticket.slaDueAt.getTime() - ticket.createdAt.getTime()) / 3600_000).toBe(4);
    const [mail] = await emailsTo(colleague.email);
    expect(mail.template).toBe("tickets.assigned");
    expect(mail.subject).toContain(ticket.number);
  });

  it("moves the SLA target when the priority changes", async () => {
    const id = await openAsCustomer(customerA, "Prioritas berubah");
    expect((await staffAct(agent.cookie, id, { intent: "classify", category: "complaint", priority: "high" })).status).toBe(200);
    const ticket = await ticketRow(id);
    expect(ticket.priority).toBe("high");
    expect((ticket.slaDueAt.getTime() - ticket.createdAt.getTime()) / 3600_000).toBe(8);
    expect((ticket.firstResponseDueAt!.getTime() - ticket.createdAt.getTime()) / 3600_000).toBe(2);
    // once answered, the first-response deadline is settled; the resolution target still moves
    expect((await staffAct(agent.cookie, id, { intent: "reply", body: "Kami cek dulu." })).status).toBe(200);
    expect((await staffAct(agent.cookie, id, { intent: "classify", category: "complaint", priority: "urgent" })).status).toBe(200);
    const answered = await ticketRow(id);
    expect((answered.slaDueAt.getTime() - answered.createdAt.getTime()) / 3600_000).toBe(4);
    expect(answered.firstResponseDueAt).toEqual(ticket.firstResponseDueAt);
  });

  it("refuses an unknown contact and an unknown assignee", async () => {
    const unknown = unwrap(
      await callRoute(runtime, staffTicketNew.action, {
        path: "/staff/tickets/new",
        cookie: agent.cookie,
        form: { intent: "open", contactId: "00000000-0000-4000-8000-000000000000", channel: "phone", category: "other", priority: "normal", subject: "Siapa ini", body: "?" },
      }),
    );
    expect(unknown.status).toBe(400);
    const contact = await createContact(runtime);
    const badAssignee = unwrap(
      await callRoute(runtime, staffTicketNew.action, {
        path: "/staff/tickets/new",
        cookie: agent.cookie,
        form: { intent: "open", contactId: contact.id, channel: "phone", category: "other", priority: "normal", subject: "Penugasan salah", body: "?", assigneeId: customerA.id },
      }),
    );
    expect(badAssignee.status).toBe(400);
    expect((badAssignee.data as { error: Record<string, string[]> }).error.assigneeId).toEqual(["staff:tickets.errors.assigneeInvalid"]);
  });

  it("keeps staff pages to staff with the ticket permissions", async () => {
    const id = await openAsCustomer(customerA, "Izin staf");
    // marketing holds neither core.ticket.read nor core.ticket.manage
    expect(unwrap(await callRoute(runtime, staffTickets.loader, { path: "/staff/tickets", cookie: marketing.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(runtime, staffTicket.loader, { path: `/staff/tickets/${id}`, cookie: marketing.cookie, params: { ticketId: id } })).status).toBe(403);
    expect((await staffAct(marketing.cookie, id, { intent: "note", body: "boleh?" })).status).toBe(403);
    expect(unwrap(await callRoute(runtime, staffTicketNew.loader, { path: "/staff/tickets/new", cookie: marketing.cookie })).status).toBe(403);
    // a customer is sent to the staff sign-in, never shown the page
    expect(location(await callRoute(runtime, staffTicket.loader, { path: `/staff/tickets/${id}`, cookie: customerA.cookie, params: { ticketId: id } }))).toContain("/staff/login");
    expect(location(await callRoute(runtime, staffTicket.action, { path: `/staff/tickets/${id}`, cookie: customerA.cookie, params: { ticketId: id }, form: { intent: "note", body: "x" } }))).toContain("/staff/login");
    const notes = await runtime.db.select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, id), eq(ticketMessages.internal, true)));
    expect(notes).toHaveLength(0);
  });
});

describe("the staff ticket list", () => {
  it("filters in SQL by status, priority, category, assignee, overdue and text", async () => {
    const overdue = await openAsCustomer(customerB, "Sudah lewat batas");
    await runtime.db.update(tickets).set({ slaDueAt: new Date(Date.now() - 3600_000), priority: "high", category: "billing" }).where(eq(tickets.id, overdue));
    const mine = await openAsCustomer(customerB, "Ditangani Dewi");
    await staffAct(agent.cookie, mine, { intent: "assign", assigneeId: colleague.id });
    const list = async (query: string, cookie = agent.cookie) =>
      (unwrap(await callRoute(runtime, staffTickets.loader, { path: `/staff/tickets?${query}`, cookie })).data as { tickets: { id: string; overdue: boolean }[] }).tickets;

    const overdueList = await list("overdue=1");
    expect(overdueList.map((t) => t.id)).toContain(overdue);
    expect(overdueList.every((t) => t.overdue)).toBe(true);
    expect((await list("priority=high&category=billing")).map((t) => t.id)).toContain(overdue);
    expect((await list("priority=low")).map((t) => t.id)).not.toContain(overdue);
    const colleagues = await list("assignee=me", colleague.cookie);
    expect(colleagues.map((t) => t.id)).toContain(mine);
    expect(colleagues.map((t) => t.id)).not.toContain(overdue);
    expect((await list(`assignee=${colleague.id}`)).map((t) => t.id)).toEqual(colleagues.map((t) => t.id));
    expect((await list("assignee=none")).map((t) => t.id)).toContain(overdue);
    expect((await list("status=closed")).map((t) => t.id)).not.toContain(overdue);
    const { number } = await ticketRow(overdue);
    expect((await list(`q=${number.toLowerCase()}`)).map((t) => t.id)).toEqual([overdue]);
    expect((await list("q=lewat%20batas")).map((t) => t.id)).toEqual([overdue]);
    // unknown filter values are ignored, not errors
    expect((await list("status=bogus&priority=9&assignee=x")).length).toBeGreaterThan(0);
  });

  it("pages with a keyset cursor without repeating or skipping", async () => {
    const seen: string[] = [];
    let path = "/staff/tickets";
    for (let i = 0; i < 10; i++) {
      const page = unwrap(await callRoute(runtime, staffTickets.loader, { path, cookie: agent.cookie })).data as { tickets: { id: string }[]; next: string | null };
      seen.push(...page.tickets.map((t) => t.id));
      if (!page.next) break;
      path = `/staff/tickets?after=${page.next}`;
    }
    const [{ count }] = rowsOf<{ count: number }>(await runtime.db.execute(sql`select count(*)::int as count from tickets`));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(Number(count));
  });

  it("pages past 25 tickets", async () => {
    const contact = await createContact(runtime, { fullName: "Banyak Tiket" });
    for (let i = 0; i < 26; i++) {
      await callRoute(runtime, staffTicketNew.action, {
        path: "/staff/tickets/new",
        cookie: agent.cookie,
        form: { intent: "open", contactId: contact.id, channel: "phone", category: "other", priority: "low", subject: `Tiket massal ${i}`, body: "isi" },
      });
    }
    const first = unwrap(await callRoute(runtime, staffTickets.loader, { path: "/staff/tickets?q=massal", cookie: agent.cookie })).data as { tickets: unknown[]; next: string | null };
    expect(first.tickets).toHaveLength(25);
    expect(first.next).toBeTruthy();
    const second = unwrap(await callRoute(runtime, staffTickets.loader, { path: `/staff/tickets?q=massal&after=${first.next}`, cookie: agent.cookie })).data as { tickets: unknown[]; next: string | null };
    expect(second.tickets).toHaveLength(1);
    expect(second.next).toBeNull();
  });

  it("narrows to one partner organisation or one contact, in SQL, and names the filter", async () => {
    type Page = { tickets: { id: string }[]; subjects: { partner: { id: string; name: string | null } | null; contact: { id: string; name: string | null } | null } };
    const page = async (query: string) => unwrap(await callRoute(runtime, staffTickets.loader, { path: `/staff/tickets?${query}`, cookie: agent.cookie })).data as Page;
    const openAsPartner = async (cookie: string, subject: string) => {
      const response = await callRoute(runtime, partnerTicketNew.action, {
        path: "/partner/tickets/new",
        cookie,
        form: { intent: "open", category: "service_request", subject, body: "Mohon ditindaklanjuti." },
      });
      return location(response).match(/\/partner\/tickets\/([0-9a-f-]{36})/)![1];
    };
    const ofX = await openAsPartner(partnerX.cookie, "Filter mitra X");
    const ofY = await openAsPartner(partnerY.cookie, "Filter mitra Y");
    const ofA = await openAsCustomer(customerA, "Filter kontak A");
    const ofB = await openAsCustomer(customerB, "Filter kontak B");

    const byX = await page(`partner=${orgX.id}`);
    expect(byX.tickets.map((t) => t.id)).toContain(ofX);
    expect(byX.tickets.map((t) => t.id)).not.toContain(ofY);
    expect(byX.tickets.map((t) => t.id)).not.toContain(ofA);
    expect(byX.subjects.partner).toEqual({ id: orgX.id, name: "Klinik Sehat Sentosa" });
    expect(byX.subjects.contact).toBeNull();

    const byA = await page(`contact=${customerA.contact.id}`);
    expect(byA.tickets.map((t) => t.id)).toContain(ofA);
    expect(byA.tickets.map((t) => t.id)).not.toContain(ofB);
    expect(byA.tickets.map((t) => t.id)).not.toContain(ofX);
    expect(byA.subjects.contact).toEqual({ id: customerA.contact.id, name: customerA.contact.fullName });

    // combined with the other filters; both at once match nothing here (a partner ticket has no contact)
    expect((await page(`contact=${customerA.contact.id}&q=kontak%20B`)).tickets).toHaveLength(0);
    expect((await page(`contact=${customerA.contact.id}&partner=${orgX.id}`)).tickets).toHaveLength(0);
    // an unknown id filters to nothing and is named as unknown; a malformed one is ignored
    const unknown = await page(`partner=${crypto.randomUUID()}`);
    expect(unknown.tickets).toHaveLength(0);
    expect(unknown.subjects.partner?.name).toBeNull();
    const malformed = await page("contact=not-a-uuid");
    expect(malformed.subjects.contact).toBeNull();
    expect(malformed.tickets.length).toBeGreaterThan(0);
  });
});

describe("partner tickets", () => {
  it("a partner opens a ticket for the organisation; colleagues see it, other organisations and customers never do", async () => {
    const response = await callRoute(runtime, partnerTicketNew.action, {
      path: "/partner/tickets/new",
      cookie: partnerX.cookie,
      form: { intent: "open", category: "service_request", subject: "Hasil lab rujukan", body: "Mohon dikirim hasil lab.", reference: "Budi Santoso, RM 12345" },
    });
    const id = location(response).match(/\/partner\/tickets\/([0-9a-f-]{36})/)![1];
    const ticket = await ticketRow(id);
    expect(ticket).toMatchObject({ partnerOrgId: orgX.id, contactId: null, channel: "partner", openedByUserId: partnerX.id });
    const [first] = await runtime.db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, id));
    expect(first.body).toContain("Budi Santoso, RM 12345");

    const list = async (cookie: string) =>
      (unwrap(await callRoute(runtime, partnerTickets.loader, { path: "/partner/tickets", cookie })).data as { tickets: { id: string }[] }).tickets.map((t) => t.id);
    expect(await list(partnerX2.cookie)).toContain(id);
    expect(await list(partnerY.cookie)).not.toContain(id);

    const path = `/partner/tickets/${id}`;
    expect(unwrap(await callRoute(runtime, partnerTicket.loader, { path, cookie: partnerY.cookie, params: { ticketId: id } })).status).toBe(404);
    expect(unwrap(await callRoute(runtime, partnerTicket.action, { path, cookie: partnerY.cookie, params: { ticketId: id }, form: { intent: "reply", body: "Bukan urusan saya" } })).status).toBe(404);
    expect(unwrap(await callRoute(runtime, partnerTicket.loader, { path, cookie: partnerX2.cookie, params: { ticketId: id } })).status).toBe(200);
    // a customer cookie on a partner page goes to the partner sign-in
    expect(location(await callRoute(runtime, partnerTicket.loader, { path, cookie: customerA.cookie, params: { ticketId: id } }))).toContain("/partner/login");

    // staff link the patient; the patient still does not see the partner's conversation
    expect((await staffAct(agent.cookie, id, { intent: "link-contact", contactId: customerA.contact.id })).status).toBe(200);
    expect((await ticketRow(id)).contactId).toBe(customerA.contact.id);
    expect(unwrap(await callRoute(runtime, portalTicket.loader, { path: `/portal/tickets/${id}`, cookie: customerA.cookie, params: { ticketId: id } })).status).toBe(404);
    const portalList = unwrap(await callRoute(runtime, portalTickets.loader, { path: "/portal/tickets", cookie: customerA.cookie })).data as { tickets: { id: string }[] };
    expect(portalList.tickets.map((t) => t.id)).not.toContain(id);
    // a linked ticket cannot be moved to another contact
    expect((await staffAct(agent.cookie, id, { intent: "link-contact", contactId: customerB.contact.id })).status).toBe(409);

    // a staff reply reaches the partner user who opened it, not their colleague
    await staffAct(agent.cookie, id, { intent: "reply", body: "Hasil sudah kami kirim." });
    const [mail] = await emailsTo(partnerX.email);
    expect(mail.template).toBe("tickets.reply");
    expect(mail.bodyText).toContain(`/partner/tickets/${id}`);
    expect(await emailsTo(partnerX2.email)).toHaveLength(0);
  });

  it("a partner of another organisation cannot rate the ticket", async () => {
    const response = await callRoute(runtime, partnerTicketNew.action, {
      path: "/partner/tickets/new",
      cookie: partnerX.cookie,
      form: { intent: "open", category: "billing", subject: "Faktur Oktober", body: "Belum diterima." },
    });
    const id = location(response).match(/\/partner\/tickets\/([0-9a-f-]{36})/)![1];
    await staffAct(agent.cookie, id, { intent: "status", status: "resolved" });
    const path = `/partner/tickets/${id}`;
    expect(unwrap(await callRoute(runtime, partnerTicket.action, { path, cookie: partnerY.cookie, params: { ticketId: id }, form: { intent: "rate", rating: "poor" } })).status).toBe(404);
    expect(unwrap(await callRoute(runtime, partnerTicket.action, { path, cookie: partnerX2.cookie, params: { ticketId: id }, form: { intent: "rate", rating: "good" } })).status).toBe(200);
    expect((await ticketRow(id)).satisfaction).toBe("good");
    // partner tickets without a contact have no survey row
    expect(await runtime.db.select().from(surveys).where(eq(surveys.sourceId, id))).toHaveLength(0);
  });
});

describe("branch time zone", () => {
  it("shows ticket times in the branch's zone", async () => {
    const [branch] = await runtime.db.insert(branches).values({ code: "RSNM-MKS", name: "RS Nusa Makassar", kind: "hospital", timeZone: "Asia/Makassar" }).returning();
    const contact = await createContact(runtime, { branchId: branch.id });
    const response = await callRoute(runtime, staffTicketNew.action, {
      path: "/staff/tickets/new",
      cookie: agent.cookie,
      form: { intent: "open", contactId: contact.id, channel: "phone", category: "other", priority: "normal", subject: "Zona waktu", body: "WITA" },
    });
    const id = location(response).match(/\/staff\/tickets\/([0-9a-f-]{36})/)![1];
    const view = unwrap(await callRoute(runtime, staffTicket.loader, { path: `/staff/tickets/${id}`, cookie: agent.cookie, params: { ticketId: id } })).data as { ticket: { timeZone: string; branchName: string } };
    expect(view.ticket).toMatchObject({ timeZone: "Asia/Makassar", branchName: "RS Nusa Makassar" });
  });
});
