// The hospital's medical record number (No. RM) is an identifier of its own (issue 16): staff add it
// in the usual way (typed in any case, with its dashes), a malformed one gets a translated message,
// it finds the patient in the contact list and the global search, shows on the 360 page and on the
// front desk's and the doctor's day lists, and makes the contact a patient (hidden from a cashier).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedT } from "../app/core/i18n/i18n.server.ts";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as contactPage from "../app/routes/staff/contact.tsx";
import * as editPage from "../app/routes/staff/contact.edit.tsx";
import * as listPage from "../app/routes/staff/contacts.tsx";
import * as searchRoute from "../app/routes/staff/search.tsx";
import { contactIdentifiers } from "../db/schema/index.ts";
import { addDays, localDateOf, zonedInstant } from "../app/plugin-api/index.ts";
import { pluginServices } from "../app/core/plugins/plugin-services.server.ts";
import { bookAppointment } from "../plugins/hospital-appointments/booking.server.ts";
import * as dayView from "../plugins/hospital-appointments/routes/staff.appointments.tsx";
import { createClinic } from "../plugins/hospital-appointments/test-setup.ts";
import { installedPlugins } from "../plugins/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let agent: { cookie: string };
let patientId: string;
beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  runtime = app.runtime;
  agent = await createStaff(runtime, { roles: ["agent"] });
  patientId = (await createContact(runtime, { fullName: "Ratna Kusumawati" })).id;
});
afterAll(() => app.close());

const addIdentifier = (value: string, contactId = patientId) =>
  callRoute(runtime, editPage.action, { path: `/staff/contacts/${contactId}/edit`, cookie: agent.cookie, params: { contactId }, form: { intent: "add-identifier", system: "mrn", value } });

describe("the medical record number (No. RM)", () => {
  it("is added as typed, in capitals without spaces, and a malformed one is refused with a translated message", async () => {
    const bad = unwrap(await addIdentifier("RM#45"));
    expect((bad.data as { result: { error: Record<string, string[]> } }).result.error.value).toEqual(["staff:contacts.errors.mrn"]);
    expect(unwrap(await addIdentifier("-45")).status).toBe(400);
    expect(unwrap(await addIdentifier(" rm-004512 ")).status).toBe(200);
    const stored = await runtime.db.select({ system: contactIdentifiers.system, value: contactIdentifiers.value }).from(contactIdentifiers).where(eq(contactIdentifiers.contactId, patientId));
    expect(stored).toEqual([{ system: "mrn", value: "RM-004512" }]);
    // one record number belongs to one patient
    const other = await createContact(runtime, { fullName: "Ratna Dewi" });
    expect(unwrap(await addIdentifier("RM-004512", other.id)).status).toBe(409);
  });

  it("finds the patient in the contact list and the global search, however it is typed", async () => {
    for (const q of ["RM-004512", "rm-004512"]) {
      const list = unwrap(await callRoute(runtime, listPage.loader, { path: `/staff/contacts?q=${encodeURIComponent(q)}`, cookie: agent.cookie })).data as { contacts: { id: string }[] };
      expect(list.contacts.map((c) => c.id), q).toEqual([patientId]);
    }
    const found = unwrap(await callRoute(runtime, searchRoute.loader, { path: "/staff/search?q=rm-004512", cookie: agent.cookie })).data as { groups: { kind: string; results: { id: string }[] }[] };
    expect(found.groups.find((g) => g.kind === "core.contacts")?.results.map((r) => r.id)).toEqual([patientId]);
  });

  it("shows on the 360 page as 'No. RM' / 'Medical record no.', and makes the contact a patient a cashier cannot open", async () => {
    const page = unwrap(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${patientId}`, params: { contactId: patientId }, cookie: agent.cookie })).data as { identifiers: { system: string; value: string }[] };
    expect(page.identifiers).toEqual([expect.objectContaining({ system: "mrn", value: "RM-004512" })]);
    expect(fixedT("id", "staff")("contacts.identifierSystems.mrn")).toBe("No. RM");
    expect(fixedT("en", "staff")("contacts.identifierSystems.mrn")).toBe("Medical record no.");
    const cashier = await createStaff(runtime, { roles: ["cashier"] });
    expect(unwrap(await callRoute(runtime, contactPage.loader, { path: `/staff/contacts/${patientId}`, params: { contactId: patientId }, cookie: cashier.cookie })).status).toBe(404);
  });

  it("is on the front desk's day list next to the patient's name", async () => {
    const { service, doctor, branch } = await createClinic(runtime);
    const date = addDays(localDateOf(new Date(), "Asia/Jakarta"), 1);
    const booked = await bookAppointment(runtime.db, pluginServices(runtime), { kind: "system" }, { contactId: patientId, serviceId: service.id, practitionerId: doctor.id, startAt: zonedInstant(date, "09:00", "Asia/Jakarta"), channel: "phone" });
    expect(booked.ok).toBe(true);
    const frontdesk = await createStaff(runtime, { roles: ["frontdesk"] });
    const day = unwrap(await callRoute(runtime, dayView.loader, { path: `/staff/appointments?branch=${branch.id}&date=${date}`, cookie: frontdesk.cookie })).data as { visits: { contactId: string; medicalRecordNumber: string | null }[] };
    expect(day.visits).toEqual([expect.objectContaining({ contactId: patientId, medicalRecordNumber: "RM-004512" })]);
  });
});
