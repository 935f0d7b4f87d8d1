// Portal homes that answer the first question (issue #15 item 3): the patient's home shows the next
// visit and a held slot, the shopper's their points; both their open tickets and surveys waiting. A
// plugin's menu entries and cards show to a customer only with a relationship with it, a partner's
// entries only to organisations whose type uses them (and their pages answer 404 to the others).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type PluginServices, type PortalWidgetView } from "../app/plugin-api/index.ts";
import { pluginServices } from "../app/core/plugins/plugin-services.server.ts";
import { requestSurvey } from "../app/core/surveys/surveys.server.ts";
import { openTicketAsCustomer } from "../app/core/tickets/tickets.server.ts";
import { addDays, localDateOf, zonedInstant } from "../app/core/time/local-time.ts";
import { formatLocalDate } from "../app/core/i18n/format.ts";
import * as portalHome from "../app/routes/portal/home.tsx";
import * as portalLayout from "../app/routes/portal/layout.tsx";
import * as partnerLayout from "../app/routes/partner/layout.tsx";
import { consents } from "../db/schema/index.ts";
import { installedPlugins } from "../plugins/index.ts";
import { bookAppointment } from "../plugins/hospital-appointments/booking.server.ts";
import * as portalAppointments from "../plugins/hospital-appointments/routes/portal.appointments.tsx";
import { appointments } from "../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../plugins/hospital-appointments/test-setup.ts";
import { joinWaitlist } from "../plugins/hospital-appointments/waitlist.server.ts";
import { cancelAppointment } from "../plugins/hospital-appointments/booking.server.ts";
import * as partnerReferrals from "../plugins/hospital-referrals/routes/partner.referrals.tsx";
import { earnFromSale } from "../plugins/retail-loyalty/ledger.server.ts";
import { seedRetailLoyalty } from "../plugins/retail-loyalty/seed.server.ts";
import * as sellThrough from "../plugins/retail-pos/routes/partner.sell-through.tsx";
import { callRoute, createContact, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let services: PluginServices;
let clinic: Awaited<ReturnType<typeof createClinic>>;
const system = { kind: "system" as const };
const tomorrow = () => addDays(localDateOf(new Date(), "Asia/Jakarta"), 1);

beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  services = pluginServices(app.runtime);
  clinic = await createClinic(app.runtime);
  // the demo programme (Silver / Gold from Rp 3.000.000 / Platinum; Rp 10.000 a point, a point worth Rp 100) is seeded by the admin
  await createStaff(app.runtime, { roles: ["admin"], email: "admin@nusa-crm.id" });
  await seedRetailLoyalty({ db: app.runtime.db, logger: app.runtime.logger });
  await app.runtime.db.execute(sql`delete from retail_loyalty_campaigns`);
});
afterAll(() => app.close());

type Nav = { to: string; label: string }[];
type Home = { widgets: { id: string; view: PortalWidgetView }[] };
const navOf = async (cookie: string) => (unwrap(await callRoute(app.runtime, portalLayout.loader, { path: "/portal", cookie })).data as { nav: Nav }).nav;
const homeOf = async (cookie: string) => unwrap(await callRoute(app.runtime, portalHome.loader, { path: "/portal", cookie })).data as Home;
const widget = (home: Home, id: string) => home.widgets.find((w) => w.id === id)?.view;
const paths = (nav: Nav) => nav.map((n) => n.to);

async function bookTomorrow(contactId: string, time: string) {
  const result = await bookAppointment(app.runtime.db, services, system, { contactId, serviceId: clinic.service.id, practitionerId: clinic.doctor.id, startAt: zonedInstant(tomorrow(), time, "Asia/Jakarta"), channel: "frontdesk" });
  if (!result.ok) throw new Error(result.error);
  return result.appointment;
}

describe("a patient's home", () => {
  it("shows the next visit (date, 08.15 WIB, poli, doctor, queue number) with confirm / change / cancel, and no shopping menus", async () => {
    const patient = await createCustomer(app.runtime);
    // 08:00 is queue 1 of the session (one seat per 15-minute slot), 08:15 queue 2; 09:00 is the visit after it
    const next = await bookTomorrow(patient.contact.id, "08:15");
    await bookTomorrow(patient.contact.id, "09:00");
    const nav = await navOf(patient.cookie);
    expect(paths(nav)).toContain("/portal/appointments");
    expect(paths(nav)).not.toContain("/portal/loyalty");
    expect(paths(nav)).not.toContain("/portal/receipts");
    expect(nav.map((n) => n.label)).not.toContain("Struk belanja");

    const home = await homeOf(patient.cookie);
    expect(home.widgets.map((w) => w.id)).toEqual(["hospital-appointments:next-visit"]);
    const visit = widget(home, "hospital-appointments:next-visit")!;
    expect(visit.title).toBe("Kunjungan berikutnya");
    expect(visit.headline).toBe(formatLocalDate(tomorrow(), "id"));
    expect(visit.badge).toBe("Antrean 2");
    expect(visit.lines).toEqual(["pukul 08.15 WIB", "Poli Penyakit Dalam · dr. Uji, Sp.PD", clinic.branch.name, "Belum dikonfirmasi", "1 janji temu lain sesudahnya"]);
    expect(visit.actions).toEqual([
      { kind: "post", label: "Konfirmasi kehadiran", action: "/portal/appointments", fields: { intent: "confirm", appointmentId: next.id }, primary: true },
      { kind: "link", label: "Ubah jadwal", href: `/portal/appointments/book?reschedule=${next.id}` },
      { kind: "post", label: "Batalkan", action: "/portal/appointments", fields: { intent: "cancel", appointmentId: next.id }, danger: true },
      { kind: "link", label: "Semua janji temu", href: "/portal/appointments" },
    ]);
  });

  it("confirms through the appointments page's action (the form the card posts), once, and only the patient's own visit", async () => {
    const patient = await createCustomer(app.runtime);
    const other = await createCustomer(app.runtime);
    const visit = await bookTomorrow(patient.contact.id, "08:30");
    const stranger = unwrap(await callRoute(app.runtime, portalAppointments.action, { path: "/portal/appointments", cookie: other.cookie, form: { intent: "confirm", appointmentId: visit.id } }));
    expect(stranger.status).toBe(404);
    const bad = unwrap(await callRoute(app.runtime, portalAppointments.action, { path: "/portal/appointments", cookie: patient.cookie, form: { intent: "confirm", appointmentId: "not-a-uuid" } }));
    expect(bad.status).toBe(400);
    const done = unwrap(await callRoute(app.runtime, portalAppointments.action, { path: "/portal/appointments", cookie: patient.cookie, form: { intent: "confirm", appointmentId: visit.id } }));
    expect(done.data).toMatchObject({ error: null, done: "confirmed" });
    const again = unwrap(await callRoute(app.runtime, portalAppointments.action, { path: "/portal/appointments", cookie: patient.cookie, form: { intent: "confirm", appointmentId: visit.id } }));
    expect(again.status).toBe(200);
    const [row] = rowsOf<{ confirmed_at: string | null }>(await app.runtime.db.execute(sql`select confirmed_at from ${appointments} where id = ${visit.id}`));
    expect(row.confirmed_at).not.toBeNull();
    const card = widget(await homeOf(patient.cookie), "hospital-appointments:next-visit")!;
    expect(card.lines).toContain("Kehadiran sudah dikonfirmasi");
    expect(card.actions?.map((a) => a.label)).toEqual(["Ubah jadwal", "Batalkan", "Semua janji temu"]);
  });

  it("puts a slot held from the waitlist first, with take / decline", async () => {
    const patient = await createCustomer(app.runtime);
    await app.runtime.db.insert(consents).values({ contactId: patient.contact.id, purpose: "service_messages", granted: true, source: "staff" });
    const booked = await bookTomorrow((await createContact(app.runtime)).id, "11:00");
    const joined = await joinWaitlist(app.runtime.db, system, { contactId: patient.contact.id, serviceId: clinic.service.id, practitionerId: "any", dateFrom: tomorrow() });
    expect(joined.ok).toBe(true);
    expect((await cancelAppointment(app.runtime.db, services, system, { appointmentId: booked.id })).ok).toBe(true);
    const home = await homeOf(patient.cookie);
    expect(home.widgets[0].id).toBe("hospital-appointments:held-slot");
    const held = home.widgets[0].view;
    expect(held).toMatchObject({ title: "Slot ditahan untuk Anda", attention: true, headline: formatLocalDate(tomorrow(), "id"), badge: `Antrean ${booked.queueNumber}` });
    expect(held.lines?.[0]).toBe("pukul 11.00 WIB");
    expect(held.actions?.map((a) => a.kind === "post" && a.fields.intent)).toEqual(["acceptOffer", "declineOffer"]);
  });

  it("shows open tickets (count, latest) and a survey waiting, scoped to the customer", async () => {
    const patient = await createCustomer(app.runtime);
    const other = await createCustomer(app.runtime);
    const actor = { kind: "customer" as const, userId: patient.id, contactId: patient.contact.id };
    for (const subject of ["Antrean terlalu lama", "Hasil lab belum keluar"]) await openTicketAsCustomer(app.runtime, actor, { category: "complaint", subject, body: "Mohon dibantu." });
    await app.runtime.db.insert(consents).values({ contactId: patient.contact.id, purpose: "surveys", granted: true, source: "staff" });
    const survey = await requestSurvey(app.runtime.db, app.runtime.jobs, { contactId: patient.contact.id, sourceType: "test.visit", sourceId: crypto.randomUUID(), branchId: clinic.branch.id });
    expect(survey.ok).toBe(true);
    const home = await homeOf(patient.cookie);
    expect(home.widgets.map((w) => w.id)).toEqual(["core:surveys", "core:tickets"]);
    expect(widget(home, "core:tickets")).toMatchObject({ headline: "2 tiket terbuka", attention: false });
    expect(widget(home, "core:tickets")!.items?.[0].label).toMatch(/^Tiket .+: Hasil lab belum keluar$/);
    expect(widget(home, "core:surveys")!.items?.[0]).toMatchObject({ label: `Nilai layanan kami di ${clinic.branch.name}`, href: `/portal/surveys/${(survey as { surveyId: string }).surveyId}` });
    expect((await homeOf(other.cookie)).widgets).toEqual([]);
  });
});

describe("a shopper's home", () => {
  it("shows points, tier progress and points that expire soon, and no appointments menu", async () => {
    const shopper = await createCustomer(app.runtime);
    const store = rowsOf<{ id: string }>(await app.runtime.db.execute(sql`insert into branches (code, name, kind, time_zone) values ('TK-HOME', 'Toko Rumah Kita Depok', 'store', 'Asia/Jakarta') returning id`))[0];
    const sale = (total: number, occurredAt: Date, receiptNumber: string) => ({
      version: 1 as const,
      saleId: crypto.randomUUID(),
      receiptNumber,
      branchId: store.id,
      contactId: shopper.contact.id,
      occurredAt: occurredAt.toISOString(),
      total,
      lines: [{ sku: "SKU-1", category: "dapur", productId: null, quantity: 1, amount: total }],
      voucherCodes: [],
    });
    // 11 months and 15 days ago: Rp 2.450.000 at Rp 10.000 a point (Silver, 100 %) = 245 points, expiring 12 months after
    const old = new Date(Date.now() - (335 + 15) * 86_400_000);
    // today: Rp 300.000 = 30 points (still Silver: 2.450.000 < 3.000.000)
    await app.runtime.db.transaction(async (tx) => {
      await earnFromSale(tx, sale(2_450_000, old, "S-OLD"));
      await earnFromSale(tx, sale(300_000, new Date(), "S-NEW"));
    });
    const nav = await navOf(shopper.cookie);
    expect(paths(nav)).toContain("/portal/loyalty");
    expect(paths(nav)).not.toContain("/portal/appointments");
    // no receipt recorded by the till for this contact: no receipts menu either
    expect(paths(nav)).not.toContain("/portal/receipts");

    const points = widget(await homeOf(shopper.cookie), "retail-loyalty:points")!;
    // balance 245 + 30 = 275 points, worth 275 × Rp 100; spend 2.750.000 of Gold's 3.000.000: 250.000 missing, ⌊91,67⌋ = 91 %
    expect(points.headline).toBe("275 poin");
    expect(points.badge).toBe("Tingkat Silver");
    expect(points.lines?.[0]).toBe("senilai Rp\u00a027.500");
    expect(points.progress).toEqual({ percent: 91, label: "Belanja Rp\u00a0250.000 lagi dalam 12 bulan untuk menjadi Gold." });
    const expires = new Date(old);
    expires.setUTCMonth(expires.getUTCMonth() + 12);
    expect(points.note).toBe(`245 poin akan hangus pada ${formatLocalDate(localDateOf(expires, "Asia/Jakarta"), "id")}.`);
  });

  it("in English too", async () => {
    const shopper = await createCustomer(app.runtime);
    await earnFromSale(app.runtime.db, {
      version: 1,
      saleId: crypto.randomUUID(),
      receiptNumber: "S-EN",
      branchId: rowsOf<{ id: string }>(await app.runtime.db.execute(sql`select id from branches where code = 'TK-HOME'`))[0].id,
      contactId: shopper.contact.id,
      occurredAt: new Date().toISOString(),
      total: 125_000,
      lines: [{ sku: "SKU-1", category: "dapur", productId: null, quantity: 1, amount: 125_000 }],
      voucherCodes: [],
    });
    const home = unwrap(await callRoute(app.runtime, portalHome.loader, { path: "/portal", cookie: shopper.cookie, headers: { "Accept-Language": "en" } })).data as Home;
    expect(widget(home, "retail-loyalty:points")).toMatchObject({ title: "Your points", headline: "12 points", badge: "Silver tier" });
  });
});

describe("a customer with nothing yet", () => {
  it("sees every plugin's menu (a new patient can still book a first visit) and no cards", async () => {
    const newcomer = await createCustomer(app.runtime);
    const nav = paths(await navOf(newcomer.cookie));
    expect(nav).toEqual(expect.arrayContaining(["/portal/appointments", "/portal/receipts", "/portal/loyalty"]));
    expect((await homeOf(newcomer.cookie)).widgets).toEqual([]);
  });
});

describe("partner menus by organisation type", () => {
  it("a clinic sees referrals and not sell-through, and the sell-through page answers 404", async () => {
    const clinicOrg = await createPartnerOrg(app.runtime, { type: "clinic" });
    const user = await createPartnerUser(app.runtime, clinicOrg.id);
    const nav = (unwrap(await callRoute(app.runtime, partnerLayout.loader, { path: "/partner", cookie: user.cookie })).data as { nav: Nav }).nav;
    expect(paths(nav)).toContain("/partner/referrals");
    expect(paths(nav)).not.toContain("/partner/sell-through");
    expect(unwrap(await callRoute(app.runtime, sellThrough.loader, { path: "/partner/sell-through", cookie: user.cookie })).status).toBe(404);
    expect(unwrap(await callRoute(app.runtime, partnerReferrals.loader, { path: "/partner/referrals", cookie: user.cookie })).status).toBe(200);
  });

  it("a supplier sees sell-through and not referrals, and the referral pages answer 404", async () => {
    const supplier = await createPartnerOrg(app.runtime, { type: "supplier" });
    const user = await createPartnerUser(app.runtime, supplier.id);
    const nav = (unwrap(await callRoute(app.runtime, partnerLayout.loader, { path: "/partner", cookie: user.cookie })).data as { nav: Nav }).nav;
    expect(paths(nav)).toContain("/partner/sell-through");
    expect(paths(nav)).not.toContain("/partner/referrals");
    expect(unwrap(await callRoute(app.runtime, partnerReferrals.loader, { path: "/partner/referrals", cookie: user.cookie })).status).toBe(404);
    expect(unwrap(await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: user.cookie, form: {} })).status).toBe(404);
    expect(unwrap(await callRoute(app.runtime, sellThrough.loader, { path: "/partner/sell-through", cookie: user.cookie })).status).toBe(200);
  });
});
