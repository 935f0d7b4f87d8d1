// Editing and removing the appointments set-up: services, doctors, weekly schedules, leave and
// holidays. Nothing with history is ever deleted; everything is validated, audited and guarded.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PluginServices } from "../../app/plugin-api/index.ts";
import { auditLog } from "../../db/schema/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import * as setup from "../../plugins/hospital-appointments/routes/staff.appointments.setup.tsx";
import { freeSlots } from "../../plugins/hospital-appointments/availability.server.ts";
import { bookAppointment } from "../../plugins/hospital-appointments/booking.server.ts";
import { appointments, practitioners, scheduleExceptions, schedules, services } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let bus: PluginServices;
let manager: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments] });
  bus = pluginServices(app.runtime);
  manager = await createStaff(app.runtime, { roles: ["manager"] });
});
afterAll(() => app.close());

const tomorrow = () => addDays(localDateOf(new Date(), "Asia/Jakarta"), 1);
const post = async (form: Record<string, string>, cookie = manager.cookie) =>
  unwrap(await callRoute(app.runtime, setup.action, { path: "/staff/appointments/setup", cookie, form })) as {
    status: number;
    data: { section: string | null; errors: string[]; outcome: string | null; kept: number };
  };
const auditOf = async (entityId: string) => (await app.runtime.db.select().from(auditLog).where(eq(auditLog.entityId, entityId))).map((a) => a.action);

async function bookTomorrow(doctorId: string, serviceId: string, time = "09:00") {
  const patient = await createContact(app.runtime);
  const actor = { kind: "staff" as const, userId: manager.id, permissions: new Set<string>(), branchId: null };
  const result = await bookAppointment(app.runtime.db, bus, actor, { contactId: patient.id, serviceId, practitionerId: doctorId, startAt: zonedInstant(tomorrow(), time, "Asia/Jakarta"), channel: "frontdesk" });
  expect(result.ok).toBe(true);
}

describe("services (poliklinik)", () => {
  it("edits name and code, refusing a code another clinic of the branch uses", async () => {
    const { branch, service } = await createClinic(app.runtime);
    await app.runtime.db.insert(services).values({ branchId: branch.id, code: "ANAK", name: "Poli Anak" });
    const ok = await post({ intent: "updateService", serviceId: service.id, code: "PDL", name: "Poli Penyakit Dalam Lantai 2", nameEn: "Internal medicine, 2nd floor" });
    expect(ok.data).toMatchObject({ section: "service", errors: [], outcome: "updated" });
    const [row] = await app.runtime.db.select().from(services).where(eq(services.id, service.id));
    expect(row).toMatchObject({ code: "PDL", name: "Poli Penyakit Dalam Lantai 2", nameEn: "Internal medicine, 2nd floor" });
    expect(await auditOf(service.id)).toContain("appointments.service_updated");

    expect((await post({ intent: "updateService", serviceId: service.id, code: "ANAK", name: "Poli X" })).data.errors).toEqual(["hospital-appointments:errors.codeTaken"]);
    expect((await post({ intent: "updateService", serviceId: service.id, code: "pd lama", name: "Poli X" })).data.errors).toEqual(["hospital-appointments:errors.code"]);
    expect((await post({ intent: "updateService", serviceId: service.id, code: "PDX", name: "" })).status).toBe(400);
    const [unchanged] = await app.runtime.db.select().from(services).where(eq(services.id, service.id));
    expect(unchanged.name).toBe("Poli Penyakit Dalam Lantai 2");
  });

  it("deletes a clinic nobody booked, and only deactivates one with visits (then it can be activated again)", async () => {
    const unused = await createClinic(app.runtime);
    const removed = await post({ intent: "removeService", serviceId: unused.service.id });
    expect(removed.data.outcome).toBe("deleted");
    expect(await app.runtime.db.select().from(services).where(eq(services.id, unused.service.id))).toHaveLength(0);
    expect(await auditOf(unused.service.id)).toContain("appointments.service_deleted");

    const used = await createClinic(app.runtime);
    await bookTomorrow(used.doctor.id, used.service.id);
    const kept = await post({ intent: "removeService", serviceId: used.service.id });
    expect(kept.data.outcome).toBe("deactivated");
    const [row] = await app.runtime.db.select().from(services).where(eq(services.id, used.service.id));
    expect(row.active).toBe(false);
    expect(await app.runtime.db.select().from(appointments).where(eq(appointments.serviceId, used.service.id))).toHaveLength(1);
    expect((await freeSlots(app.runtime.db, { serviceId: used.service.id, date: tomorrow() })).slots).toHaveLength(0);
    expect((await post({ intent: "activateService", serviceId: used.service.id })).data.outcome).toBe("activated");
    expect((await freeSlots(app.runtime.db, { serviceId: used.service.id, date: tomorrow() })).slots.length).toBeGreaterThan(0);
  });
});

describe("doctors", () => {
  it("edits a doctor and links a staff account once only", async () => {
    const a = await createClinic(app.runtime);
    const b = await createClinic(app.runtime);
    const account = await createStaff(app.runtime, { roles: ["doctor"] });
    expect((await post({ intent: "updatePractitioner", practitionerId: a.doctor.id, name: "dr. Ayu Lestari, Sp.PD", specialty: "Penyakit Dalam", userId: account.id })).data.outcome).toBe("updated");
    const [row] = await app.runtime.db.select().from(practitioners).where(eq(practitioners.id, a.doctor.id));
    expect(row).toMatchObject({ name: "dr. Ayu Lestari, Sp.PD", specialty: "Penyakit Dalam", userId: account.id });
    expect((await post({ intent: "updatePractitioner", practitionerId: b.doctor.id, name: "dr. Lain", userId: account.id })).data.errors).toEqual(["hospital-appointments:errors.userTaken"]);
    expect(await auditOf(a.doctor.id)).toContain("appointments.practitioner_updated");
  });

  it("deletes a doctor without visits (schedules go too), deactivates one with visits", async () => {
    const free = await createClinic(app.runtime);
    expect((await post({ intent: "removePractitioner", practitionerId: free.doctor.id })).data.outcome).toBe("deleted");
    expect(await app.runtime.db.select().from(schedules).where(eq(schedules.practitionerId, free.doctor.id))).toHaveLength(0);

    const busy = await createClinic(app.runtime);
    await bookTomorrow(busy.doctor.id, busy.service.id);
    expect((await post({ intent: "removePractitioner", practitionerId: busy.doctor.id })).data.outcome).toBe("deactivated");
    const [row] = await app.runtime.db.select().from(practitioners).where(eq(practitioners.id, busy.doctor.id));
    expect(row.active).toBe(false);
    expect((await freeSlots(app.runtime.db, { serviceId: busy.service.id, date: tomorrow() })).slots).toHaveLength(0);
    expect(await auditOf(busy.doctor.id)).toContain("appointments.practitioner_deactivated");
  });
});

describe("weekly schedules", () => {
  it("edits times with validation, and tells how many booked visits stay", async () => {
    const { doctor, service } = await createClinic(app.runtime);
    await bookTomorrow(doctor.id, service.id, "11:00");
    const weekday = new Date(`${tomorrow()}T00:00:00Z`).getUTCDay() || 7;
    const [schedule] = await app.runtime.db.select().from(schedules).where(and(eq(schedules.practitionerId, doctor.id), eq(schedules.weekday, weekday)));
    const base = { intent: "updateSchedule", scheduleId: schedule.id, practitionerId: doctor.id, serviceId: service.id, weekday: String(weekday), slotMinutes: "20", capacity: "2" };
    const bad = await post({ ...base, startTime: "10:00", endTime: "09:00" });
    expect(bad.data.errors).toEqual(["hospital-appointments:errors.timeOrder"]);
    const badBreak = await post({ ...base, startTime: "08:00", endTime: "10:00", breakStart: "11:00", breakEnd: "11:30" });
    expect(badBreak.data.errors).toEqual(["hospital-appointments:errors.breakOrder"]);
    const ok = await post({ ...base, startTime: "08:00", endTime: "10:00" });
    expect(ok.data).toMatchObject({ outcome: "updated", kept: 1 });
    const [row] = await app.runtime.db.select().from(schedules).where(eq(schedules.id, schedule.id));
    expect(row).toMatchObject({ startTime: "08:00", endTime: "10:00", breakStart: null, slotMinutes: 20, capacity: 2 });
    // the 11:00 visit is kept, booked, although the new hours no longer offer 11:00
    const [visit] = await app.runtime.db.select().from(appointments).where(eq(appointments.practitionerId, doctor.id));
    expect(visit.status).toBe("booked");
    const [entry] = await app.runtime.db.select().from(auditLog).where(and(eq(auditLog.entityId, schedule.id), eq(auditLog.action, "appointments.schedule_updated")));
    expect(entry.data).toMatchObject({ before: { startTime: "08:00", endTime: "12:00" }, after: { endTime: "10:00" }, kept: 1 });

    const ended = await post({ intent: "removeSchedule", scheduleId: schedule.id });
    expect(ended.data).toMatchObject({ outcome: "deactivated", kept: 1 });
    const [gone] = await app.runtime.db.select().from(schedules).where(eq(schedules.id, schedule.id));
    expect(gone.active).toBe(false);
    const again = await post({ intent: "removeSchedule", scheduleId: schedule.id });
    expect(again.status).toBe(404);
    expect(again.data.errors).toEqual(["hospital-appointments:errors.setupNotFound"]);
  });
});

describe("leave and holidays", () => {
  it("edits and deletes an exception, with the date order checked", async () => {
    const { doctor, service, branch } = await createClinic(app.runtime);
    const [leave] = await app.runtime.db.insert(scheduleExceptions).values({ kind: "leave", practitionerId: doctor.id, startDate: tomorrow(), endDate: tomorrow(), reason: "Cuti" }).returning();
    expect((await freeSlots(app.runtime.db, { serviceId: service.id, date: tomorrow() })).slots).toHaveLength(0);
    const later = addDays(tomorrow(), 5);
    const bad = await post({ intent: "updateException", exceptionId: leave.id, kind: "leave", practitionerId: doctor.id, startDate: later, endDate: tomorrow() });
    expect(bad.data.errors).toEqual(["hospital-appointments:errors.dateOrder"]);
    const moved = await post({ intent: "updateException", exceptionId: leave.id, kind: "holiday", branchId: branch.id, startDate: later, endDate: later, reason: "Libur nasional" });
    expect(moved.data.outcome).toBe("updated");
    expect((await freeSlots(app.runtime.db, { serviceId: service.id, date: tomorrow() })).slots.length).toBeGreaterThan(0);
    const [row] = await app.runtime.db.select().from(scheduleExceptions).where(eq(scheduleExceptions.id, leave.id));
    expect(row).toMatchObject({ kind: "holiday", practitionerId: null, branchId: branch.id, reason: "Libur nasional" });
    expect((await post({ intent: "removeException", exceptionId: leave.id })).data.outcome).toBe("deleted");
    expect(await auditOf(leave.id)).toEqual(expect.arrayContaining(["appointments.exception_updated", "appointments.exception_deleted"]));
  });
});

describe("who may change the set-up", () => {
  it("refuses staff without the schedule permission, and unknown intents", async () => {
    const { service } = await createClinic(app.runtime);
    const frontdesk = await createStaff(app.runtime, { roles: ["frontdesk"] });
    expect((await post({ intent: "removeService", serviceId: service.id }, frontdesk.cookie)).status).toBe(403);
    expect((await post({ intent: "updateService", serviceId: service.id, code: "HACK", name: "Hack" }, frontdesk.cookie)).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, setup.loader, { path: "/staff/appointments/setup", cookie: frontdesk.cookie })).status).toBe(403);
    const [row] = await app.runtime.db.select().from(services).where(eq(services.id, service.id));
    expect(row.active).toBe(true);
    expect((await post({ intent: "dropTables" })).status).toBe(400);
    expect((await post({ intent: "removeService", serviceId: "not-an-id" })).data.errors).toEqual(["hospital-appointments:errors.invalid"]);
  });
});
