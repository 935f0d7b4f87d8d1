// The WhatsApp channel end to end against a local HTTP server in the Cloud API's format: the
// outbox job, error codes and retries, the signed status webhook, and the admin settings page.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "../../../db/client.ts";
import { appSettings, auditLog, consents, domainEvents, interactions, messages } from "../../../db/schema/index.ts";
import * as webhook from "../../routes/api/whatsapp-webhook.ts";
import * as settingsPage from "../../routes/staff/settings.messaging.tsx";
import { callWithBody } from "../../../tests/support/raw-request.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../../../tests/support/test-app.ts";
import { cloudApiError, inboundWebhook, signBody, startCloudApi, statusWebhook } from "../../../tests/support/whatsapp-cloud-api.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { writeSetting } from "../settings/app-settings.server.ts";
import { sendToContact } from "./send-to-contact.server.ts";
import { whatsappSendQueue } from "./whatsapp.server.ts";
import { whatsappSettingsKey, type WhatsAppSettings } from "./whatsapp-settings.ts";

const token = "EAAG-test-token-rahasia";
const appSecret = "app-secret-uji-0123456789";
const verifyToken = "verifikasi-nusa-2026";
const phoneNumberId = "106540352242922";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let cloud: Awaited<ReturnType<typeof startCloudApi>>;

async function configure(overrides: Partial<WhatsAppSettings> = {}) {
  const settings: WhatsAppSettings = {
    enabled: true,
    baseUrl: cloud.baseUrl,
    apiVersion: "v21.0",
    phoneNumberId,
    accessToken: token,
    appSecret,
    verifyToken,
    templates: [{ template: "core.serviceUpdate", name: "info_layanan", language: "id", params: ["name", "message"] }],
    ...overrides,
  };
  await writeSetting(runtime.db, { kind: "system" }, whatsappSettingsKey, settings);
}

async function waContact() {
  const contact = await createContact(runtime, { fullName: "Budi Santoso", phone: "+6281234567890", preferredChannel: "whatsapp", preferredLocale: "id" });
  await runtime.db.insert(consents).values({ contactId: contact.id, purpose: "service_messages", granted: true, source: "staff" });
  return contact;
}

async function queueOne(text = "Hasil lab Anda sudah siap.") {
  const contact = await waContact();
  const result = await sendToContact(runtime.db, runtime.jobs, { contactId: contact.id, template: "core.serviceUpdate", params: { message: text }, purpose: "service_messages" });
  if (result.status !== "queued") throw new Error(`not queued: ${result.reason}`);
  return { contact, messageId: result.messageId };
}

async function message(id: string) {
  const [row] = await runtime.db.select().from(messages).where(eq(messages.id, id));
  return row;
}

/** The retry's wait, skipped: pg-boss would run it after its backoff delay. */
async function makeRetriesDue() {
  await runtime.db.execute(sql`update pgboss.job set start_after = now() where name = ${whatsappSendQueue} and state = 'retry'`);
}

async function jobStates(messageId?: string) {
  const which = messageId ? sql`and data->>'messageId' = ${messageId}` : sql``;
  return rowsOf<{ state: string; retry_count: number; start_after: Date }>(
    await runtime.db.execute(sql`select state, retry_count, start_after from pgboss.job where name = ${whatsappSendQueue} ${which} order by created_on desc limit 1`),
  )[0];
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
  // An earlier test's retry could fall due mid-test and take this test's scripted answer.
  await runtime.db.execute(sql`delete from pgboss.job where name = ${whatsappSendQueue} and state in ('created', 'retry')`);
  await configure();
});

describe("WhatsApp delivery through the outbox", () => {
  it("sends the mapped template in the Cloud API format and stores the wamid", async () => {
    const { messageId } = await queueOne();
    expect((await message(messageId)).status).toBe("queued");
    expect(await runtime.jobs.drain(whatsappSendQueue)).toBe(1);
    expect(cloud.received).toHaveLength(1);
    const [req] = cloud.received;
    expect(req.authorization).toBe(`Bearer ${token}`);
    expect(req.body).toMatchObject({
      messaging_product: "whatsapp",
      to: "6281234567890",
      type: "template",
      template: {
        name: "info_layanan",
        language: { code: "id" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Budi Santoso" }, { type: "text", text: "Hasil lab Anda sudah siap." }] }],
      },
    });
    const row = await message(messageId);
    expect(row.status).toBe("sent");
    expect(row.providerMessageId).toMatch(/^wamid\./);
    expect(row.attempts).toBe(1);
    expect(row.lastError).toBeNull();
  });

  it("retries later on a rate limit (130429) and then succeeds", async () => {
    const { messageId } = await queueOne();
    cloud.respondWith({ status: 400, body: cloudApiError(130429, "Rate limit hit", "Cloud API message throughput has been reached.") });
    await runtime.jobs.drain(whatsappSendQueue);
    let row = await message(messageId);
    expect(row.status).toBe("queued");
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/^\[rate_limited\] 130429/);
    const job = await jobStates(messageId);
    expect(job.state).toBe("retry");
    expect(new Date(job.start_after).getTime()).toBeGreaterThan(Date.now());
    // not before its backoff
    expect(await runtime.jobs.drain(whatsappSendQueue)).toBe(0);
    await makeRetriesDue();
    expect(await runtime.jobs.drain(whatsappSendQueue)).toBe(1);
    row = await message(messageId);
    expect(row.status).toBe("sent");
    expect(row.attempts).toBe(2);
    expect(cloud.received).toHaveLength(2);
  });

  it.each([131056, 131048, 80007, 4])("treats error %i as a rate limit", async (code) => {
    const { messageId } = await queueOne();
    cloud.respondWith({ status: 400, body: cloudApiError(code, "Rate limit") });
    await runtime.jobs.drain(whatsappSendQueue);
    expect((await message(messageId)).status).toBe("queued");
    expect((await jobStates(messageId)).state).toBe("retry");
  });

  it("fails for good on 131026 (undeliverable) without retrying", async () => {
    const { messageId } = await queueOne("Sekali saja.");
    cloud.respondWith({ status: 400, body: cloudApiError(131026, "Message Undeliverable") });
    await runtime.jobs.drain(whatsappSendQueue);
    const row = await message(messageId);
    expect(row.status).toBe("failed");
    expect(row.lastError).toMatch(/^\[undeliverable\] 131026/);
    expect((await jobStates(messageId)).state).toBe("completed");
    await makeRetriesDue();
    await runtime.jobs.drain(whatsappSendQueue);
    // a due retry would run now; this message has none and is never sent again
    expect(cloud.received.filter((r) => r.body.template?.components?.[0]?.parameters[1]?.text === "Sekali saja.")).toHaveLength(1);
    expect((await message(messageId)).status).toBe("failed");
  });

  it("fails on 131047 (outside the 24-hour window) without retrying", async () => {
    const { messageId } = await queueOne();
    cloud.respondWith({ status: 400, body: cloudApiError(131047, "Re-engagement message") });
    await runtime.jobs.drain(whatsappSendQueue);
    expect((await message(messageId)).lastError).toMatch(/^\[outside_window\] 131047/);
    expect((await message(messageId)).status).toBe("failed");
  });

  it("fails with an admin-facing error when the token is refused, and the settings page says so", async () => {
    await configure({ accessToken: "kedaluwarsa" });
    const { messageId } = await queueOne();
    await runtime.jobs.drain(whatsappSendQueue);
    const row = await message(messageId);
    expect(row.status).toBe("failed");
    expect(row.lastError).toMatch(/^\[token_invalid\] 190/);
    expect((await jobStates(messageId)).state).toBe("completed");
    const admin = await createStaff(runtime, { roles: ["admin"] });
    // the banner shows failures newer than the last settings change
    await runtime.db.update(appSettings).set({ updatedAt: new Date(Date.now() - 60_000) }).where(eq(appSettings.key, whatsappSettingsKey));
    const page = unwrap(await callRoute(runtime, settingsPage.loader, { path: "/staff/settings/messaging", cookie: admin.cookie })).data as {
      credentialFailure: { kind: string } | null;
      recent: { id: string; errorKind: string | null }[];
    };
    expect(page.credentialFailure?.kind).toBe("token_invalid");
    expect(page.recent.find((m) => m.id === messageId)?.errorKind).toBe("token_invalid");
  });

  it("retries on a server error and fails after its last attempt", async () => {
    const { messageId } = await queueOne();
    await runtime.db.update(messages).set({ attempts: 7 }).where(eq(messages.id, messageId));
    cloud.respondWith({ status: 503, body: { error: { message: "Service temporarily unavailable", code: 2 } } });
    await runtime.jobs.drain(whatsappSendQueue);
    const row = await message(messageId);
    expect(row.status).toBe("failed");
    expect(row.attempts).toBe(8);
    expect(row.lastError).toMatch(/^\[server\]/);
  });

  it("fails a queued message when WhatsApp was switched off before it went out", async () => {
    const { messageId } = await queueOne();
    await configure({ enabled: false });
    await runtime.jobs.drain(whatsappSendQueue);
    expect((await message(messageId)).lastError).toMatch(/^\[not_configured\]/);
    expect(cloud.received).toHaveLength(0);
  });
});

describe("delivery-status webhook", () => {
  async function post(body: string, signature: string | null) {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (signature !== null) headers["X-Hub-Signature-256"] = signature;
    return (await callWithBody(runtime, webhook.action, { path: "/api/whatsapp/webhook", body, headers })) as Response;
  }
  async function sentMessage() {
    const { messageId } = await queueOne();
    await runtime.jobs.drain(whatsappSendQueue);
    return message(messageId);
  }

  it("answers Meta's verification handshake only with the right verify token", async () => {
    const ok = (await callWithBody(runtime, webhook.loader, { path: `/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444` })) as Response;
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const wrong = (await callWithBody(runtime, webhook.loader, { path: "/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1158201444" })) as Response;
    expect(wrong.status).toBe(403);
    await configure({ verifyToken: "" });
    const unset = (await callWithBody(runtime, webhook.loader, { path: "/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=&hub.challenge=1" })) as Response;
    expect(unset.status).toBe(403);
  });

  it("moves a message forward by its wamid on a correctly signed callback", async () => {
    const row = await sentMessage();
    const raw = JSON.stringify(statusWebhook([{ id: row.providerMessageId!, status: "delivered" }]));
    const response = await post(raw, signBody(raw, appSecret));
    expect(response.status).toBe(200);
    expect((await message(row.id)).status).toBe("delivered");
    const read = JSON.stringify(statusWebhook([{ id: row.providerMessageId!, status: "read" }]));
    expect((await post(read, signBody(read, appSecret))).status).toBe(200);
    expect((await message(row.id)).status).toBe("read");
  });

  it("never moves a status backwards (late or repeated callbacks)", async () => {
    const row = await sentMessage();
    const both = JSON.stringify(statusWebhook([{ id: row.providerMessageId!, status: "read" }, { id: row.providerMessageId!, status: "delivered" }]));
    await post(both, signBody(both, appSecret));
    expect((await message(row.id)).status).toBe("read");
    for (const status of ["sent", "delivered", "failed"]) {
      const late = JSON.stringify(statusWebhook([{ id: row.providerMessageId!, status, errors: status === "failed" ? [{ code: 131026, title: "Message undeliverable" }] : undefined }]));
      expect((await post(late, signBody(late, appSecret))).status).toBe(200);
      expect((await message(row.id)).status).toBe("read");
    }
  });

  it("records a failed status with its error", async () => {
    const row = await sentMessage();
    const raw = JSON.stringify(statusWebhook([{ id: row.providerMessageId!, status: "failed", errors: [{ code: 131026, title: "Message undeliverable" }] }]));
    await post(raw, signBody(raw, appSecret));
    const after = await message(row.id);
    expect(after.status).toBe("failed");
    expect(after.lastError).toBe("[undeliverable] 131026 Message undeliverable");
  });

  it("refuses a wrong signature, a tampered body and a missing header with 401 and changes nothing", async () => {
    const row = await sentMessage();
    const raw = JSON.stringify(statusWebhook([{ id: row.providerMessageId!, status: "read" }]));
    expect((await post(raw, signBody(raw, "bukan-rahasia-kami"))).status).toBe(401);
    const tampered = raw.replace('"read"', '"delivered"');
    expect((await post(tampered, signBody(raw, appSecret))).status).toBe(401);
    // same JSON, different bytes: the signature covers the raw body, not its meaning
    const reformatted = JSON.stringify(JSON.parse(raw), null, 1);
    expect((await post(reformatted, signBody(raw, appSecret))).status).toBe(401);
    expect((await post(raw, null)).status).toBe(401);
    expect((await post(raw, "sha256=")).status).toBe(401);
    expect((await post(raw, signBody(raw, appSecret).replace("sha256=", "sha1="))).status).toBe(401);
    expect((await message(row.id)).status).toBe("sent");
  });

  it("refuses everything while no app secret is set", async () => {
    await configure({ appSecret: "" });
    const raw = JSON.stringify(statusWebhook([]));
    expect((await post(raw, signBody(raw, ""))).status).toBe(401);
  });

  it("acknowledges callbacks about messages it does not know, and malformed signed JSON with 400", async () => {
    const raw = JSON.stringify(statusWebhook([{ id: "wamid.TIDAK-ADA", status: "delivered" }]));
    expect((await post(raw, signBody(raw, appSecret))).status).toBe(200);
    const junk = "{not json";
    expect((await post(junk, signBody(junk, appSecret))).status).toBe(400);
  });
});

describe("messaging settings page", () => {
  it("is for admins only (core.settings.manage)", async () => {
    for (const role of ["manager", "agent", "marketing"]) {
      const staff = await createStaff(runtime, { roles: [role] });
      expect(unwrap(await callRoute(runtime, settingsPage.loader, { path: "/staff/settings/messaging", cookie: staff.cookie })).status).toBe(403);
      const post = unwrap(
        await callRoute(runtime, settingsPage.action, { path: "/staff/settings/messaging", cookie: staff.cookie, form: { baseUrl: "https://evil.example", apiVersion: "v21.0", phoneNumberId: "1" } }),
      );
      expect(post.status).toBe(403);
    }
    const [row] = await runtime.db.select().from(appSettings).where(eq(appSettings.key, whatsappSettingsKey));
    expect((row.value as { baseUrl: string }).baseUrl).toBe(cloud.baseUrl);
  });

  it("never sends secrets to the browser, keeps them when left blank and clears them on request", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const load = async () => unwrap(await callRoute(runtime, settingsPage.loader, { path: "/staff/settings/messaging", cookie: admin.cookie })).data;
    const first = await load();
    const text = JSON.stringify(first);
    for (const secret of [token, appSecret, verifyToken]) expect(text).not.toContain(secret);
    expect((first as { settings: { secrets: Record<string, boolean> } }).settings.secrets).toEqual({ accessToken: true, appSecret: true, verifyToken: true });

    const form = {
      enabled: "on",
      baseUrl: "https://graph.facebook.com/",
      apiVersion: "v22.0",
      phoneNumberId: "123456789012345",
      accessToken: "",
      appSecret: "rahasia-baru",
      verifyToken: "",
      clearVerifyToken: "on",
      "templates[0].template": "core.serviceUpdate",
      "templates[0].name": "info_layanan_v2",
      "templates[0].language": "id",
      "templates[0].params": "name, message",
      "templates[1].template": "",
      "templates[1].name": "",
      "templates[1].language": "",
      "templates[1].params": "",
    };
    const saved = await callRoute(runtime, settingsPage.action, { path: "/staff/settings/messaging", cookie: admin.cookie, form });
    expect((saved as Response).status).toBe(302);
    const [row] = await runtime.db.select().from(appSettings).where(eq(appSettings.key, whatsappSettingsKey));
    expect(row.value).toMatchObject({
      enabled: true,
      baseUrl: "https://graph.facebook.com",
      apiVersion: "v22.0",
      phoneNumberId: "123456789012345",
      accessToken: token,
      appSecret: "rahasia-baru",
      verifyToken: "",
      templates: [{ template: "core.serviceUpdate", name: "info_layanan_v2", language: "id", params: ["name", "message"] }],
    });
    const [entry] = await runtime.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "settings.changed"), eq(auditLog.actorUserId, admin.id)));
    expect(JSON.stringify(entry.data)).not.toContain("rahasia-baru");

    const bad = unwrap(
      await callRoute(runtime, settingsPage.action, {
        path: "/staff/settings/messaging",
        cookie: admin.cookie,
        form: { ...form, appSecret: "jangan-dikembalikan", apiVersion: "22", "templates[0].name": "Info Layanan" },
      }),
    );
    expect(bad.status).toBe(400);
    const reply = bad.data as { error: Record<string, string[]>; initialValue?: Record<string, unknown> };
    expect(reply.error.apiVersion).toEqual(["staff:messaging.errors.apiVersion"]);
    expect(reply.error["templates[0].name"]).toEqual(["staff:messaging.errors.waTemplateName"]);
    expect(JSON.stringify(reply)).not.toContain("jangan-dikembalikan");
  });
});

describe("inbound messages on the webhook", () => {
  async function post(body: unknown) {
    const raw = JSON.stringify(body);
    return (await callWithBody(runtime, webhook.action, { path: "/api/whatsapp/webhook", body: raw, headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signBody(raw, appSecret) } })) as Response;
  }

  it("puts a reply on the sender's timeline and emits core.whatsapp.received once per wamid, with the quoted message", async () => {
    const { contact, messageId } = await queueOne();
    await runtime.jobs.drain(whatsappSendQueue);
    const ours = await message(messageId);
    const body = inboundWebhook([
      { from: "6281234567890", id: "wamid.INBOUND-TEXT-1", text: "Ya, saya datang", contextId: ours.providerMessageId! },
      { from: "6281234567890", id: "wamid.INBOUND-BUTTON-1", button: { payload: "CONFIRM", text: "Konfirmasi" } },
      { from: "6289999999999", id: "wamid.INBOUND-STRANGER", text: "halo" },
    ]);
    // Meta redelivers: the second time records and emits nothing
    for (let i = 0; i < 2; i++) expect((await post(body)).status).toBe(200);
    const timeline = await runtime.db.select().from(interactions).where(and(eq(interactions.contactId, contact.id), eq(interactions.sourceType, "whatsapp.inbound")));
    expect(timeline.map((t) => [t.sourceId, t.direction, t.channel, t.body]).sort()).toEqual([
      ["wamid.INBOUND-BUTTON-1", "inbound", "whatsapp", "Konfirmasi"],
      ["wamid.INBOUND-TEXT-1", "inbound", "whatsapp", "Ya, saya datang"],
    ]);
    const events = await runtime.db.select().from(domainEvents).where(eq(domainEvents.name, "core.whatsapp.received"));
    const mine = events.map((e) => e.payload).filter((p) => p.contactId === contact.id);
    expect(mine).toHaveLength(2);
    expect(mine.find((p) => p.wamid === "wamid.INBOUND-TEXT-1")).toMatchObject({ version: 1, type: "text", text: "Ya, saya datang", buttonPayload: null, contextWamid: ours.providerMessageId, contextMessageId: messageId });
    expect(mine.find((p) => p.wamid === "wamid.INBOUND-BUTTON-1")).toMatchObject({ type: "button", buttonPayload: "CONFIRM", contextMessageId: null });
    expect(events.some((e) => e.payload.wamid === "wamid.INBOUND-STRANGER")).toBe(false);
  });

  it("refuses an unsigned inbound message and records nothing", async () => {
    const raw = JSON.stringify(inboundWebhook([{ from: "6281234567890", id: "wamid.FORGED", text: "2" }]));
    const res = (await callWithBody(runtime, webhook.action, { path: "/api/whatsapp/webhook", body: raw, headers: { "Content-Type": "application/json" } })) as Response;
    expect(res.status).toBe(401);
    expect(await runtime.db.select().from(interactions).where(eq(interactions.sourceId, "wamid.FORGED"))).toHaveLength(0);
  });
});
