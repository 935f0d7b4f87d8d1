// Consent per purpose in an append-only ledger, checked again when a message is sent; and the
// record of processing activities generated from the declared purposes.
import ExcelJS from "exceljs";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, consentRecords, consents, messages } from "../db/schema/index.ts";
import { consentsOf, setConsent } from "../app/core/consents/consents.server.ts";
import { fixedT } from "../app/core/i18n/i18n.server.ts";
import { sendToContact } from "../app/core/messaging/send-to-contact.server.ts";
import { sendMessageQueue } from "../app/core/messaging/email.server.ts";
import { whatsappSendQueue } from "../app/core/messaging/whatsapp.server.ts";
import { whatsappSettingsKey } from "../app/core/messaging/whatsapp-settings.ts";
import { writeSetting } from "../app/core/settings/app-settings.server.ts";
import { processingRecord, processingRecordWorkbook } from "../app/core/privacy/processing-record.server.ts";
import { purposeProblems, type ProcessingPurpose } from "../app/core/privacy/purposes.ts";
import { validateManifests } from "../app/core/plugins/registry.server.ts";
import { installedPlugins } from "../plugins/index.ts";
import { createContact, createStaff, createTestApp } from "./support/test-app.ts";
import { startSmtpReceiver } from "./support/smtp-receiver.ts";
import { startCloudApi } from "./support/whatsapp-cloud-api.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let cloud: Awaited<ReturnType<typeof startCloudApi>>;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
  cloud = await startCloudApi({ token: "token-uji", phoneNumberId: "1065403522" });
  app = await createTestApp({ plugins: installedPlugins, env: { SMTP_URL: smtp.url } });
  await writeSetting(app.runtime.db, { kind: "system" }, whatsappSettingsKey, {
    enabled: true,
    baseUrl: cloud.baseUrl,
    apiVersion: "v21.0",
    phoneNumberId: "1065403522",
    accessToken: "token-uji",
    appSecret: "s",
    verifyToken: "v",
    templates: [{ template: "core.serviceUpdate", name: "info_layanan", language: "id", params: ["name", "message"] }],
  });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
  await cloud.close();
});
beforeEach(async () => {
  await app.runtime.jobs.drain();
  smtp.received.length = 0;
  cloud.reset();
});

const update = (contactId: string) => ({
  contactId,
  template: "core.serviceUpdate",
  params: { message: "Jadwal kontrol Anda besok pukul 09.00." },
  purpose: "service_messages" as const,
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe("the consent ledger", () => {
  it("keeps every answer with its notice version, channel and who recorded it, and the current answer follows the last", async () => {
    const contact = await createContact(app.runtime);
    const staff = await createStaff(app.runtime, { roles: ["agent"] });
    const staffActor = { kind: "staff" as const, userId: staff.id, permissions: new Set<string>(), branchId: null };
    await setConsent(app.runtime.db, null, { contactId: contact.id, purpose: "marketing", granted: true, source: "registration", noticeVersion: "2026-11" });
    await setConsent(app.runtime.db, staffActor, { contactId: contact.id, purpose: "marketing", granted: false, source: "staff" });
    await setConsent(app.runtime.db, { kind: "customer", userId: staff.id, contactId: contact.id }, { contactId: contact.id, purpose: "marketing", granted: true, source: "portal" });

    const ledger = await app.runtime.db.select().from(consentRecords).where(eq(consentRecords.contactId, contact.id)).orderBy(asc(consentRecords.id));
    expect(ledger.map((r) => [r.granted, r.channel, r.noticeVersion, r.recordedByKind, r.recordedBy])).toEqual([
      [true, "registration", "2026-11", "anonymous", null],
      [false, "staff", "2026-12", "staff", staff.id],
      [true, "portal", "2026-12", "customer", staff.id],
    ]);
    const current = await consentsOf(app.runtime.db, contact.id);
    expect(current.find((c) => c.purpose === "marketing")?.granted).toBe(true);
    expect(current.find((c) => c.purpose === "surveys")?.granted).toBeNull();
  });

  it("refuses to rewrite the ledger", async () => {
    const contact = await createContact(app.runtime);
    await setConsent(app.runtime.db, null, { contactId: contact.id, purpose: "surveys", granted: true, source: "registration" });
    await expect(app.runtime.db.execute(sql`update consent_records set granted = false where contact_id = ${contact.id}`)).rejects.toThrow();
    const [row] = await app.runtime.db.select().from(consents).where(eq(consents.contactId, contact.id));
    expect(row.granted).toBe(true);
  });
});

describe("a withdrawal holds when the message is sent", () => {
  it("an e-mail queued before the withdrawal is not sent, and the reason is audited", async () => {
    const contact = await createContact(app.runtime, { preferredChannel: "email", email: "dewi.lestari@contoh.id" });
    await setConsent(app.runtime.db, null, { contactId: contact.id, purpose: "service_messages", granted: true, source: "registration" });
    const queued = await sendToContact(app.runtime.db, app.runtime.jobs, update(contact.id));
    expect(queued).toMatchObject({ status: "queued", channel: "email" });
    await setConsent(app.runtime.db, null, { contactId: contact.id, purpose: "service_messages", granted: false, source: "portal" });
    await app.runtime.jobs.drain(sendMessageQueue);
    await settle();
    expect(smtp.received).toHaveLength(0);
    const [message] = await app.runtime.db.select().from(messages).where(eq(messages.contactId, contact.id));
    expect(message).toMatchObject({ status: "cancelled", purpose: "service_messages", lastError: "consent_withdrawn", sentAt: null });
    const cancelled = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "message.cancelled"));
    expect(cancelled.some((a) => a.entityId === contact.id)).toBe(true);
  });

  it("the same e-mail goes out when the consent still stands", async () => {
    const contact = await createContact(app.runtime, { preferredChannel: "email", email: "budi.santoso@contoh.id" });
    await setConsent(app.runtime.db, null, { contactId: contact.id, purpose: "service_messages", granted: true, source: "registration" });
    await sendToContact(app.runtime.db, app.runtime.jobs, update(contact.id));
    await app.runtime.jobs.drain(sendMessageQueue);
    await settle();
    expect(smtp.received.map((m) => m.subject)).toHaveLength(1);
    const [message] = await app.runtime.db.select().from(messages).where(eq(messages.contactId, contact.id));
    expect(message.status).toBe("sent");
  });

  it("a WhatsApp message queued before the withdrawal never reaches the Cloud API", async () => {
    const contact = await createContact(app.runtime, { preferredChannel: "whatsapp", phone: "+6281234500011" });
    await setConsent(app.runtime.db, null, { contactId: contact.id, purpose: "service_messages", granted: true, source: "registration" });
    expect(await sendToContact(app.runtime.db, app.runtime.jobs, update(contact.id))).toMatchObject({ status: "queued", channel: "whatsapp" });
    await setConsent(app.runtime.db, null, { contactId: contact.id, purpose: "service_messages", granted: false, source: "portal" });
    await app.runtime.jobs.drain(whatsappSendQueue);
    expect(cloud.received).toHaveLength(0);
    const [message] = await app.runtime.db.select().from(messages).where(eq(messages.contactId, contact.id));
    expect(message.status).toBe("cancelled");
  });

  it("messages without a purpose (account e-mails) are not held back", async () => {
    const [row] = await app.runtime.db
      .insert(messages)
      .values({ channel: "email", recipient: "staf@contoh.id", template: "core.notice", locale: "id", subject: "Halo", bodyHtml: "<p>x</p>", bodyText: "x" })
      .returning();
    await app.runtime.jobs.send(sendMessageQueue, { messageId: row.id });
    await app.runtime.jobs.drain(sendMessageQueue);
    const [after] = await app.runtime.db.select().from(messages).where(eq(messages.id, row.id));
    expect(after.status).toBe("sent");
  });
});

describe("purposes as code and the record of processing", () => {
  it("collects the core's and every plugin's purposes, each once", () => {
    const purposes = app.runtime.registry.purposes();
    const ids = purposes.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ["customer_records", "service_messages", "marketing", "surveys", "partner_sharing", "profiling", "security_audit"]) expect(ids).toContain(id);
    expect(purposes.find((p) => p.id === "hospital-appointments.visits")).toMatchObject({ owner: "hospital-appointments", dataCategories: { specific: ["health"] }, legalHold: { years: 25 } });
    expect(purposes.find((p) => p.id === "service_messages")?.processors.map((p) => p.name)).toContain("Meta Platforms (WhatsApp Business Cloud API)");
  });

  it("refuses a plugin purpose without its prefix, a duplicate, a bad retention, or one resting on a consent nobody is asked for", () => {
    const base: ProcessingPurpose = {
      id: "x",
      name: { id: "a", en: "a" },
      description: { id: "a", en: "a" },
      legalBasis: "contract",
      dataCategories: { general: [], specific: [] },
      retentionDays: 30,
      processors: [],
    };
    expect(purposeProblems([{ owner: "demo", purposes: [base] }])).toEqual(['demo: purpose "x" must start with "demo."']);
    expect(purposeProblems([{ owner: "core", purposes: [base] }, { owner: "core", purposes: [base] }])).toEqual(['core: purpose "x" is already declared by core']);
    expect(purposeProblems([{ owner: "core", purposes: [{ ...base, retentionDays: 0 }] }])).toHaveLength(1);
    expect(purposeProblems([{ owner: "demo", purposes: [{ ...base, id: "demo.offers", legalBasis: "consent" }] }])).toEqual([
      'demo: purpose "demo.offers" rests on consent; a plugin\'s processing that needs consent uses one of the core\'s consent purposes (service_messages, marketing, surveys, partner_sharing)',
    ]);
    const broken = { ...installedPlugins[0], manifest: { ...installedPlugins[0].manifest, purposes: [base] } };
    expect(validateManifests([broken])).toContain(`${broken.manifest.id}: purpose "x" must start with "${broken.manifest.id}."`);
  });

  it("writes the record as a page's rows and an XLSX with the same content, in each language", async () => {
    for (const language of ["id", "en"] as const) {
      const t = fixedT(language);
      const rows = processingRecord(app.runtime.registry.purposes(), language, t);
      const visits = rows.find((r) => r.id === "hospital-appointments.visits")!;
      expect(visits.specificData).toEqual([language === "id" ? "Kesehatan (data spesifik)" : "Health (specific data)"]);
      expect(visits.retention).toBe(language === "id" ? "9125 hari" : "9125 days");
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await processingRecordWorkbook(rows, t)) as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      expect(sheet.rowCount).toBe(rows.length + 1);
      expect(sheet.getRow(1).getCell(3).value).toBe(language === "id" ? "Tujuan" : "Purpose");
      const marketing = rows.findIndex((r) => r.id === "marketing");
      expect(sheet.getRow(marketing + 2).getCell(1).value).toBe("marketing");
      expect(sheet.getRow(marketing + 2).getCell(5).value).toBe(language === "id" ? "Persetujuan (Pasal 20 ayat 2 a)" : "Consent (Art. 20(2)a)");
    }
  });
});
