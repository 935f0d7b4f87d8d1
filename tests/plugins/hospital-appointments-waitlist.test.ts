// The waitlist: a freed slot is offered first come first served and HELD in the database (a
// `proposed` appointment on the seat) so nobody else can book it; accept books it, decline or an
// expired hold moves it to the next patient, and with nobody left the slot is free again.
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PluginServices } from "../../app/plugin-api/index.ts";
import { consents, messages } from "../../db/schema/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { freeSlots } from "../../plugins/hospital-appointments/availability.server.ts";
import { bookAppointment, cancelAppointment, myVisits } from "../../plugins/hospital-appointments/booking.server.ts";
import * as linkPage from "../../plugins/hospital-appointments/routes/api.appointments.link.tsx";
import * as portalBook from "../../plugins/hospital-appointments/routes/portal.appointments.book.tsx";
import * as portalList from "../../plugins/hospital-appointments/routes/portal.appointments.tsx";
import * as staffBook from "../../plugins/hospital-appointments/routes/staff.appointments.book.tsx";
import { appointments, waitlistEntries } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { acceptOfferInTx, joinWaitlist, releaseExpiredHolds } from "../../plugins/hospital-appointments/waitlist.server.ts";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import { callRoute, createContact, createCustomer, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let services: PluginServices;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments] });
  services = pluginServices(app.runtime);
});
afterAll(() => app.close());

const system = { kind: "system" as const };
const tomorrow = () => addDays(localDateOf(new Date(), "Asia/Jakarta"), 1);

async function consenting(contactId: string) {
  await app.runtime.db.insert(consents).values({ contactId, purpose: "service_messages", granted: true, source: "staff" });
}

async function waiting(serviceId: string, options: { practitionerId?: string; dateFrom?: string; dateTo?: string } = {}) {
  const contact = await createContact(app.runtime);
  await consenting(contact.id);
  const joined = await joinWaitlist(app.runtime.db, system, { contactId: contact.id, serviceId, practitionerId: options.practitionerId ?? "any", dateFrom: options.dateFrom ?? tomorrow(), dateTo: options.dateTo });
  if (!joined.ok) throw new Error(joined.error);
  return { contact, entry: joined.entry };
}

async function bookedAt(serviceId: string, time: string) {
  const contact = await createContact(app.runtime);
  const result = await bookAppointment(app.runtime.db, services, system, { contactId: contact.id, serviceId, practitionerId: "any", startAt: zonedInstant(tomorrow(), time, "Asia/Jakarta"), channel: "frontdesk" });
  if (!result.ok) throw new Error(result.error);
  return result.appointment;
}

async function heldFor(contactId: string) {
  return app.runtime.db.select().from(appointments).where(and(eq(appointments.contactId, contactId), eq(appointments.status, "proposed")));
}

async function offerLink(contactId: string, which: "acceptUrl" | "declineUrl") {
  const rows = await app.runtime.db.select().from(messages).where(and(eq(messages.contactId, contactId), eq(messages.template, "hospital-appointments.waitlistOffer"))).orderBy(asc(messages.createdAt));
  return new URL(String(rows.at(-1)!.params[which])).searchParams.get("t")!;
}

const follow = (token: string) => callRoute(app.runtime, linkPage.action, { path: "/api/appointments/link", form: { t: token } });

describe("offers from the waitlist", () => {
  it("a cancelled slot is held for the first waiting patient; the hold blocks everyone else, also under concurrency", async () => {
    const { service } = await createClinic(app.runtime);
    const a = await bookedAt(service.id, "09:00");
    const first = await waiting(service.id);
    const second = await waiting(service.id);
    const cancelledAt = new Date();
    expect(await cancelAppointment(app.runtime.db, services, system, { appointmentId: a.id, now: cancelledAt })).toEqual({ ok: true });

    const [hold] = await heldFor(first.contact.id);
    expect(hold).toMatchObject({ startAt: a.startAt, seat: a.seat, queueNumber: a.queueNumber, waitlistEntryId: first.entry.id, channel: "waitlist" });
    // held for the default 30 minutes from the cancellation, however long this test takes
    expect(hold.holdExpiresAt).toEqual(new Date(cancelledAt.getTime() + 30 * 60_000));
    expect(await heldFor(second.contact.id)).toHaveLength(0);
    const offer = await app.runtime.db.select().from(messages).where(and(eq(messages.contactId, first.contact.id), eq(messages.template, "hospital-appointments.waitlistOffer")));
    expect(offer).toHaveLength(1);
    expect(offer[0].bodyText).toContain(String(offer[0].params.acceptUrl));

    // nobody can take the held seat: not shown as free, and ten bookings at once all lose
    const { slots } = await freeSlots(app.runtime.db, { serviceId: service.id, date: tomorrow() });
    expect(slots.some((s) => s.startAt.getTime() === a.startAt.getTime())).toBe(false);
    const others = await Promise.all(Array.from({ length: 10 }, () => createContact(app.runtime)));
    const tries = await Promise.all(
      others.map((o) => bookAppointment(app.runtime.db, services, system, { contactId: o.id, serviceId: service.id, practitionerId: "any", startAt: a.startAt, channel: "frontdesk" })),
    );
    expect(tries.map((r) => (r.ok ? "ok" : r.error))).toEqual(Array(10).fill("slotTaken"));
  });

  it("decline moves the hold to the next patient; an expired hold is refused, released by the job, and with nobody left the slot is free", async () => {
    const { service } = await createClinic(app.runtime);
    const a = await bookedAt(service.id, "09:15");
    const first = await waiting(service.id);
    const second = await waiting(service.id);
    await cancelAppointment(app.runtime.db, services, system, { appointmentId: a.id });

    expect(unwrap(await follow(await offerLink(first.contact.id, "declineUrl"))).data).toEqual({ done: "decline", error: null });
    expect(await heldFor(first.contact.id)).toHaveLength(0);
    const [hold] = await heldFor(second.contact.id);
    expect(hold.startAt).toEqual(a.startAt);
    // the first patient stays on the list, but is not offered the slot they declined again
    const [entry] = await app.runtime.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, first.entry.id));
    expect(entry.status).toBe("waiting");

    // after the hold: accepting is refused, even before the job ran
    const afterHold = new Date(hold.holdExpiresAt!.getTime() + 60_000);
    const late = await app.runtime.db.transaction((tx) => acceptOfferInTx(tx, services, null, hold.id, afterHold));
    expect(late).toEqual({ ok: false, error: "tooLate" });
    expect(await releaseExpiredHolds(app.runtime.db, services, afterHold)).toBeGreaterThanOrEqual(1);
    const [released] = await app.runtime.db.select().from(appointments).where(eq(appointments.id, hold.id));
    expect(released).toMatchObject({ status: "cancelled", cancelReason: "hold_expired" });
    // the link of the expired offer answers clearly
    expect(unwrap(await follow(await offerLink(second.contact.id, "acceptUrl")))).toMatchObject({ status: 409 });
    // nobody else waiting (the first declined this slot): the slot is free again
    expect(await heldFor(first.contact.id)).toHaveLength(0);
    const { slots } = await freeSlots(app.runtime.db, { serviceId: service.id, date: tomorrow() });
    expect(slots.some((s) => s.startAt.getTime() === a.startAt.getTime())).toBe(true);
  });

  it("accepting books the seat with its queue number and a confirmation; matching respects doctor and dates", async () => {
    const { service, doctor } = await createClinic(app.runtime);
    const a = await bookedAt(service.id, "09:30");
    const otherDay = await waiting(service.id, { dateFrom: addDays(tomorrow(), 1), dateTo: addDays(tomorrow(), 3) });
    const otherDoctor = await waiting(service.id, { practitionerId: doctor.id, dateFrom: tomorrow() });
    await cancelAppointment(app.runtime.db, services, system, { appointmentId: a.id });
    expect(await heldFor(otherDay.contact.id)).toHaveLength(0);
    const [hold] = await heldFor(otherDoctor.contact.id);
    expect(unwrap(await follow(await offerLink(otherDoctor.contact.id, "acceptUrl"))).data).toEqual({ done: "accept", error: null });
    const [row] = await app.runtime.db.select().from(appointments).where(eq(appointments.id, hold.id));
    expect(row).toMatchObject({ status: "booked", holdExpiresAt: null, queueNumber: a.queueNumber });
    const [entry] = await app.runtime.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, otherDoctor.entry.id));
    expect(entry).toMatchObject({ status: "booked", appointmentId: hold.id });
    const sent = await app.runtime.db.select({ template: messages.template }).from(messages).where(eq(messages.contactId, otherDoctor.contact.id));
    expect(sent.map((m) => m.template)).toEqual(["hospital-appointments.waitlistOffer", "hospital-appointments.confirmation"]);
    // the decline link of the same offer is spent now
    expect(unwrap(await follow(await offerLink(otherDoctor.contact.id, "declineUrl")))).toMatchObject({ status: 409, data: { error: "used" } });
  });
});

describe("rescheduling", () => {
  it("the slot a patient moves away from is offered in the same transaction", async () => {
    const { service } = await createClinic(app.runtime);
    const a = await bookedAt(service.id, "10:30");
    const next = await waiting(service.id);
    const moved = await bookAppointment(app.runtime.db, services, system, { contactId: a.contactId, serviceId: service.id, practitionerId: "any", startAt: zonedInstant(tomorrow(), "10:45", "Asia/Jakarta"), channel: "frontdesk", rescheduleId: a.id });
    expect(moved.ok).toBe(true);
    const [hold] = await heldFor(next.contact.id);
    expect(hold).toMatchObject({ startAt: a.startAt, seat: a.seat, queueNumber: a.queueNumber, status: "proposed" });
    const [old] = await app.runtime.db.select().from(appointments).where(eq(appointments.id, a.id));
    expect(old).toMatchObject({ status: "cancelled", cancelReason: "rescheduled" });
  });
});

describe("the patient portal", () => {
  it("joins from the booking page when the date is full, sees the offer, and accepts it; others cannot touch it", async () => {
    const { service } = await createClinic(app.runtime);
    const budi = await createCustomer(app.runtime);
    const ani = await createCustomer(app.runtime);
    await consenting(budi.contact.id);
    const form = { intent: "waitlist", serviceId: service.id, practitionerId: "any", dateFrom: tomorrow(), dateTo: addDays(tomorrow(), 2) };
    const joined = unwrap(await callRoute(app.runtime, portalBook.action, { path: "/portal/appointments/book", cookie: budi.cookie, form }));
    expect(joined.status).toBe(302);
    const again = unwrap(await callRoute(app.runtime, portalBook.action, { path: "/portal/appointments/book", cookie: budi.cookie, form }));
    expect(again).toMatchObject({ status: 409, data: { error: "alreadyWaiting" } });
    const backwards = unwrap(await callRoute(app.runtime, portalBook.action, { path: "/portal/appointments/book", cookie: ani.cookie, form: { ...form, dateTo: addDays(tomorrow(), -1) } }));
    expect(backwards.status).toBe(400);

    const a = await bookedAt(service.id, "11:00");
    await cancelAppointment(app.runtime.db, services, system, { appointmentId: a.id });
    const page = unwrap(await callRoute(app.runtime, portalList.loader, { path: "/portal/appointments", cookie: budi.cookie })).data as { offers: { id: string }[]; waitlist: { id: string }[] };
    expect(page.offers).toHaveLength(1);
    expect(page.waitlist).toHaveLength(1);
    const aniPage = unwrap(await callRoute(app.runtime, portalList.loader, { path: "/portal/appointments", cookie: ani.cookie })).data as { offers: unknown[] };
    expect(aniPage.offers).toHaveLength(0);
    const stolen = unwrap(await callRoute(app.runtime, portalList.action, { path: "/portal/appointments", cookie: ani.cookie, form: { intent: "acceptOffer", appointmentId: page.offers[0].id } }));
    expect(stolen.status).toBe(404);
    const aniLeave = unwrap(await callRoute(app.runtime, portalList.action, { path: "/portal/appointments", cookie: ani.cookie, form: { intent: "leaveWaitlist", entryId: page.waitlist[0].id } }));
    expect(aniLeave.status).toBe(404);

    const accepted = unwrap(await callRoute(app.runtime, portalList.action, { path: "/portal/appointments", cookie: budi.cookie, form: { intent: "acceptOffer", appointmentId: page.offers[0].id } }));
    expect(accepted.data).toEqual({ error: null, cancelled: false, done: "accepted" });
    const mine = await myVisits(app.runtime.db, { kind: "customer", userId: budi.id, contactId: budi.contact.id });
    expect(mine.upcoming.map((v) => v.id)).toEqual([page.offers[0].id]);
  });

  it("leaving the waitlist releases a held slot to the next patient", async () => {
    const { service } = await createClinic(app.runtime);
    const budi = await createCustomer(app.runtime);
    await joinWaitlist(app.runtime.db, { kind: "customer", userId: budi.id, contactId: budi.contact.id }, { contactId: budi.contact.id, serviceId: service.id, practitionerId: "any", dateFrom: tomorrow() });
    const next = await waiting(service.id);
    const a = await bookedAt(service.id, "11:15");
    await cancelAppointment(app.runtime.db, services, system, { appointmentId: a.id });
    expect(await heldFor(budi.contact.id)).toHaveLength(1);
    const page = unwrap(await callRoute(app.runtime, portalList.loader, { path: "/portal/appointments", cookie: budi.cookie })).data as { waitlist: { id: string }[] };
    const left = unwrap(await callRoute(app.runtime, portalList.action, { path: "/portal/appointments", cookie: budi.cookie, form: { intent: "leaveWaitlist", entryId: page.waitlist[0].id } }));
    expect(left.data).toEqual({ error: null, cancelled: false, done: "left" });
    expect(await heldFor(budi.contact.id)).toHaveLength(0);
    expect(await heldFor(next.contact.id)).toHaveLength(1);
  });

  it("front desk adds a patient from the booking page; a role without the manage permission cannot", async () => {
    const { service } = await createClinic(app.runtime);
    const contact = await createContact(app.runtime);
    const frontdesk = await createStaff(app.runtime, { roles: ["frontdesk"] });
    const marketing = await createStaff(app.runtime, { roles: ["marketing"] });
    const form = { intent: "waitlist", contactId: contact.id, serviceId: service.id, practitionerId: "any", dateFrom: tomorrow() };
    expect(unwrap(await callRoute(app.runtime, staffBook.action, { path: "/staff/appointments/book", cookie: marketing.cookie, form })).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, staffBook.action, { path: "/staff/appointments/book", cookie: frontdesk.cookie, form })).data).toEqual({ error: null, joined: true });
    const rows = await app.runtime.db.select().from(waitlistEntries).where(eq(waitlistEntries.contactId, contact.id));
    expect(rows).toMatchObject([{ channel: "frontdesk", createdByUserId: frontdesk.id, status: "waiting" }]);
  });
});
