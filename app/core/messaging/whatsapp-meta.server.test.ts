// WhatsApp as Meta documents it, against the local Cloud-API-format server: media messages keep
// caption, type and media id (staff fetch the file through the media endpoint), empty template
// parameters are refused rather than sent, 131049 is retried later, the webhook secret saves on
// its own, and inbound numbers match contacts in one normal form.
import { getZodConstraint } from "@conform-to/zod";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "../../../db/client.ts";
import { appSettings, auditLog, consents, domainEvents, interactions, messages, whatsappMedia } from "../../../db/schema/index.ts";
import * as webhook from "../../routes/api/whatsapp-webhook.ts";
import * as settingsPage from "../../routes/staff/settings.messaging.tsx";
import * as mediaRoute from "../../routes/staff/whatsapp-media.ts";
import { callWithBody } from "../../../tests/support/raw-request.ts";
import { callRoute, createContact, createStaff, createTestApp } from "../../../tests/support/test-app.ts";
import { cloudApiError, inboundWebhook, signBody, startCloudApi, statusWebhook } from "../../../tests/support/whatsapp-cloud-api.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { writeSetting } from "../settings/app-settings.server.ts";
import { sendToContact } from "./send-to-contact.server.ts";
import { ecosystemRetryDelaySeconds, whatsappSendQueue } from "./whatsapp.server.ts";
import { whatsappSettingsFormSchema, whatsappSettingsKey, type WhatsAppSettings } from "./whatsapp-settings.ts";

const token = "EAAG-meta-token";
const appSecret = "app-secret-meta-0123456789";
const phoneNumberId = "106540352242922";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let cloud: Awaited<ReturnType<typeof startCloudApi>>;

async function configure(overrides: Partial<WhatsAppSettings> = {}) {
  await writeSetting(runtime.db, { kind: "system" }, whatsappSettingsKey, {
    enabled: true,
    baseUrl: cloud.baseUrl,
    apiVersion: "v21.0",
    phoneNumberId,
    accessToken: token,
    appSecret,
    verifyToken: "verifikasi",
    templates: [{ template: "core.serviceUpdate", name: "info_layanan", language: "id", params: ["name", "message"] }],
    ...overrides,
  } satisfies WhatsAppSettings);
}

let phoneCounter = 100;
async function waContact(phone = `+6281234560${phoneCounter++}`) {
  const contact = await createContact(runtime, { fullName: "Sari Dewi", phone, preferredChannel: "whatsapp", preferredLocale: "id" });
  await runtime.db.insert(consents).values({ contactId: contact.id, purpose: "service_messages", granted: true, source: "staff" });
  return contact;
}
const message = async (id: string) => (await runtime.db.select().from(messages).where(eq(messages.id, id)))[0];
const jobsOf = async (messageId: string) =>
  rowsOf<{ state: string; start_after: Date }>(
    await runtime.db.execute(sql`select state, start_after from pgboss.job where name = ${whatsappSendQueue} and data->>'messageId' = ${messageId} order by created_on`),
  );
const makeDue = () => runtime.db.execute(sql`update pgboss.job set start_after = now() where name = ${whatsappSendQueue} and state in ('created', 'retry')`);

async function postWebhook(body: unknown) {
  const raw = JSON.stringify(body);
  return (await callWithBody(runtime, webhook.action, { path: "/api/whatsapp/webhook", body: raw, headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signBody(raw, appSecret) } })) as Response;
}

beforeAll(async () => {
  cloud = await startCloudApi({ token, phoneNumberId });
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(async () => {
  await app.close();
  await cloud.close();
});
beforeEach(async () => {
  cloud.reset();
  await runtime.db.execute(sql`delete from pgboss.job where name = ${whatsappSendQueue} and state in ('created', 'retry')`);
  await configure();
});

describe("media messages", () => {
  it("keeps an image's caption, type and media id, and announces them", async () => {
    const contact = await waContact("+6281311112222");
    const res = await postWebhook(
      inboundWebhook([
        { from: "6281311112222", id: "wamid.IMG-1", media: { type: "image", id: "1480987654321", mimeType: "image/jpeg", caption: "Foto resep dokter" } },
        { from: "6281311112222", id: "wamid.DOC-1", media: { type: "document", id: "1480000000002", mimeType: "application/pdf", filename: "hasil-lab.pdf" } },
        { from: "6281311112222", id: "wamid.VOICE-1", media: { type: "audio", id: "1480000000003", mimeType: "audio/ogg; codecs=opus" } },
      ]),
    );
    expect(res.status).toBe(200);
    const rows = await runtime.db
      .select({ sourceId: interactions.sourceId, subject: interactions.subject, body: interactions.body })
      .from(interactions)
      .where(and(eq(interactions.contactId, contact.id), eq(interactions.sourceType, "whatsapp.inbound")));
    expect(rows.sort((a, b) => a.sourceId!.localeCompare(b.sourceId!))).toEqual([
      { sourceId: "wamid.DOC-1", subject: "[document]", body: null },
      { sourceId: "wamid.IMG-1", subject: "Foto resep dokter", body: "Foto resep dokter" },
      { sourceId: "wamid.VOICE-1", subject: "[audio]", body: null },
    ]);
    const media = await runtime.db.select().from(whatsappMedia).where(eq(whatsappMedia.contactId, contact.id));
    expect(media.map((m) => [m.wamid, m.type, m.mediaId, m.mimeType, m.caption, m.filename]).sort()).toEqual([
      ["wamid.DOC-1", "document", "1480000000002", "application/pdf", null, "hasil-lab.pdf"],
      ["wamid.IMG-1", "image", "1480987654321", "image/jpeg", "Foto resep dokter", null],
      ["wamid.VOICE-1", "audio", "1480000000003", "audio/ogg; codecs=opus", null, null],
    ]);
    const events = await runtime.db.select().from(domainEvents).where(eq(domainEvents.name, "core.whatsapp.received"));
    expect(events.find((e) => e.payload.wamid === "wamid.IMG-1")?.payload).toMatchObject({
      contactId: contact.id,
      type: "image",
      text: "Foto resep dokter",
      media: { id: "1480987654321", mimeType: "image/jpeg", caption: "Foto resep dokter", filename: null },
    });
  });

  it("lets staff who may read contacts fetch the file through the Cloud API media endpoint, audited", async () => {
    const contact = await waContact("+6281311113333");
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);
    cloud.addMedia("1480111111111", bytes, "image/jpeg");
    await postWebhook(inboundWebhook([{ from: "6281311113333", id: "wamid.IMG-2", media: { type: "image", id: "1480111111111", mimeType: "image/jpeg", caption: "luka" } }]));
    const [entry] = await runtime.db.select({ id: interactions.id }).from(interactions).where(eq(interactions.sourceId, "wamid.IMG-2"));
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const nobody = await createStaff(runtime, { roles: [] });
    const get = async (cookie: string, id = entry.id) =>
      (await callRoute(runtime, mediaRoute.loader, { path: `/staff/whatsapp/media/${id}`, cookie, params: { interactionId: id } })) as Response;

    const ok = await get(agent.cookie);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toBe("image/jpeg");
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(bytes);
    // the media id was looked up, then the returned URL fetched, both with our token
    expect(cloud.mediaRequests.map((r) => [r.path.replace(/\?.*$/, ""), r.authorization])).toEqual([
      ["/v21.0/1480111111111", `Bearer ${token}`],
      ["/whatsapp_business/attachments/", `Bearer ${token}`],
    ]);
    const audits = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "whatsapp.media.viewed"), eq(auditLog.actorUserId, agent.id)));
    expect(audits.map((a) => a.entityId)).toEqual([contact.id]);

    // the timeline entry links to the file
    const { listTimeline } = await import("../contacts/timeline.server.ts");
    const staffActor = { kind: "staff" as const, userId: agent.id, permissions: new Set(["core.contact.read"]), branchId: null };
    const page = await listTimeline(runtime.db, staffActor as Parameters<typeof listTimeline>[1], { contactId: contact.id, timeZone: "Asia/Jakarta" as Parameters<typeof listTimeline>[2]["timeZone"] }, { sources: [], language: "id", t: (() => "") as never, logger: runtime.logger });
    expect(page.items.find((i) => i.title === "luka")?.href).toBe(`/staff/whatsapp/media/${entry.id}`);

    expect((await get(nobody.cookie)).status).toBe(403);
    expect((await get(agent.cookie, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await get(agent.cookie, "not-a-uuid")).status).toBe(404);
    cloud.removeMedia("1480111111111");
    const gone = await get(agent.cookie);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toBe("Berkas ini sudah tidak tersedia di WhatsApp (Meta menyimpan media sekitar 30 hari).");
  });
});

describe("template parameters", () => {
  it("refuses to queue a mapped template with an empty parameter, says which, and sends nothing", async () => {
    const contact = await waContact();
    for (const value of ["", "   "]) {
      const result = await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.serviceUpdate", params: { message: value }, purpose: "service_messages" });
      expect(result).toEqual({ status: "skipped", reason: "template_params_missing", contactId: contact.id });
    }
    const skipped = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "message.skipped"), eq(auditLog.entityId, contact.id)));
    expect(skipped.map((a) => a.data)).toEqual([
      expect.objectContaining({ reason: "template_params_missing", missingParams: ["message"] }),
      expect.objectContaining({ reason: "template_params_missing", missingParams: ["message"] }),
    ]);
    expect(await runtime.db.select().from(messages).where(eq(messages.contactId, contact.id))).toHaveLength(0);
    expect(await runtime.jobs.drain(whatsappSendQueue)).toBe(0);
    expect(cloud.received).toHaveLength(0);
  });

  it("fails a queued message whose parameter became empty, with a message the settings page translates, never sending `\"\"`", async () => {
    const contact = await waContact();
    const queued = await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.serviceUpdate", params: { message: "Jadwal berubah" }, purpose: "service_messages" });
    if (queued.status !== "queued") throw new Error("not queued");
    // the admin maps one more parameter that this message has no value for
    await configure({ templates: [{ template: "core.serviceUpdate", name: "info_layanan", language: "id", params: ["name", "message", "date"] }] });
    await runtime.jobs.drain(whatsappSendQueue);
    const row = await message(queued.messageId);
    expect([row.status, row.lastError]).toEqual(["failed", "[params_missing]: empty template parameter(s): date"]);
    expect(cloud.received).toHaveLength(0);
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const page = (await callRoute(runtime, settingsPage.loader, { path: "/staff/settings/messaging", cookie: admin.cookie })) as { recent: { id: string; errorKind: string }[] };
    expect(page.recent.find((m) => m.id === queued.messageId)?.errorKind).toBe("params_missing");
  });
});

describe("error 131049", () => {
  it("is not final when the send answers it: the message is queued again for hours later, then sent", async () => {
    const contact = await waContact();
    const queued = await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.serviceUpdate", params: { message: "Promo" }, purpose: "service_messages" });
    if (queued.status !== "queued") throw new Error("not queued");
    cloud.respondWith({ status: 400, body: cloudApiError(131049, "This message was not delivered to maintain healthy ecosystem engagement.") });
    const before = Date.now();
    await runtime.jobs.drain(whatsappSendQueue);
    let row = await message(queued.messageId);
    expect([row.status, row.lastError?.slice(0, 26)]).toEqual(["queued", "[ecosystem_limited] 131049"]);
    const later = (await jobsOf(queued.messageId)).find((j) => j.state === "created");
    expect(new Date(later!.start_after).getTime()).toBeGreaterThanOrEqual(before + (ecosystemRetryDelaySeconds - 60) * 1000);
    expect(await runtime.jobs.drain(whatsappSendQueue)).toBe(0);
    await makeDue();
    await runtime.jobs.drain(whatsappSendQueue);
    row = await message(queued.messageId);
    expect([row.status, row.attempts]).toEqual(["sent", 2]);
    expect(cloud.received).toHaveLength(2);
  });

  it("is not final when a status webhook reports it: the message is re-sent later under a new wamid", async () => {
    const contact = await waContact();
    const queued = await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.serviceUpdate", params: { message: "Promo" }, purpose: "service_messages" });
    if (queued.status !== "queued") throw new Error("not queued");
    await runtime.jobs.drain(whatsappSendQueue);
    const first = await message(queued.messageId);
    const res = await postWebhook(statusWebhook([{ id: first.providerMessageId!, status: "failed", errors: [{ code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement." }] }]));
    expect(res.status).toBe(200);
    let row = await message(queued.messageId);
    expect([row.status, row.lastError?.slice(0, 26)]).toEqual(["queued", "[ecosystem_limited] 131049"]);
    expect(await runtime.jobs.drain(whatsappSendQueue)).toBe(0);
    await makeDue();
    await runtime.jobs.drain(whatsappSendQueue);
    row = await message(queued.messageId);
    expect(row.status).toBe("sent");
    expect(row.providerMessageId).not.toBe(first.providerMessageId);
    // another failure code stays final
    const again = await postWebhook(statusWebhook([{ id: row.providerMessageId!, status: "failed", errors: [{ code: 131026, title: "Message undeliverable" }] }]));
    expect(again.status).toBe(200);
    expect((await message(queued.messageId)).status).toBe("failed");
  });
});

describe("settings", () => {
  it("saves the webhook secret and verify token on their own, before any phone-number id", async () => {
    await writeSetting(runtime.db, { kind: "system" }, whatsappSettingsKey, {});
    const admin = await createStaff(runtime, { roles: ["admin"] });
    expect(getZodConstraint(whatsappSettingsFormSchema).phoneNumberId?.required ?? false).toBe(false);
    const saved = (await callRoute(runtime, settingsPage.action, {
      path: "/staff/settings/messaging",
      cookie: admin.cookie,
      form: { baseUrl: "https://graph.facebook.com", apiVersion: "v21.0", phoneNumberId: "", accessToken: "", appSecret: "rahasia-webhook", verifyToken: "token-verifikasi" },
    })) as Response;
    expect(saved.status).toBe(302);
    const [row] = await runtime.db.select().from(appSettings).where(eq(appSettings.key, whatsappSettingsKey));
    expect(row.value).toMatchObject({ enabled: false, phoneNumberId: "", appSecret: "rahasia-webhook", verifyToken: "token-verifikasi" });
    const handshake = (await callRoute(runtime, webhook.loader, { path: "/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=token-verifikasi&hub.challenge=1158201444" })) as Response;
    expect([handshake.status, await handshake.text()]).toEqual([200, "1158201444"]);
    const raw = JSON.stringify(statusWebhook([{ id: "wamid.unknown", status: "delivered" }]));
    const signed = (await callWithBody(runtime, webhook.action, { path: "/api/whatsapp/webhook", body: raw, headers: { "X-Hub-Signature-256": signBody(raw, "rahasia-webhook") } })) as Response;
    expect(signed.status).toBe(200);
  });
});

describe("phone numbers in one normal form", () => {
  it("matches an inbound number to contacts saved as 0812…, 62812…, +62 812-… or E.164", async () => {
    const stored = ["0812-7700-0001", "6281277000002", "+62 812-7700-0003", "+6281277000004", "(0812) 7700 0005"];
    const ids: string[] = [];
    for (const phone of stored) {
      // rows written before numbers were normalised on save, or by an import
      const [row] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into contacts (full_name, phone) values ('Nomor Lama', ${phone}) returning id`));
      ids.push(row.id);
    }
    const res = await postWebhook(inboundWebhook(stored.map((_, i) => ({ from: `628127700000${i + 1}`, id: `wamid.NF-${i + 1}`, text: `halo ${i + 1}` }))));
    expect(res.status).toBe(200);
    for (const [i, id] of ids.entries()) {
      const entries = await runtime.db.select({ sourceId: interactions.sourceId }).from(interactions).where(eq(interactions.contactId, id));
      expect(entries.map((e) => e.sourceId), stored[i]).toEqual([`wamid.NF-${i + 1}`]);
    }
  });

  it("prefers the contact saved in E.164 and never matches another number", async () => {
    const [loose] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into contacts (full_name, phone) values ('Lama', '0812-7711-0001') returning id`));
    const exact = await createContact(runtime, { fullName: "Baru", phone: "+6281277110001" });
    await postWebhook(inboundWebhook([{ from: "6281277110001", id: "wamid.NF-PREF", text: "halo" }, { from: "6281277110009", id: "wamid.NF-OTHER", text: "halo" }]));
    const [entry] = await runtime.db.select({ contactId: interactions.contactId }).from(interactions).where(eq(interactions.sourceId, "wamid.NF-PREF"));
    expect(entry.contactId).toBe(exact.id);
    expect(entry.contactId).not.toBe(loose.id);
    expect(await runtime.db.select().from(interactions).where(eq(interactions.sourceId, "wamid.NF-OTHER"))).toHaveLength(0);
  });
});
