import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, interactions, messages } from "../../db/schema/index.ts";
import { consents } from "../../db/schema/index.ts";
import { callRoute, createContact, createCustomer, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import * as portalList from "../../plugins/hospital-appointments/routes/portal.appointments.tsx";
import * as portalBook from "../../plugins/hospital-appointments/routes/portal.appointments.book.tsx";
import * as dayView from "../../plugins/hospital-appointments/routes/staff.appointments.tsx";
import * as contactPage from "../../app/routes/staff/contact.tsx";
import type { PanelView } from "../../app/plugin-api/index.ts";
import type { PluginServices } from "../../app/plugin-api/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { freeSlots } from "../../plugins/hospital-appointments/availability.server.ts";
import { bookAppointment, cancelAppointment, changeStatus, myVisits, recordNoShows, sendDueReminders } from "../../plugins/hospital-appointments/booking.server.ts";
import { appointments, scheduleExceptions } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let services: PluginServices;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments] });
  services = pluginServices(app.runtime);
});
afterAll(() => app.close());

const tomorrow = () => addDays(localDateOf(new Date(), "Asia/Jakarta"), 1);

describe("slots from schedules", () => {
  it("skips the break and the past, and leave removes the day", async () => {
    const { service, doctor } = await createClinic(app.runtime);
    const { slots } = await freeSlots(app.runtime.db, { serviceId: service.id, date: tomorrow() });
    // 08:00-12:00 in 15 minutes = 16 slots, minus 10:00-10:30 = 14
    expect(slots).toHaveLength(14);
    expect(slots[0].startAt.toISOString()).toBe(zonedInstant(tomorrow(), "08:00", "Asia/Jakarta").toISOString());
    expect(slots.map((s) => s.firstQueueNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // at 09:00 WIB that day, 08:00-09:00 has passed and 09:00 itself has begun: 9 slots from 09:15
    const during = await freeSlots(app.runtime.db, { serviceId: service.id, date: tomorrow(), now: zonedInstant(tomorrow(), "09:00", "Asia/Jakarta") });
    expect(during.slots).toHaveLength(9);
    expect(during.slots[0].startAt.toISOString()).toBe(zonedInstant(tomorrow(), "09:15", "Asia/Jakarta").toISOString());
    await app.runtime.db.insert(scheduleExceptions).values({ kind: "leave", practitionerId: doctor.id, startDate: tomorrow(), endDate: tomorrow() });
    expect((await freeSlots(app.runtime.db, { serviceId: service.id, date: tomorrow() })).slots).toHaveLength(0);
  });

  it("works in the branch's zone (WITA is an hour ahead of WIB)", async () => {
    const { service } = await createClinic(app.runtime, { timeZone: "Asia/Makassar" });
    const date = addDays(localDateOf(new Date(), "Asia/Makassar"), 2);
    const { slots } = await freeSlots(app.runtime.db, { serviceId: service.id, date });
    expect(slots[0].startAt.toISOString()).toBe(`${date}T00:00:00.000Z`);
  });
});

describe("booking", () => {
  it("never double-books a slot: of 20 concurrent bookings exactly one wins", async () => {
    const { service, doctor } = await createClinic(app.runtime);
    const patients = await Promise.all(Array.from({ length: 20 }, () => createContact(app.runtime)));
    const startAt = zonedInstant(tomorrow(), "09:00", "Asia/Jakarta");
    const staff = await createStaff(app.runtime, { roles: ["frontdesk"] });
    const actor = { kind: "staff" as const, userId: staff.id, permissions: new Set<string>(), branchId: null };
    const results = await Promise.all(
      patients.map((p) => bookAppointment(app.runtime.db, services, actor, { contactId: p.id, serviceId: service.id, practitionerId: doctor.id, startAt, channel: "frontdesk" })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? null : r.error))).toEqual(Array(19).fill("slotTaken"));
    const rows = await app.runtime.db.select().from(appointments).where(and(eq(appointments.practitionerId, doctor.id), eq(appointments.startAt, startAt)));
    expect(rows).toHaveLength(1);
    // the audit entry names the patient, so a breach register finds who a visit's exposure reached
    const [entry] = await app.runtime.db.select().from(auditLog).where(and(eq(auditLog.entityType, "hospital-appointments.visit"), eq(auditLog.entityId, rows[0].id)));
    expect(entry.data).toMatchObject({ contactId: rows[0].contactId });
  });

  it("fills every seat of a slot with capacity 3, and no more, under concurrency", async () => {
    const { service, doctor } = await createClinic(app.runtime, { capacity: 3 });
    const patients = await Promise.all(Array.from({ length: 10 }, () => createContact(app.runtime)));
    const startAt = zonedInstant(tomorrow(), "08:15", "Asia/Jakarta");
    const results = await Promise.all(
      patients.map((p) => bookAppointment(app.runtime.db, services, { kind: "system" }, { contactId: p.id, serviceId: service.id, practitionerId: "any", startAt, channel: "phone" })),
    );
    const won = results.filter((r) => r.ok).map((r) => (r.ok ? r.appointment : null)!);
    expect(won).toHaveLength(3);
    expect(won.map((a) => a.queueNumber).sort()).toEqual([4, 5, 6]);
    expect(won[0].practitionerId).toBe(doctor.id);
  });

  it("the database itself refuses a second live appointment on a seat", async () => {
    const { service, doctor, branch } = await createClinic(app.runtime);
    const [a, b] = [await createContact(app.runtime), await createContact(app.runtime)];
    const startAt = zonedInstant(tomorrow(), "11:00", "Asia/Jakarta");
    const row = { practitionerId: doctor.id, serviceId: service.id, branchId: branch.id, startAt, endAt: new Date(startAt.getTime() + 900_000), localDate: tomorrow(), seat: 1, queueNumber: 1, channel: "frontdesk" as const };
    await app.runtime.db.insert(appointments).values({ ...row, contactId: a.id });
    await expect(app.runtime.db.insert(appointments).values({ ...row, contactId: b.id })).rejects.toThrow();
  });

  it("a patient books for themself, gets a confirmation and a timeline entry, and sees it as upcoming", async () => {
    const { service } = await createClinic(app.runtime);
    const patient = await createCustomer(app.runtime);
    await app.runtime.db.insert(consents).values({ contactId: patient.contact.id, purpose: "service_messages", granted: true, source: "portal" });
    const other = await createContact(app.runtime);
    const actor = { kind: "customer" as const, userId: patient.id, contactId: patient.contact.id };
    const startAt = zonedInstant(tomorrow(), "08:30", "Asia/Jakarta");
    // the contactId in the input is ignored for a customer: they cannot book for someone else
    const result = await bookAppointment(app.runtime.db, services, actor, { contactId: other.id, serviceId: service.id, practitionerId: "any", startAt, channel: "frontdesk" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.appointment.contactId).toBe(patient.contact.id);
    const sent = await app.runtime.db.select().from(messages).where(eq(messages.contactId, patient.contact.id));
    expect(sent.map((m) => m.template)).toEqual(["hospital-appointments.confirmation"]);
    expect(sent[0].subject).toContain("Poli Penyakit Dalam");
    const timeline = await app.runtime.db.select().from(interactions).where(and(eq(interactions.contactId, patient.contact.id), eq(interactions.sourceType, "hospital-appointments.visit")));
    expect(timeline).toHaveLength(1);
    const mine = await myVisits(app.runtime.db, actor);
    expect(mine.upcoming.map((v) => v.id)).toEqual([result.appointment.id]);
    // the same patient cannot hold the same slot twice
    const again = await bookAppointment(app.runtime.db, services, actor, { contactId: patient.contact.id, serviceId: service.id, practitionerId: "any", startAt, channel: "frontdesk" });
    expect(again).toEqual({ ok: false, error: "slotTaken" });
  });

  it("reschedules and cancels only the patient's own visit, and not after the cut-off", async () => {
    const { service } = await createClinic(app.runtime);
    const patient = await createCustomer(app.runtime);
    const intruder = await createCustomer(app.runtime);
    // with consent, so the rescheduled message is really rendered and queued (it once threw here)
    await app.runtime.db.insert(consents).values({ contactId: patient.contact.id, purpose: "service_messages", granted: true, source: "portal" });
    const actor = { kind: "customer" as const, userId: patient.id, contactId: patient.contact.id };
    const booked = await bookAppointment(app.runtime.db, services, actor, { contactId: patient.contact.id, serviceId: service.id, practitionerId: "any", startAt: zonedInstant(tomorrow(), "09:15", "Asia/Jakarta"), channel: "frontdesk" });
    if (!booked.ok) throw new Error(booked.error);
    const stranger = { kind: "customer" as const, userId: intruder.id, contactId: intruder.contact.id };
    expect(await cancelAppointment(app.runtime.db, services, stranger, { appointmentId: booked.appointment.id })).toEqual({ ok: false, error: "notFound" });
    expect(
      await bookAppointment(app.runtime.db, services, stranger, { contactId: intruder.contact.id, serviceId: service.id, practitionerId: "any", startAt: zonedInstant(tomorrow(), "09:30", "Asia/Jakarta"), channel: "frontdesk", rescheduleId: booked.appointment.id }),
    ).toEqual({ ok: false, error: "notFound" });

    const moved = await bookAppointment(app.runtime.db, services, actor, { contactId: patient.contact.id, serviceId: service.id, practitionerId: "any", startAt: zonedInstant(tomorrow(), "09:30", "Asia/Jakarta"), channel: "frontdesk", rescheduleId: booked.appointment.id });
    if (!moved.ok) throw new Error(moved.error);
    const [old] = await app.runtime.db.select().from(appointments).where(eq(appointments.id, booked.appointment.id));
    expect(old.status).toBe("cancelled");
    expect(moved.appointment.rescheduledFromId).toBe(booked.appointment.id);
    const sent = await app.runtime.db.select({ template: messages.template }).from(messages).where(eq(messages.contactId, patient.contact.id));
    expect(sent.map((m) => m.template).sort()).toEqual(["hospital-appointments.confirmation", "hospital-appointments.rescheduled"]);
    // the freed slot is free again
    const { slots } = await freeSlots(app.runtime.db, { serviceId: service.id, date: tomorrow() });
    expect(slots.some((s) => s.startAt.getTime() === booked.appointment.startAt.getTime())).toBe(true);

    const lateNow = new Date(moved.appointment.startAt.getTime() - 3600_000);
    expect(await cancelAppointment(app.runtime.db, services, actor, { appointmentId: moved.appointment.id, now: lateNow })).toEqual({ ok: false, error: "tooLate" });
    expect(await cancelAppointment(app.runtime.db, services, actor, { appointmentId: moved.appointment.id })).toEqual({ ok: true });
  });

  it("moves through check-in and done; no-shows and reminders are recorded by jobs", async () => {
    const { service } = await createClinic(app.runtime);
    const contact = await createContact(app.runtime);
    await app.runtime.db.insert(consents).values({ contactId: contact.id, purpose: "service_messages", granted: true, source: "staff" });
    const staff = await createStaff(app.runtime, { roles: ["frontdesk"] });
    const actor = { kind: "staff" as const, userId: staff.id, permissions: new Set<string>(), branchId: null };
    const a = await bookAppointment(app.runtime.db, services, actor, { contactId: contact.id, serviceId: service.id, practitionerId: "any", startAt: zonedInstant(tomorrow(), "10:30", "Asia/Jakarta"), channel: "frontdesk" });
    const b = await bookAppointment(app.runtime.db, services, actor, { contactId: contact.id, serviceId: service.id, practitionerId: "any", startAt: zonedInstant(tomorrow(), "10:45", "Asia/Jakarta"), channel: "frontdesk" });
    if (!a.ok || !b.ok) throw new Error("booking failed");
    expect(await changeStatus(app.runtime.db, services, actor, { appointmentId: a.appointment.id, action: "fulfil" })).toEqual({ ok: false, error: "wrongStatus" });
    expect(await changeStatus(app.runtime.db, services, actor, { appointmentId: a.appointment.id, action: "checkIn" })).toEqual({ ok: true });
    expect(await changeStatus(app.runtime.db, services, actor, { appointmentId: a.appointment.id, action: "fulfil" })).toEqual({ ok: true });
    const patientActor = { kind: "customer" as const, userId: staff.id, contactId: contact.id };
    expect(await changeStatus(app.runtime.db, services, patientActor, { appointmentId: b.appointment.id, action: "checkIn" })).toEqual({ ok: false, error: "notAllowed" });

    // the evening before: the reminder goes out once
    const evening = zonedInstant(localDateOf(new Date(), "Asia/Jakarta"), "18:05", "Asia/Jakarta");
    const dayBefore = new Date(b.appointment.startAt.getTime() - 20 * 3600_000);
    const when = evening > dayBefore ? evening : dayBefore;
    expect(await sendDueReminders(app.runtime.db, services, when)).toBeGreaterThanOrEqual(1);
    expect(await sendDueReminders(app.runtime.db, services, when)).toBe(0);
    const reminders = await app.runtime.db.select().from(messages).where(and(eq(messages.contactId, contact.id), eq(messages.template, "hospital-appointments.reminder")));
    expect(reminders).toHaveLength(1);

    // after the slot and the grace period: no-show
    const later = new Date(b.appointment.endAt.getTime() + 31 * 60_000);
    expect(await recordNoShows(app.runtime.db, services, later)).toBeGreaterThanOrEqual(1);
    const [row] = await app.runtime.db.select().from(appointments).where(eq(appointments.id, b.appointment.id));
    expect(row.status).toBe("noshow");
    const [done] = await app.runtime.db.select().from(appointments).where(eq(appointments.id, a.appointment.id));
    expect(done.status).toBe("fulfilled");
  });
});

describe("the routes", () => {
  it("a patient books in the portal, and another patient can neither see nor cancel it", async () => {
    const { service } = await createClinic(app.runtime);
    const [budi, ani] = [await createCustomer(app.runtime), await createCustomer(app.runtime)];
    const startAt = zonedInstant(tomorrow(), "11:15", "Asia/Jakarta").toISOString();
    const booked = unwrap(await callRoute(app.runtime, portalBook.action, { path: "/portal/appointments/book", cookie: budi.cookie, form: { intent: "book", serviceId: service.id, practitionerId: "any", startAt } }));
    expect(booked.status).toBe(302);
    const list = unwrap(await callRoute(app.runtime, portalList.loader, { path: "/portal/appointments", cookie: budi.cookie })).data as { upcoming: { id: string }[] };
    expect(list.upcoming).toHaveLength(1);
    const id = list.upcoming[0].id;
    const aniList = unwrap(await callRoute(app.runtime, portalList.loader, { path: "/portal/appointments", cookie: ani.cookie })).data as { upcoming: { id: string }[] };
    expect(aniList.upcoming).toHaveLength(0);
    const aniCancel = unwrap(await callRoute(app.runtime, portalList.action, { path: "/portal/appointments", cookie: ani.cookie, form: { intent: "cancel", appointmentId: id } }));
    expect(aniCancel.status).toBe(404);
    // the slot is taken now: a second patient gets a clear answer, not an error page
    const late = unwrap(await callRoute(app.runtime, portalBook.action, { path: "/portal/appointments/book", cookie: ani.cookie, form: { intent: "book", serviceId: service.id, practitionerId: "any", startAt } }));
    expect(late).toMatchObject({ status: 409, data: { error: "slotTaken" } });
    const mine = unwrap(await callRoute(app.runtime, portalList.action, { path: "/portal/appointments", cookie: budi.cookie, form: { intent: "cancel", appointmentId: id } }));
    expect(mine.data).toEqual({ error: null, cancelled: true });
  });

  it("the day view needs the read permission, its actions the manage permission", async () => {
    const marketing = await createStaff(app.runtime, { roles: ["marketing"] });
    const doctor = await createStaff(app.runtime, { roles: ["doctor"] });
    expect(unwrap(await callRoute(app.runtime, dayView.loader, { path: "/staff/appointments", cookie: marketing.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, dayView.loader, { path: "/staff/appointments", cookie: doctor.cookie })).status).toBe(200);
    const act = unwrap(await callRoute(app.runtime, dayView.action, { path: "/staff/appointments", cookie: doctor.cookie, form: { intent: "noShow", appointmentId: crypto.randomUUID() } }));
    expect(act.status).toBe(403);
  });
});

describe("checking a patient in from the patient's page", () => {
  it("offers today's booked visit on the contact 360 panel, and checks it in there in one step", async () => {
    const { service, doctor, branch } = await createClinic(app.runtime);
    const patient = await createContact(app.runtime, { fullName: "Sri Wahyuni" });
    const frontdesk = await createStaff(app.runtime, { roles: ["frontdesk"] });
    const booked = await bookAppointment(app.runtime.db, services, { kind: "system" }, { contactId: patient.id, serviceId: service.id, practitionerId: doctor.id, startAt: zonedInstant(tomorrow(), "08:15", "Asia/Jakarta"), channel: "phone" });
    if (!booked.ok) throw new Error(booked.error);
    // moved to today (a booking cannot be made in the past, and the test may run late in the day)
    const today = localDateOf(new Date(), "Asia/Jakarta");
    await app.runtime.db.update(appointments).set({ localDate: today, startAt: zonedInstant(today, "00:15", "Asia/Jakarta"), endAt: zonedInstant(today, "00:30", "Asia/Jakarta") }).where(eq(appointments.id, booked.appointment.id));
    const panelOf = async (cookie: string) => {
      const page = unwrap(await callRoute(app.runtime, contactPage.loader, { path: `/staff/contacts/${patient.id}`, params: { contactId: patient.id }, cookie })).data as { panels: { id: string; view: PanelView }[] };
      return page.panels.find((p) => p.id === "hospital-appointments:visits")!.view;
    };
    // a later visit, booked before: the panel still lists today's first
    const later = await bookAppointment(app.runtime.db, services, { kind: "system" }, { contactId: patient.id, serviceId: service.id, practitionerId: doctor.id, startAt: zonedInstant(tomorrow(), "10:45", "Asia/Jakarta"), channel: "phone" });
    if (!later.ok) throw new Error(later.error);
    const panel = await panelOf(frontdesk.cookie);
    const dayHref = `/staff/appointments?branch=${branch.id}&date=${today}`;
    expect(panel.rows.map((r) => r.label.split(",").at(-1)?.trim())).toEqual([`00.15 WIB · #${booked.appointment.queueNumber}`, `10.45 WIB · #${later.appointment.queueNumber}`]);
    expect(panel.rows[0].href).toBe(dayHref);
    expect(panel.actions?.[0]).toEqual({
      label: `Check-in pukul 00.15 · antrean ${booked.appointment.queueNumber}`,
      href: dayHref,
      method: "post",
      fields: { intent: "checkIn", appointmentId: booked.appointment.id, returnTo: `/staff/contacts/${patient.id}` },
    });
    // a doctor reads the panel but may not check in
    expect((await panelOf((await createStaff(app.runtime, { roles: ["doctor"] })).cookie)).actions).toEqual([]);

    const done = unwrap(await callRoute(app.runtime, dayView.action, { path: dayHref, cookie: frontdesk.cookie, form: panel.actions![0].fields! }));
    expect(done.status).toBe(302);
    expect(done.headers?.get("Location")).toBe(`/staff/contacts/${patient.id}`);
    const [row] = await app.runtime.db.select({ status: appointments.status }).from(appointments).where(eq(appointments.id, booked.appointment.id));
    expect(row.status).toBe("arrived");
    // checked in: the button is gone, and a second post changes nothing
    expect((await panelOf(frontdesk.cookie)).actions?.map((a) => a.label)).toEqual(["Buat janji temu"]);
    expect(unwrap(await callRoute(app.runtime, dayView.action, { path: dayHref, cookie: frontdesk.cookie, form: panel.actions![0].fields! })).status).toBe(409);
  });

  it("goes back only to a contact's page, never elsewhere", async () => {
    const { service, doctor } = await createClinic(app.runtime);
    const frontdesk = await createStaff(app.runtime, { roles: ["frontdesk"] });
    for (const returnTo of ["https://evil.example", "//evil.example", "/staff/settings/users", "/\t/evil.example"]) {
      const booked = await bookAppointment(app.runtime.db, services, { kind: "system" }, { contactId: (await createContact(app.runtime)).id, serviceId: service.id, practitionerId: doctor.id, startAt: zonedInstant(tomorrow(), "09:30", "Asia/Jakarta"), channel: "phone" });
      if (!booked.ok) throw new Error(booked.error);
      const answer = unwrap(await callRoute(app.runtime, dayView.action, { path: "/staff/appointments", cookie: frontdesk.cookie, form: { intent: "checkIn", appointmentId: booked.appointment.id, returnTo } }));
      expect(answer.status, returnTo).toBe(200);
      await app.runtime.db.delete(appointments).where(eq(appointments.id, booked.appointment.id));
    }
  });
});
