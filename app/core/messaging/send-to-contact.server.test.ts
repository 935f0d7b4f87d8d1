// Consent and channel routing of sendToContact: what is sent, on which channel, and what is not.
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, consents, contacts, interactions, messages } from "../../../db/schema/index.ts";
import { createContact, createTestApp } from "../../../tests/support/test-app.ts";
import { cloudApiError, startCloudApi } from "../../../tests/support/whatsapp-cloud-api.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { writeSetting } from "../settings/app-settings.server.ts";
import { messageDeliveryStatuses, sendToContact, type SendToContactInput } from "./send-to-contact.server.ts";
import { whatsappSendQueue } from "./whatsapp.server.ts";
import { whatsappSettingsKey } from "./whatsapp-settings.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let cloud: Awaited<ReturnType<typeof startCloudApi>>;

async function whatsapp(enabled: boolean, templates = [{ template: "core.serviceUpdate", name: "info_layanan", language: "id", params: ["name", "message"] }]) {
  await writeSetting(runtime.db, { kind: "system" }, whatsappSettingsKey, {
    enabled,
    baseUrl: cloud.baseUrl,
    apiVersion: "v21.0",
    phoneNumberId: "1065403522",
    accessToken: "token-uji",
    appSecret: "s",
    verifyToken: "v",
    templates,
  });
}

async function contactWith(values: Partial<typeof contacts.$inferInsert>, granted: Partial<Record<"service_messages" | "marketing", boolean>> = { service_messages: true }) {
  const contact = await createContact(runtime, { fullName: "Siti Rahayu", phone: "+6285711223344", email: "siti@contoh.id", ...values });
  for (const [purpose, value] of Object.entries(granted)) {
    await runtime.db.insert(consents).values({ contactId: contact.id, purpose: purpose as "marketing", granted: value, source: "staff" });
  }
  return contact;
}

const update = (contactId: string, extra: Partial<SendToContactInput> = {}): SendToContactInput => ({
  contactId,
  template: "core.serviceUpdate",
  params: { message: "Jadwal kontrol Anda besok pukul 09.00." },
  purpose: "service_messages",
  ...extra,
});

async function messagesOf(contactId: string) {
  return runtime.db.select().from(messages).where(eq(messages.contactId, contactId));
}

beforeAll(async () => {
  cloud = await startCloudApi({ token: "token-uji", phoneNumberId: "1065403522" });
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(async () => {
  await app.close();
  await cloud.close();
});
beforeEach(async () => {
  cloud.reset();
  await whatsapp(true);
});

describe("sendToContact", () => {
  it("sends a WhatsApp template when it is the preferred channel, and puts it on the timeline", async () => {
    const contact = await contactWith({ preferredChannel: "whatsapp" });
    const result = await sendToContact(runtime.db, runtime.jobs, update(contact.id));
    expect(result).toMatchObject({ status: "queued", channel: "whatsapp" });
    const [row] = await messagesOf(contact.id);
    expect(row).toMatchObject({ channel: "whatsapp", recipient: "6285711223344", template: "core.serviceUpdate", status: "queued", locale: "id" });
    const [entry] = await runtime.db.select().from(interactions).where(eq(interactions.contactId, contact.id));
    expect(entry).toMatchObject({ channel: "whatsapp", direction: "outbound", sourceType: "message", sourceId: row.id, subject: "Informasi layanan untuk Anda" });
    await runtime.jobs.drain(whatsappSendQueue);
    const statuses = await messageDeliveryStatuses(runtime.db, [row.id]);
    expect(statuses.get(row.id)?.status).toBe("sent");
  });

  it("falls back to e-mail in the contact's language when WhatsApp is off", async () => {
    await whatsapp(false);
    const contact = await contactWith({ preferredChannel: "whatsapp", preferredLocale: "en", fullName: "Ani Yulianti" });
    const result = await sendToContact(runtime.db, runtime.jobs, update(contact.id, { params: { message: "Your results are ready." } }));
    expect(result).toMatchObject({ status: "queued", channel: "email" });
    const [row] = await messagesOf(contact.id);
    expect(row).toMatchObject({ channel: "email", recipient: "siti@contoh.id", subject: "Service information for you", locale: "en" });
    expect(row.bodyText).toContain("Hello Ani Yulianti,");
    expect(row.bodyText).toContain("Your results are ready.");
    expect(row.bodyText).toContain("agreed to service messages");
    expect(row.bodyHtml).toContain('lang="en"');
    await runtime.jobs.drain("core.messaging.send");
    expect((await messagesOf(contact.id))[0].status).toBe("sent");
  });

  it("uses e-mail when the template has no WhatsApp mapping, or e-mail is preferred", async () => {
    const unmapped = await contactWith({ preferredChannel: "whatsapp" }, { marketing: true });
    expect(await sendToContact(runtime.db, runtime.jobs, update(unmapped.id, { template: "core.campaign", purpose: "marketing", params: { title: "Promo", message: "Diskon MCU 20%" } }))).toMatchObject({ channel: "email" });
    const prefersEmail = await contactWith({ preferredChannel: "email" });
    expect(await sendToContact(runtime.db, runtime.jobs, update(prefersEmail.id))).toMatchObject({ channel: "email" });
    const noPhone = await contactWith({ preferredChannel: "whatsapp", phone: null });
    expect(await sendToContact(runtime.db, runtime.jobs, update(noPhone.id))).toMatchObject({ channel: "email" });
  });

  it("sends nothing without consent for the purpose, and records why", async () => {
    const never = await contactWith({}, {});
    expect(await sendToContact(runtime.db, runtime.jobs, update(never.id))).toEqual({ status: "skipped", reason: "no_consent", contactId: never.id });
    const withdrawn = await contactWith({}, { service_messages: false });
    expect(await sendToContact(runtime.db, runtime.jobs, update(withdrawn.id))).toMatchObject({ status: "skipped", reason: "consent_withdrawn" });
    // a service-messages consent is no consent to marketing
    const serviceOnly = await contactWith({});
    expect(
      await sendToContact(runtime.db, runtime.jobs, update(serviceOnly.id, { template: "core.campaign", purpose: "marketing", params: { title: "Promo", message: "x" } })),
    ).toMatchObject({ status: "skipped", reason: "no_consent" });
    for (const c of [never, withdrawn, serviceOnly]) {
      expect(await messagesOf(c.id)).toHaveLength(0);
      expect(await runtime.db.select().from(interactions).where(eq(interactions.contactId, c.id))).toHaveLength(0);
    }
    const [entry] = await runtime.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "message.skipped"), eq(auditLog.entityId, withdrawn.id)))
      .orderBy(desc(auditLog.id));
    expect(entry.data).toEqual({ template: "core.serviceUpdate", purpose: "service_messages", reason: "consent_withdrawn" });
  });

  it("sends nothing to a blacklisted contact or one who wants no contact at all", async () => {
    const blacklisted = await contactWith({ blacklisted: true, blacklistReason: "Penipuan" });
    expect(await sendToContact(runtime.db, runtime.jobs, update(blacklisted.id))).toMatchObject({ status: "skipped", reason: "blacklisted" });
    const none = await contactWith({ preferredChannel: "none" });
    expect(await sendToContact(runtime.db, runtime.jobs, update(none.id))).toMatchObject({ status: "skipped", reason: "opted_out" });
    const unreachable = await contactWith({ preferredChannel: "email", email: null });
    expect(await sendToContact(runtime.db, runtime.jobs, update(unreachable.id))).toMatchObject({ status: "skipped", reason: "no_channel" });
    expect(await sendToContact(runtime.db, runtime.jobs, update("00000000-0000-0000-0000-000000000000"))).toMatchObject({ status: "skipped", reason: "contact_not_found" });
    for (const c of [blacklisted, none, unreachable]) expect(await messagesOf(c.id)).toHaveLength(0);
  });

  it("reaches the kept record when given the id of a merged duplicate", async () => {
    const kept = await contactWith({ preferredChannel: "whatsapp" });
    const merged = await contactWith({}, {});
    await runtime.db.update(contacts).set({ mergedIntoId: kept.id }).where(eq(contacts.id, merged.id));
    expect(await sendToContact(runtime.db, runtime.jobs, update(merged.id))).toMatchObject({ status: "queued", contactId: kept.id });
  });

  it("queues nothing when the caller's transaction rolls back", async () => {
    await runtime.jobs.drain(whatsappSendQueue);
    cloud.reset();
    const contact = await contactWith({ preferredChannel: "whatsapp" });
    await expect(
      runtime.db.transaction(async (tx) => {
        await sendToContact(tx, runtime.jobs, update(contact.id));
        throw new Error("batal");
      }),
    ).rejects.toThrow("batal");
    expect(await messagesOf(contact.id)).toHaveLength(0);
    await runtime.jobs.drain(whatsappSendQueue);
    expect(cloud.received).toHaveLength(0);
  });

  it("shows a failed delivery on the timeline's message status", async () => {
    const contact = await contactWith({ preferredChannel: "whatsapp" });
    const result = await sendToContact(runtime.db, runtime.jobs, update(contact.id));
    cloud.respondWith({ status: 400, body: cloudApiError(131026, "Message Undeliverable") });
    await runtime.jobs.drain(whatsappSendQueue);
    if (result.status !== "queued") throw new Error("expected queued");
    expect((await messageDeliveryStatuses(runtime.db, [result.messageId])).get(result.messageId)).toMatchObject({ status: "failed", channel: "whatsapp" });
  });

  it("is offered to plugins through the plugin API", async () => {
    const pluginApi = await import("../../plugin-api/server.ts");
    expect(pluginApi.sendToContact).toBe(sendToContact);
  });

  it("refuses a template name without an owner or without texts", async () => {
    const contact = await contactWith({});
    await expect(sendToContact(runtime.db, runtime.jobs, update(contact.id, { template: "tanpaTitik" }))).rejects.toThrow(/must look like/);
    await expect(sendToContact(runtime.db, runtime.jobs, update(contact.id, { template: "core.tidakAda" }))).rejects.toThrow(/has no texts/);
  });
});
