// Manifest: pure data (read by routes.ts and the registry).
import { definePlugin } from "../../app/plugin-api/index.ts";
import { defaultSettings, settingsSchema } from "./settings.ts";

export default definePlugin({
  id: "hospital-appointments",
  version: "1.0.0",
  requires: [],
  name: "meta.name",
  description: "meta.description",
  roles: ["doctor", "frontdesk"],
  // what each job needs from the core: the doctor reads his patients' contacts, the front desk registers them
  coreGrants: {
    doctor: ["core.dashboard.read", "core.contact.read", "core.patient.read"],
    frontdesk: ["core.dashboard.read", "core.contact.read", "core.patient.read", "core.contact.manage", "core.interaction.log", "core.task.manage"],
  },
  permissions: {
    "hospital-appointments.appointment.read": { roles: ["frontdesk", "doctor", "manager", "agent"], sensitive: true },
    "hospital-appointments.appointment.manage": { roles: ["frontdesk", "manager", "agent"] },
    "hospital-appointments.schedule.manage": { roles: ["manager"] },
  },
  routes: [
    { portal: "staff", path: "appointments", file: "routes/staff.appointments.tsx" },
    { portal: "staff", path: "appointments/book", file: "routes/staff.appointments.book.tsx" },
    { portal: "staff", path: "appointments/doctor", file: "routes/staff.appointments.doctor.tsx" },
    { portal: "staff", path: "appointments/setup", file: "routes/staff.appointments.setup.tsx" },
    { portal: "portal", path: "appointments", file: "routes/portal.appointments.tsx" },
    { portal: "portal", path: "appointments/book", file: "routes/portal.appointments.book.tsx" },
    // the confirm / cancel / accept / decline links in messages: a public page, no sign-in
    { portal: "api", path: "appointments/link", file: "routes/api.appointments.link.tsx" },
  ],
  nav: [
    { portal: "staff", to: "appointments", area: "hospital", label: "nav.dayView", icon: "calendar", permission: "hospital-appointments.appointment.read" },
    { portal: "staff", to: "appointments/doctor", area: "hospital", label: "nav.doctorDay", icon: "stethoscope", permission: "hospital-appointments.appointment.read" },
    { portal: "staff", to: "appointments/setup", area: "hospital", label: "nav.setup", icon: "settings", permission: "hospital-appointments.schedule.manage" },
    { portal: "portal", to: "appointments", label: "nav.myVisits", icon: "calendar" },
  ],
  settings: {
    schema: settingsSchema,
    defaults: defaultSettings,
    fields: [
      { name: "reminderTime", label: "settings.reminderTime", type: "time" },
      { name: "cancelCutoffHours", label: "settings.cancelCutoffHours", type: "number" },
      { name: "noShowGraceMinutes", label: "settings.noShowGraceMinutes", type: "number" },
      { name: "horizonDays", label: "settings.horizonDays", type: "number" },
      { name: "waitlistHoldMinutes", label: "settings.waitlistHoldMinutes", type: "number" },
    ],
  },
  events: {
    emits: ["appointments.visit.booked", "appointments.visit.cancelled", "appointments.visit.arrived", "appointments.visit.fulfilled", "appointments.visit.noshow"],
    handles: ["core.contact.merged@1", "core.whatsapp.received@1"],
  },
  purposes: [
    {
      id: "hospital-appointments.visits",
      name: { id: "Janji temu dan kunjungan", en: "Appointments and visits" },
      description: {
        id: "Memesan, mengingatkan, dan mencatat kunjungan Anda ke dokter.",
        en: "Booking, reminding and recording your visits to a doctor.",
      },
      legalBasis: "contract",
      dataCategories: { general: ["identity", "contact_details"], specific: ["health"] },
      retentionDays: 25 * 365,
      legalHold: { years: 25, law: "Permenkes 24/2022 (rekam medis)" },
      processors: [],
    },
  ],
});
