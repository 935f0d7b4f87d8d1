// Every message to a contact is on their timeline with its delivery state, read in one query per page.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client.ts";
import { consents, interactions, messages } from "../../../db/schema/index.ts";
import { createContact, createStaff, createTestApp } from "../../../tests/support/test-app.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { sendToContact } from "../messaging/send-to-contact.server.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { requestSurvey, sendSurvey } from "../surveys/surveys.server.ts";
import { openTicketAsStaff, replyAsStaff } from "../tickets/tickets.server.ts";
import { listTimeline } from "./timeline.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let actor: { kind: "staff"; userId: string; permissions: ReadonlySet<string>; branchId: string | null };

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  const staff = await createStaff(runtime, { name: "Rina Agen" });
  actor = { kind: "staff", userId: staff.id, permissions: new Set(), branchId: null };
});
afterAll(async () => {
  await app.close();
});

async function consentingContact() {
  const contact = await createContact(runtime, { fullName: "Siti Rahayu", email: `siti-${crypto.randomUUID()}@contoh.id`, preferredChannel: "email" });
  await runtime.db.insert(consents).values({ contactId: contact.id, purpose: "service_messages", granted: true, source: "staff" });
  return contact;
}

/** Counts the SELECT statements a call makes, to prove the page reads statuses in one query. */
function countingSelects(db: Database) {
  const counter = { selects: 0 };
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "select") {
        return (...args: unknown[]) => {
          counter.selects++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { db: proxy, counter };
}

const timelineOf = (db: Database, contactId: string, language: "id" | "en" = "id") =>
  listTimeline(db, actor, { contactId, timeZone: "Asia/Jakarta" }, { sources: [], language, t: (pluginId) => fixedT(language, pluginId) });

describe("delivery status on the timeline", () => {
  it("shows each message's state, read in a single query however many messages the page holds", async () => {
    const contact = await consentingContact();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await sendToContact(runtime.db, runtime.jobs, {
        contactId: contact.id,
        template: "core.serviceUpdate",
        params: { message: `Pesan ${i}` },
        purpose: "service_messages",
      });
      if (result.status !== "queued") throw new Error("message not queued");
      ids.push(result.messageId);
    }
    await runtime.db.update(messages).set({ status: "delivered" }).where(eq(messages.id, ids[0]));
    await runtime.db.update(messages).set({ status: "failed" }).where(eq(messages.id, ids[1]));
    await runtime.db.update(messages).set({ status: "read" }).where(eq(messages.id, ids[2]));
    await runtime.db.update(messages).set({ status: "sent" }).where(eq(messages.id, ids[3]));

    const { db, counter } = countingSelects(runtime.db);
    const page = await timelineOf(db, contact.id);
    const entries = await runtime.db
      .select({ id: interactions.id, sourceId: interactions.sourceId })
      .from(interactions)
      .where(and(eq(interactions.contactId, contact.id), eq(interactions.sourceType, "message")));
    const byMessage = new Map(entries.map((e) => [e.sourceId, e.id]));
    const statusOf = (messageId: string) => page.items.find((item) => item.id === byMessage.get(messageId))?.delivery;
    expect(page.items).toHaveLength(5);
    expect([ids.map(statusOf)]).toEqual([["delivered", "failed", "read", "sent", "queued"]]);
    // one for the interactions, one for every delivery state of the page
    expect(counter.selects).toBe(2);
  });

  it("puts a ticket reply e-mailed to the contact on the timeline, with its state", async () => {
    const contact = await consentingContact();
    const opened = await openTicketAsStaff(runtime, actor, {
      contactId: contact.id,
      channel: "phone",
      category: "complaint",
      priority: "normal",
      subject: "Antrean farmasi lama",
      body: "Menunggu obat lebih dari satu jam.",
      branchId: null,
      assigneeId: null,
    });
    if (!opened.ok) throw new Error(opened.error);
    const reply = await replyAsStaff(runtime, actor, opened.id, { body: "Mohon maaf, kami sedang memperbaikinya.", internal: false, staffName: "Rina Agen" });
    expect(reply.ok).toBe(true);
    const [mail] = await runtime.db.select().from(messages).where(and(eq(messages.contactId, contact.id), eq(messages.template, "tickets.reply")));
    expect(mail).toBeTruthy();
    await runtime.db.update(messages).set({ status: "sent" }).where(eq(messages.id, mail.id));

    const page = await timelineOf(runtime.db, contact.id);
    const entry = page.items.find((item) => item.channel === "email");
    expect(entry).toMatchObject({ direction: "outbound", title: mail.subject, delivery: "sent" });
    // the ticket's own entry has no delivery state
    const ticketEntry = page.items.find((item) => item.channel === "ticket");
    expect(ticketEntry?.delivery).toBeNull();
    // and its title is written in the reader's language, not the one it was stored in
    expect(ticketEntry?.title).toBe(`Tiket dibuka: ${opened.number} · Antrean farmasi lama`);
    const english = await timelineOf(runtime.db, contact.id, "en");
    expect(english.items.find((item) => item.channel === "ticket")?.title).toBe(`Ticket opened: ${opened.number} · Antrean farmasi lama`);
    // the e-mail's subject is what the contact received, so it stays as sent
    expect(english.items.find((item) => item.channel === "email")?.title).toBe(mail.subject);
  });

  it("an internal note e-mails nobody and adds no message entry", async () => {
    const contact = await consentingContact();
    const opened = await openTicketAsStaff(runtime, actor, {
      contactId: contact.id,
      channel: "walk_in",
      category: "service_request",
      priority: "low",
      subject: "Minta salinan kuitansi",
      body: "Kuitansi bulan lalu hilang.",
      branchId: null,
      assigneeId: null,
    });
    if (!opened.ok) throw new Error(opened.error);
    await replyAsStaff(runtime, actor, opened.id, { body: "Catatan internal.", internal: true, staffName: "Rina Agen" });
    const page = await timelineOf(runtime.db, contact.id);
    expect(page.items.filter((item) => item.channel === "email")).toHaveLength(0);
  });

  it("shows the state of a survey request's e-mail on the survey entry", async () => {
    const contact = await consentingContact();
    const requested = await requestSurvey(runtime.db, runtime.jobs, { contactId: contact.id, sourceType: "test.visit", sourceId: crypto.randomUUID() });
    if (!requested.ok) throw new Error(requested.reason);
    await sendSurvey(runtime.db, runtime, requested.surveyId);
    const page = await timelineOf(runtime.db, contact.id);
    const entry = page.items.find((item) => item.channel === "survey");
    expect(entry?.delivery).toBe("queued");
    await runtime.db.update(messages).set({ status: "failed" }).where(and(eq(messages.contactId, contact.id), eq(messages.template, "surveys.request")));
    expect((await timelineOf(runtime.db, contact.id)).items.find((item) => item.channel === "survey")?.delivery).toBe("failed");
    expect((await timelineOf(runtime.db, contact.id, "en")).items.find((item) => item.channel === "survey")?.title).toBe("Satisfaction survey sent");
  });
});
