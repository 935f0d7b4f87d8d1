// Surveys: requested once per source (consent-checked), e-mailed by a job with a single-use
// link, answered once without signing in or in the portal, and summed up in SQL.
import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../../db/client.ts";
import { auditLog, branches, interactions, messages, surveys, tickets } from "../../../db/schema/index.ts";
import { callRoute, createContact, createCustomer, createStaff, createTestApp, unwrap } from "../../../tests/support/test-app.ts";
import * as pluginApi from "../../plugin-api/server.ts";
import * as portalSurvey from "../../routes/portal/survey.tsx";
import * as portalTickets from "../../routes/portal/tickets.tsx";
import * as staffSurveys from "../../routes/staff/surveys.tsx";
import * as publicSurvey from "../../routes/survey.tsx";
import { setConsent } from "../consents/consents.server.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { openTicketAsCustomer } from "../tickets/tickets.server.ts";
import { requestSurvey, surveySendQueue } from "./surveys.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(() => app?.close());

async function consenting(values: Parameters<typeof createContact>[1] = {}) {
  const contact = await createContact(runtime, values);
  await setConsent(runtime.db, { kind: "system" }, { contactId: contact.id, purpose: "service_messages", granted: true, source: "staff" });
  return contact;
}

async function queuedSendJobs(surveyId: string) {
  const rows = rowsOf<{ count: number }>(
    await runtime.db.execute(sql`select count(*)::int as count from pgboss.job where name = ${surveySendQueue} and data->>'surveyId' = ${surveyId}`),
  );
  return Number(rows[0].count);
}

async function surveyMails(to: string) {
  return runtime.db.select().from(messages).where(and(eq(messages.recipient, to), eq(messages.template, "surveys.request")));
}

function tokenFrom(text: string | null) {
  const match = text?.match(/\/survey\?token=([A-Za-z0-9_-]+)/);
  if (!match) throw new Error(`no survey link in: ${text}`);
  return match[1];
}

/** Requests and sends a survey; returns its id and the token from the e-mail. */
async function sentSurvey(contact: { id: string; email: string | null }, sourceId = crypto.randomUUID(), extra: Partial<Parameters<typeof requestSurvey>[2]> = {}) {
  const result = await requestSurvey(runtime.db, runtime.jobs, { contactId: contact.id, sourceType: "pos.sale", sourceId, ...extra });
  if (!result.ok) throw new Error(result.reason);
  await runtime.jobs.drain(surveySendQueue);
  const [mail] = await surveyMails(contact.email!);
  return { id: result.surveyId, token: tokenFrom(mail.bodyText) };
}

describe("requesting a survey", () => {
  it("is exported to plugins", () => {
    expect(pluginApi.requestSurvey).toBe(requestSurvey);
  });

  it("asks only contacts who may be asked", async () => {
    const never = await createContact(runtime);
    expect(await requestSurvey(runtime.db, runtime.jobs, { contactId: never.id, sourceType: "pos.sale", sourceId: "S-1" })).toEqual({ ok: false, reason: "noConsent" });

    const withdrawn = await consenting();
    await setConsent(runtime.db, { kind: "system" }, { contactId: withdrawn.id, purpose: "surveys", granted: false, source: "portal" });
    expect(await requestSurvey(runtime.db, runtime.jobs, { contactId: withdrawn.id, sourceType: "pos.sale", sourceId: "S-2" })).toEqual({ ok: false, reason: "noConsent" });

    const explicit = await createContact(runtime);
    await setConsent(runtime.db, { kind: "system" }, { contactId: explicit.id, purpose: "surveys", granted: true, source: "portal" });
    expect((await requestSurvey(runtime.db, runtime.jobs, { contactId: explicit.id, sourceType: "pos.sale", sourceId: "S-3" })).ok).toBe(true);

    const noEmail = await consenting({ email: null });
    expect(await requestSurvey(runtime.db, runtime.jobs, { contactId: noEmail.id, sourceType: "pos.sale", sourceId: "S-4" })).toEqual({ ok: false, reason: "noAddress" });

    expect(await requestSurvey(runtime.db, runtime.jobs, { contactId: crypto.randomUUID(), sourceType: "pos.sale", sourceId: "S-5" })).toEqual({ ok: false, reason: "unknownContact" });
    expect(await runtime.db.select().from(surveys).where(sql`${surveys.sourceId} in ('S-1', 'S-2', 'S-4', 'S-5')`)).toHaveLength(0);
  });

  it("is idempotent per source: one survey, one job, one e-mail", async () => {
    const contact = await consenting();
    const first = await requestSurvey(runtime.db, runtime.jobs, { contactId: contact.id, sourceType: "appointments.visit", sourceId: "V-100" });
    const second = await requestSurvey(runtime.db, runtime.jobs, { contactId: contact.id, sourceType: "appointments.visit", sourceId: "V-100" });
    expect(first).toMatchObject({ ok: true, created: true });
    expect(second).toEqual({ ok: true, surveyId: (first as { surveyId: string }).surveyId, created: false });
    const id = (first as { surveyId: string }).surveyId;
    expect(await queuedSendJobs(id)).toBe(1);
    await runtime.jobs.drain(surveySendQueue);
    // a retried delivery job does not send it twice
    await runtime.jobs.send(surveySendQueue, { surveyId: id });
    await runtime.jobs.drain(surveySendQueue);
    const mails = await surveyMails(contact.email!);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe("Bagaimana layanan kami?");
    // one-tap answers in the e-mail, one per rating
    expect(mails[0].bodyHtml?.match(/rating=(excellent|good|average|poor)/g)).toHaveLength(4);
    const timeline = await runtime.db.select().from(interactions).where(and(eq(interactions.sourceType, "survey"), eq(interactions.sourceId, id)));
    expect(timeline).toMatchObject([{ channel: "survey", direction: "outbound" }]);
  });

  it("keeps only the SHA-256 of the e-mailed token", async () => {
    const contact = await consenting();
    const { id, token } = await sentSurvey(contact);
    const [row] = await runtime.db.select().from(surveys).where(eq(surveys.id, id));
    expect(row.tokenHash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("writes in the contact's language", async () => {
    const contact = await consenting({ preferredLocale: "en" });
    await sentSurvey(contact);
    const [mail] = await surveyMails(contact.email!);
    expect(mail.locale).toBe("en");
    expect(mail.subject).toBe("How did we do?");
  });
});

describe("answering from the e-mailed link, without signing in", () => {
  it("works once; a second answer is refused politely", async () => {
    const contact = await consenting();
    const { id, token } = await sentSurvey(contact);
    const path = `/survey?token=${token}&rating=good`;
    const shown = unwrap(await callRoute(runtime, publicSurvey.loader, { path }));
    expect(shown.data).toMatchObject({ state: "open", preselected: "good", about: { kind: "service" } });

    const answered = unwrap(await callRoute(runtime, publicSurvey.action, { path, form: { token, rating: "good", comment: "Kasir ramah" } }));
    expect(answered.status).toBe(200);
    expect(answered.data).toMatchObject({ state: "thanks" });
    const [row] = await runtime.db.select().from(surveys).where(eq(surveys.id, id));
    expect(row).toMatchObject({ rating: "good", comment: "Kasir ramah" });
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "survey.answered"), eq(auditLog.entityId, id)));
    expect(entry.actorKind).toBe("anonymous");

    const again = unwrap(await callRoute(runtime, publicSurvey.action, { path, form: { token, rating: "poor" } }));
    expect(again.status).toBe(409);
    expect(again.data).toMatchObject({ state: "answered" });
    expect((await runtime.db.select().from(surveys).where(eq(surveys.id, id)))[0].rating).toBe("good");
    expect(unwrap(await callRoute(runtime, publicSurvey.loader, { path })).data).toMatchObject({ state: "answered" });
  });

  it("refuses an expired link and an unknown one", async () => {
    const contact = await consenting();
    const { id, token } = await sentSurvey(contact);
    await runtime.db.update(surveys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(surveys.id, id));
    expect(unwrap(await callRoute(runtime, publicSurvey.loader, { path: `/survey?token=${token}` })).data).toMatchObject({ state: "expired" });
    const late = unwrap(await callRoute(runtime, publicSurvey.action, { path: `/survey?token=${token}`, form: { token, rating: "excellent" } }));
    expect(late.status).toBe(409);
    expect(late.data).toMatchObject({ state: "expired" });
    expect((await runtime.db.select().from(surveys).where(eq(surveys.id, id)))[0].answeredAt).toBeNull();

    const forged = unwrap(await callRoute(runtime, publicSurvey.action, { path: "/survey?token=abc", form: { token: "abc", rating: "excellent" } }));
    expect(forged.data).toMatchObject({ state: "invalid" });
    expect(unwrap(await callRoute(runtime, publicSurvey.loader, { path: "/survey" })).data).toMatchObject({ state: "invalid" });
  });

  it("requires a rating", async () => {
    const contact = await consenting();
    const { token } = await sentSurvey(contact);
    const result = unwrap(await callRoute(runtime, publicSurvey.action, { path: `/survey?token=${token}`, form: { token, rating: "lumayan" } }));
    expect(result.status).toBe(400);
  });

  it("answering a ticket's survey rates the ticket too", async () => {
    const customer = await createCustomer(runtime);
    await setConsent(runtime.db, { kind: "system" }, { contactId: customer.contact.id, purpose: "service_messages", granted: true, source: "registration" });
    const actor = { kind: "customer" as const, userId: customer.id, contactId: customer.contact.id };
    const ticket = await openTicketAsCustomer(runtime, actor, { category: "complaint", subject: "Struk salah", body: "Harga tidak sesuai." });
    await runtime.db.update(tickets).set({ status: "closed", closedAt: new Date() }).where(eq(tickets.id, ticket.id));
    const result = await requestSurvey(runtime.db, runtime.jobs, { contactId: customer.contact.id, sourceType: "ticket", sourceId: ticket.id });
    expect(result.ok).toBe(true);
    await runtime.jobs.drain(surveySendQueue);
    const [mail] = await surveyMails(customer.email);
    expect(mail.bodyText).toContain(ticket.number);
    const token = tokenFrom(mail.bodyText);
    await callRoute(runtime, publicSurvey.action, { path: `/survey?token=${token}`, form: { token, rating: "average" } });
    const [row] = await runtime.db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(row.satisfaction).toBe("average");
  });
});

describe("answering in the portal", () => {
  it("shows the customer's pending surveys, answers them once, and never another customer's", async () => {
    const alice = await createCustomer(runtime);
    const bob = await createCustomer(runtime);
    await setConsent(runtime.db, { kind: "system" }, { contactId: alice.contact.id, purpose: "service_messages", granted: true, source: "registration" });
    const result = await requestSurvey(runtime.db, runtime.jobs, { contactId: alice.contact.id, sourceType: "pos.sale", sourceId: "S-PORTAL" });
    const id = (result as { surveyId: string }).surveyId;

    const list = unwrap(await callRoute(runtime, portalTickets.loader, { path: "/portal/tickets", cookie: alice.cookie })).data as { surveys: { id: string }[] };
    expect(list.surveys.map((s) => s.id)).toEqual([id]);
    const bobs = unwrap(await callRoute(runtime, portalTickets.loader, { path: "/portal/tickets", cookie: bob.cookie })).data as { surveys: unknown[] };
    expect(bobs.surveys).toHaveLength(0);

    const path = `/portal/surveys/${id}`;
    expect(unwrap(await callRoute(runtime, portalSurvey.loader, { path, cookie: bob.cookie, params: { surveyId: id } })).status).toBe(404);
    expect(unwrap(await callRoute(runtime, portalSurvey.action, { path, cookie: bob.cookie, params: { surveyId: id }, form: { rating: "poor" } })).status).toBe(404);
    expect((await runtime.db.select().from(surveys).where(eq(surveys.id, id)))[0].answeredAt).toBeNull();

    expect(unwrap(await callRoute(runtime, portalSurvey.action, { path, cookie: alice.cookie, params: { surveyId: id }, form: { rating: "excellent" } })).data).toMatchObject({ state: "thanks" });
    const second = unwrap(await callRoute(runtime, portalSurvey.action, { path, cookie: alice.cookie, params: { surveyId: id }, form: { rating: "poor" } }));
    expect(second.status).toBe(409);
    expect((await runtime.db.select().from(surveys).where(eq(surveys.id, id)))[0].rating).toBe("excellent");
  });
});

describe("results", () => {
  it("counts and shares per rating, per branch and per staff member, over a date range, for holders of core.survey.read", async () => {
    const [jkt, bdg] = await runtime.db
      .insert(branches)
      .values([
        { code: "RES-JKT", name: "Res Jakarta", kind: "hospital" },
        { code: "RES-BDG", name: "Res Bandung", kind: "store" },
      ])
      .returning();
    const manager = await createStaff(runtime, { roles: ["manager"] });
    const agent = await createStaff(runtime, { roles: ["agent"], name: "Agen Hasil" });
    const contact = await createContact(runtime);
    const answered = (rating: "excellent" | "good" | "average" | "poor", branchId: string, at: string, staffUserId: string | null = agent.id) => ({
      contactId: contact.id,
      sourceType: "results.test",
      sourceId: crypto.randomUUID(),
      branchId,
      staffUserId,
      tokenHash: crypto.randomUUID(),
      sentAt: new Date(at),
      expiresAt: new Date(at),
      answeredAt: new Date(at),
      rating,
    });
    await runtime.db.insert(surveys).values([
      answered("excellent", jkt.id, "2030-05-10T03:00:00Z"),
      answered("excellent", jkt.id, "2030-05-11T03:00:00Z"),
      answered("good", jkt.id, "2030-05-12T03:00:00Z"),
      answered("poor", bdg.id, "2030-05-12T04:00:00Z", null),
      // outside the range (the day before, in WIB)
      answered("poor", jkt.id, "2030-05-09T16:59:00Z"),
    ]);
    const path = "/staff/surveys?from=2030-05-10&to=2030-05-12";
    const data = unwrap(await callRoute(runtime, staffSurveys.loader, { path, cookie: manager.cookie })).data as {
      results: {
        overall: Record<string, number>;
        byBranch: ({ name: string } & Record<string, number>)[];
        byStaff: ({ name: string | null } & Record<string, number>)[];
      };
    };
    expect(data.results.overall).toMatchObject({ total: 4, excellent: 2, good: 1, average: 0, poor: 1, excellentPct: 50, goodPct: 25, poorPct: 25, csatPct: 75 });
    expect(data.results.byBranch.map((b) => [b.name, b.total, b.csatPct])).toEqual([
      ["Res Jakarta", 3, 100],
      ["Res Bandung", 1, 0],
    ]);
    expect(data.results.byStaff.map((s) => [s.name, s.total, s.excellentPct])).toEqual([
      ["Agen Hasil", 3, 66.7],
      [null, 1, 0],
    ]);

    // agents and marketing do not hold core.survey.read
    expect(unwrap(await callRoute(runtime, staffSurveys.loader, { path, cookie: agent.cookie })).status).toBe(403);
  });
});
