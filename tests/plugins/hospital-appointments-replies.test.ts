// Confirm / cancel from the message itself: the links in confirmations and reminders (a public page,
// GET shows, POST acts, once) and WhatsApp replies ("1" / "YA" / "2" / "BATAL", quick-reply buttons)
// that reach the plugin as core.whatsapp.received through the real webhook and event bus.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PluginServices } from "../../app/plugin-api/index.ts";
import { writeSetting } from "../../app/core/settings/app-settings.server.ts";
import { whatsappSettingsKey } from "../../app/core/messaging/whatsapp-settings.ts";
import { whatsappSendQueue } from "../../app/core/messaging/whatsapp.server.ts";
import * as webhook from "../../app/routes/api/whatsapp-webhook.ts";
import { consents, interactions, messages } from "../../db/schema/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { bookAppointment, sendDueReminders } from "../../plugins/hospital-appointments/booking.server.ts";
import { replyIntent } from "../../plugins/hospital-appointments/patient-actions.server.ts";
import * as linkPage from "../../plugins/hospital-appointments/routes/api.appointments.link.tsx";
import { actionLinks, appointments } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import { callWithBody } from "../support/raw-request.ts";
import { callRoute, createContact, createTestApp, testOrigin, unwrap } from "../support/test-app.ts";
import { inboundWebhook, signBody, startCloudApi } from "../support/whatsapp-cloud-api.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";

const appSecret = "app-secret-balasan-123";
let app: Awaited<ReturnType<typeof createTestApp>>;
let services: PluginServices;
let cloud: Awaited<ReturnType<typeof startCloudApi>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments] });
  services = pluginServices(app.runtime);
  cloud = await startCloudApi({ token: "tok-uji", phoneNumberId: "106540352242922" });
  const params = ["name", "service", "doctor", "date", "time", "queue", "confirmUrl", "cancelUrl"];
  await writeSetting(app.runtime.db, { kind: "system" }, whatsappSettingsKey, {
    enabled: true,
    baseUrl: cloud.baseUrl,
    apiVersion: "v21.0",
    phoneNumberId: "106540352242922",
    accessToken: "tok-uji",
    appSecret,
    verifyToken: "v",
    // each template maps only the parameters it is sent with: an empty one is refused, never sent as ""
    templates: ["confirmation", "reminder", "cancelled", "replyConfirmed", "replyTooLate"].map((name) => ({
      template: `hospital-appointments.${name}`,
      name: `rs_${name.toLowerCase()}`,
      language: "id",
      params: name === "confirmation" || name === "reminder" ? params : params.filter((p) => !p.endsWith("Url")),
    })),
  });
});
afterAll(async () => {
  await app.close();
  await cloud.close();
});

const staffActor = { kind: "system" as const };
const tomorrow = () => addDays(localDateOf(new Date(), "Asia/Jakarta"), 1);
const inDays = (n: number) => addDays(localDateOf(new Date(), "Asia/Jakarta"), n);
const tokenOf = (url: unknown) => new URL(String(url)).searchParams.get("t")!;

async function patient(values: { phone?: string; preferredChannel?: "whatsapp" | "email"; preferredLocale?: "id" | "en" } = {}) {
  const contact = await createContact(app.runtime, { preferredChannel: "email", ...values });
  await app.runtime.db.insert(consents).values({ contactId: contact.id, purpose: "service_messages", granted: true, source: "staff" });
  return contact;
}

async function book(contactId: string, serviceId: string, date: string, time: string) {
  const result = await bookAppointment(app.runtime.db, services, staffActor, { contactId, serviceId, practitionerId: "any", startAt: zonedInstant(date, time, "Asia/Jakarta"), channel: "frontdesk" });
  if (!result.ok) throw new Error(result.error);
  return result.appointment;
}

async function lastMessage(contactId: string, template: string) {
  const rows = await app.runtime.db.select().from(messages).where(and(eq(messages.contactId, contactId), eq(messages.template, template)));
  return rows.at(-1)!;
}

async function visit(id: string) {
  const [row] = await app.runtime.db.select().from(appointments).where(eq(appointments.id, id));
  return row;
}

const openLink = (token: string, headers: Record<string, string> = {}) => callRoute(app.runtime, linkPage.loader, { path: `/api/appointments/link?t=${token}`, headers });
const followLink = (token: string) => callRoute(app.runtime, linkPage.action, { path: "/api/appointments/link", form: { t: token } });

describe("confirm and cancel links", () => {
  it("the confirmation carries two links; GET only shows the visit, POST confirms once", async () => {
    const { service } = await createClinic(app.runtime);
    const contact = await patient();
    const a = await book(contact.id, service.id, tomorrow(), "08:30");
    const confirmation = await lastMessage(contact.id, "hospital-appointments.confirmation");
    expect(confirmation.params.confirmUrl).toMatch(new RegExp(`^${testOrigin}/api/appointments/link\\?t=[A-Za-z0-9_-]{43}$`));
    expect(confirmation.bodyText).toContain(String(confirmation.params.confirmUrl));
    expect(confirmation.bodyText).toContain("Balas 1");
    // only hashes are stored
    const stored = await app.runtime.db.select().from(actionLinks).where(eq(actionLinks.appointmentId, a.id));
    expect(stored.map((l) => l.action).sort()).toEqual(["cancel", "confirm"]);
    expect(stored.some((l) => l.tokenHash === tokenOf(confirmation.params.confirmUrl))).toBe(false);
    expect(stored.every((l) => l.expiresAt.getTime() === a.startAt.getTime())).toBe(true);

    const token = tokenOf(confirmation.params.confirmUrl);
    // a link preview bot fetching the page twice changes nothing
    for (let i = 0; i < 2; i++) {
      const page = unwrap(await openLink(token));
      expect(page.data).toMatchObject({ state: "valid", visit: { action: "confirm", queueNumber: a.queueNumber, doctor: "dr. Uji, Sp.PD", confirmed: false } });
      expect((page.data as { visit: { when: string } }).visit.when).toMatch(/08[.:]30/);
    }
    expect((await visit(a.id)).confirmedAt).toBeNull();

    expect(unwrap(await followLink(token)).data).toEqual({ done: "confirm", error: null });
    expect((await visit(a.id)).confirmedAt).not.toBeNull();
    const timeline = await app.runtime.db.select().from(interactions).where(and(eq(interactions.sourceId, a.id), eq(interactions.body, "confirmed")));
    expect(timeline).toHaveLength(1);
    // used: a clear answer, nothing changes
    expect(unwrap(await followLink(token))).toMatchObject({ status: 409, data: { error: "used" } });
    expect(unwrap(await openLink(token)).data).toMatchObject({ state: "used", visit: { action: "confirm" } });
    expect(unwrap(await openLink("x".repeat(43))).data).toMatchObject({ state: "invalid", visit: null });
    expect(unwrap(await followLink("bukan-token"))).toMatchObject({ status: 404, data: { error: "invalid" } });
  });

  it("the cancel link keeps the patient cut-off, frees the slot, and expires at the visit's start", async () => {
    const { service } = await createClinic(app.runtime);
    const contact = await patient();
    const a = await book(contact.id, service.id, tomorrow(), "09:00");
    const cancelToken = tokenOf((await lastMessage(contact.id, "hospital-appointments.confirmation")).params.cancelUrl);
    // inside the cut-off the link refuses, and is not used up by the refusal
    await app.runtime.db.update(appointments).set({ startAt: new Date(Date.now() + 3600_000), endAt: new Date(Date.now() + 4500_000) }).where(eq(appointments.id, a.id));
    expect(unwrap(await followLink(cancelToken))).toMatchObject({ status: 409, data: { error: "tooLate" } });
    await app.runtime.db.update(appointments).set({ startAt: a.startAt, endAt: a.endAt }).where(eq(appointments.id, a.id));
    expect(unwrap(await followLink(cancelToken)).data).toEqual({ done: "cancel", error: null });
    const row = await visit(a.id);
    expect(row.status).toBe("cancelled");
    expect((await lastMessage(contact.id, "hospital-appointments.cancelled")).template).toBe("hospital-appointments.cancelled");
    // the confirm link of the same message is retired with the visit
    const confirmToken = tokenOf((await lastMessage(contact.id, "hospital-appointments.confirmation")).params.confirmUrl);
    expect(unwrap(await openLink(confirmToken)).data).toMatchObject({ state: "used" });

    const b = await book(contact.id, service.id, tomorrow(), "09:15");
    const late = tokenOf((await lastMessage(contact.id, "hospital-appointments.confirmation")).params.confirmUrl);
    await app.runtime.db.update(actionLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(actionLinks.appointmentId, b.id));
    expect(unwrap(await openLink(late)).data).toMatchObject({ state: "expired" });
    expect(unwrap(await followLink(late))).toMatchObject({ status: 409, data: { error: "expired" } });
    expect((await visit(b.id)).confirmedAt).toBeNull();
  });

  it("opens in the patient's language the first time, then follows the ID/EN switch", async () => {
    const { service } = await createClinic(app.runtime);
    const contact = await patient({ preferredLocale: "en" });
    await book(contact.id, service.id, tomorrow(), "09:30");
    const token = tokenOf((await lastMessage(contact.id, "hospital-appointments.confirmation")).params.confirmUrl);
    const first = unwrap(await openLink(token));
    expect(first.status).toBe(302);
    expect(first.headers?.get("Set-Cookie")).toContain("nusa_lng=");
    expect(first.headers?.get("Location")).toContain("l=en");
    // the patient switched to Indonesian: the cookie wins, no redirect
    const cookie = first.headers!.get("Set-Cookie")!.split(";")[0].replace(/=.*/, "=ImlkIg%3D%3D");
    const chosen = unwrap(await openLink(token, { Cookie: cookie }));
    expect(chosen.status).toBe(200);
    const english = (await lastMessage(contact.id, "hospital-appointments.confirmation")).bodyText;
    expect(english).toContain("Reply 1 to confirm");
  });
});

describe("WhatsApp replies", () => {
  const post = (body: unknown) => {
    const raw = JSON.stringify(body);
    return callWithBody(app.runtime, webhook.action, { path: "/api/whatsapp/webhook", body: raw, headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signBody(raw, appSecret) } }) as Promise<Response>;
  };

  it("reads 1 / YA / konfirmasi / 2 / BATAL and buttons; anything else is left for staff", () => {
    for (const word of ["1", "YA", "ya", "Ya!", "konfirmasi", "confirm", "yes"]) expect(replyIntent(word, null)).toBe("confirm");
    for (const word of ["2", "BATAL", "batal.", "cancel"]) expect(replyIntent(word, null)).toBe("cancel");
    expect(replyIntent("Konfirmasi", "confirm")).toBe("confirm");
    expect(replyIntent(null, "hospital-appointments.cancel")).toBe("cancel");
    expect(replyIntent("dok, saya mau tanya", null)).toBeNull();
    expect(replyIntent("1 2", null)).toBeNull();
  });

  it("a reply to the reminder confirms that visit, is on the timeline, answers once, and a redelivered webhook acts once", async () => {
    const { service } = await createClinic(app.runtime);
    const contact = await patient({ phone: "+6281311112222", preferredChannel: "whatsapp" });
    const first = await book(contact.id, service.id, inDays(1), "10:30");
    const second = await book(contact.id, service.id, inDays(2), "10:30");
    const evening = new Date(first.startAt.getTime() - 16 * 3600_000);
    expect(await sendDueReminders(app.runtime.db, services, evening)).toBeGreaterThanOrEqual(1);
    await app.runtime.jobs.drain(whatsappSendQueue);
    const reminder = await lastMessage(contact.id, "hospital-appointments.reminder");
    expect(reminder.providerMessageId).toMatch(/^wamid\./);
    expect(cloud.received.at(-1)?.body.template?.components?.[0].parameters.map((p) => p.text)).toContain(String(reminder.params.confirmUrl));

    const body = inboundWebhook([{ from: "6281311112222", text: "YA", contextId: reminder.providerMessageId! }]);
    for (let i = 0; i < 2; i++) expect((await post(body)).status).toBe(200);
    await app.runtime.jobs.drain();
    expect((await visit(first.id)).confirmedAt).not.toBeNull();
    expect((await visit(second.id)).confirmedAt).toBeNull();
    const inbound = await app.runtime.db.select().from(interactions).where(and(eq(interactions.contactId, contact.id), eq(interactions.sourceType, "whatsapp.inbound")));
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ channel: "whatsapp", direction: "inbound", body: "YA" });
    const answers = await app.runtime.db.select().from(messages).where(and(eq(messages.contactId, contact.id), eq(messages.template, "hospital-appointments.replyConfirmed")));
    expect(answers).toHaveLength(1);
    expect(answers[0].bodyText).toContain("Terima kasih");

    // free text: only on the timeline
    expect((await post(inboundWebhook([{ from: "6281311112222", text: "Dok, boleh bawa anak?" }]))).status).toBe(200);
    await app.runtime.jobs.drain();
    expect((await visit(second.id)).status).toBe("booked");

    // "2" quoting the second visit's confirmation cancels that one; the answer is the cancellation message
    const confirmation2 = (await app.runtime.db.select().from(messages).where(eq(messages.id, (await visit(second.id)).confirmationMessageId!)))[0];
    expect(confirmation2.providerMessageId).toBeTruthy();
    expect((await post(inboundWebhook([{ from: "6281311112222", button: { payload: "BATAL", text: "Batal" }, contextId: confirmation2.providerMessageId! }]))).status).toBe(200);
    await app.runtime.jobs.drain();
    expect((await visit(second.id)).status).toBe("cancelled");
    expect((await visit(first.id)).status).toBe("booked");
    expect((await lastMessage(contact.id, "hospital-appointments.cancelled")).locale).toBe("id");
  });

  it("a late cancel by reply is refused with a short answer; unknown numbers are ignored", async () => {
    const { service } = await createClinic(app.runtime);
    const contact = await patient({ phone: "+6281399990000", preferredChannel: "whatsapp", preferredLocale: "en" });
    const a = await book(contact.id, service.id, tomorrow(), "11:00");
    await app.runtime.jobs.drain(whatsappSendQueue);
    await app.runtime.db.update(appointments).set({ startAt: new Date(Date.now() + 3600_000), endAt: new Date(Date.now() + 4500_000) }).where(eq(appointments.id, a.id));
    expect((await post(inboundWebhook([{ from: "6281399990000", buttonReply: { id: "cancel", title: "Cancel" } }]))).status).toBe(200);
    await app.runtime.jobs.drain();
    expect((await visit(a.id)).status).toBe("booked");
    const answer = await lastMessage(contact.id, "hospital-appointments.replyTooLate");
    expect(answer.bodyText).toContain("can no longer be cancelled");

    const before = (await app.runtime.db.select({ id: interactions.id }).from(interactions)).length;
    const unknown = await post(inboundWebhook([{ from: "6289900001111", text: "1" }]));
    expect(unknown.status).toBe(200);
    expect((await app.runtime.db.select({ id: interactions.id }).from(interactions)).length).toBe(before);
    // unsigned: refused before anything is read
    const raw = JSON.stringify(inboundWebhook([{ from: "6281399990000", text: "2" }]));
    const forged = (await callWithBody(app.runtime, webhook.action, { path: "/api/whatsapp/webhook", body: raw, headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signBody(raw, "salah") } })) as Response;
    expect(forged.status).toBe(401);
  });
});
