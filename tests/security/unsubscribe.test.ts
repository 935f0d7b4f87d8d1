import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasConsent, setConsent } from "../../app/core/consents/consents.server.ts";
import { sendToContact } from "../../app/core/messaging/send-to-contact.server.ts";
import * as unsubscribe from "../../app/routes/unsubscribe.tsx";
import { auditLog, messages } from "../../db/schema/index.ts";
import { startSmtpReceiver } from "../support/smtp-receiver.ts";
import { callRoute, createContact, createTestApp, testOrigin, unwrap } from "../support/test-app.ts";

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
  app = await createTestApp({ env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});

async function contactWithConsents(language: "id" | "en") {
  const { runtime } = app;
  const contact = await createContact(runtime, { preferredLocale: language, preferredChannel: "email" });
  await setConsent(runtime.db, null, { contactId: contact.id, purpose: "marketing", granted: true, source: "staff" });
  await setConsent(runtime.db, null, { contactId: contact.id, purpose: "service_messages", granted: true, source: "staff" });
  return contact;
}

describe("one-click unsubscribe for marketing e-mail (RFC 8058)", () => {
  it("marketing mail carries List-Unsubscribe and List-Unsubscribe-Post through SMTP; service mail does not", async () => {
    const { runtime } = app;
    const contact = await contactWithConsents("id");
    const marketing = await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.campaign", purpose: "marketing", params: { title: "Promo", message: "Diskon" } });
    const service = await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.serviceUpdate", purpose: "service_messages", params: { title: "Info", message: "Jadwal" } });
    expect(marketing.status).toBe("queued");
    expect(service.status).toBe("queued");
    smtp.received.length = 0;
    await runtime.jobs.drain("core.messaging.send");
    expect(smtp.received).toHaveLength(2);
    // mailparser folds List-* headers into one object: read the raw header lines instead
    const line = (m: (typeof smtp.received)[number], key: string) => m.headerLines.find((h) => h.key === key)?.line ?? null;
    const withHeader = smtp.received.filter((m) => line(m, "list-unsubscribe"));
    expect(withHeader).toHaveLength(1);
    expect(withHeader[0].subject).toBe("Promo");
    expect(line(withHeader[0], "list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    const raw = line(withHeader[0], "list-unsubscribe")!;
    const url = raw.match(/<(https?:\/\/[^>]+)>/)?.[1];
    expect(url).toBeDefined();
    expect(url!.startsWith(`${testOrigin}/unsubscribe?c=${contact.id}&s=`)).toBe(true);
  });

  it("GET shows a confirmation in the recipient's language; a one-click POST withdraws the marketing consent only", async () => {
    const { runtime } = app;
    const contact = await contactWithConsents("en");
    await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.campaign", purpose: "marketing", params: { subject: "Promo", body: "Sale" } });
    const [row] = await runtime.db.select().from(messages).where(eq(messages.contactId, contact.id));
    const path = row.headers!["List-Unsubscribe"].slice(1, -1).replace("{origin}", "");
    const page = unwrap(await callRoute(runtime, unsubscribe.loader, { path, headers: { "Accept-Language": "id" } }));
    expect(page.status).toBe(200);
    expect((page.data as { text: { title: string } }).text.title).toBe("Unsubscribe from promotional e-mail");
    // GET changes nothing (link scanners open links)
    expect(await hasConsent(runtime.db, contact.id, "marketing")).toBe(true);
    // the one-click body a mail provider sends, no cookie, no sign-in
    const done = unwrap(await callRoute(runtime, unsubscribe.action, { path, form: { "List-Unsubscribe": "One-Click" } }));
    expect((done.data as { done: boolean }).done).toBe(true);
    expect(await hasConsent(runtime.db, contact.id, "marketing")).toBe(false);
    expect(await hasConsent(runtime.db, contact.id, "service_messages")).toBe(true);
    const entries = await runtime.db.select().from(auditLog).where(eq(auditLog.entityId, contact.id));
    expect(entries.map((e) => e.action)).toContain("consent.withdrawn");
    // and the next campaign is not sent
    const next = await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.campaign", purpose: "marketing", params: { subject: "Promo", body: "Sale" } });
    expect(next).toMatchObject({ status: "skipped", reason: "consent_withdrawn" });
  });

  it("refuses a link with a wrong signature or another contact's id", async () => {
    const { runtime } = app;
    const a = await contactWithConsents("id");
    const b = await contactWithConsents("id");
    await sendToContact(runtime.db, runtime.jobs, { contactId: a.id, template: "core.campaign", purpose: "marketing", params: { subject: "P", body: "B" } });
    const [row] = await runtime.db.select().from(messages).where(eq(messages.contactId, a.id));
    const signature = new URL(`http://x${row.headers!["List-Unsubscribe"].slice(1, -1).replace("{origin}", "")}`).searchParams.get("s")!;
    for (const path of [`/unsubscribe?c=${b.id}&s=${signature}`, `/unsubscribe?c=${a.id}&s=${signature.slice(0, -2)}xx`, "/unsubscribe"]) {
      expect(unwrap(await callRoute(runtime, unsubscribe.loader, { path })).status).toBe(400);
      expect(unwrap(await callRoute(runtime, unsubscribe.action, { path, form: { "List-Unsubscribe": "One-Click" } })).status).toBe(400);
    }
    expect(await hasConsent(runtime.db, a.id, "marketing")).toBe(true);
    expect(await hasConsent(runtime.db, b.id, "marketing")).toBe(true);
  });
});
