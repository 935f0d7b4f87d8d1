import { definePlugin, z } from "../../app/plugin-api/index.ts";

/** Partners who refer patients: clinics and other hospitals (the referral pages are theirs, not a supplier's). */
export const referringPartnerTypes = ["clinic", "hospital"] as const;

export default definePlugin({
  id: "hospital-referrals",
  version: "1.0.0",
  requires: [],
  name: "meta.name",
  description: "meta.description",
  // also introduced by hospital-appointments; declared here too so referrals runs without it
  roles: ["doctor", "frontdesk"],
  // what each job needs from the core: the doctor reads his patients' contacts, the front desk registers them
  coreGrants: {
    doctor: ["core.dashboard.read", "core.contact.read", "core.patient.read"],
    frontdesk: ["core.dashboard.read", "core.contact.read", "core.patient.read", "core.contact.manage", "core.interaction.log", "core.task.manage"],
  },
  permissions: {
    "hospital-referrals.referral.read": { roles: ["doctor", "frontdesk", "manager", "agent"], sensitive: true },
    "hospital-referrals.referral.manage": { roles: ["doctor", "frontdesk", "manager"] },
    // the referral desk: e-mailed when a partner sends or updates a referral
    "hospital-referrals.referral.notify": { roles: ["frontdesk", "manager"] },
  },
  routes: [
    { portal: "staff", path: "referrals", file: "routes/staff.referrals.tsx" },
    { portal: "staff", path: "referrals/reports", file: "routes/staff.referrals.reports.tsx" },
    { portal: "staff", path: "referrals/reports/export", file: "routes/staff.referrals.reports.export.ts" },
    { portal: "staff", path: "referrals/:referralId", file: "routes/staff.referral.tsx" },
    { portal: "partner", path: "referrals", file: "routes/partner.referrals.tsx" },
    { portal: "partner", path: "referrals/:referralId", file: "routes/partner.referral.tsx" },
  ],
  nav: [
    { portal: "staff", to: "referrals", area: "hospital", label: "nav.referrals", icon: "send", permission: "hospital-referrals.referral.read" },
    { portal: "partner", to: "referrals", label: "nav.referrals", icon: "send", partnerTypes: referringPartnerTypes },
  ],
  settings: {
    schema: z.object({
      overdueHours: z.coerce.number().int().min(1).max(720),
      // a shared referral-desk mailbox, told as well as the staff holding the notify permission
      inboxEmail: z.union([z.literal(""), z.string().trim().toLowerCase().email("hospital-referrals:errors.email")]).optional(),
    }),
    defaults: { overdueHours: 48, inboxEmail: "" },
    fields: [
      { name: "overdueHours", label: "settings.overdueHours", type: "number" },
      { name: "inboxEmail", label: "settings.inboxEmail", type: "text" },
    ],
  },
  events: {
    emits: ["referrals.referral.changed"],
    handles: ["appointments.visit.booked@1?", "appointments.visit.fulfilled@1?", "appointments.visit.cancelled@1?", "core.contact.merged@1"],
  },
  purposes: [
    {
      id: "hospital-referrals.referrals",
      name: { id: "Rujukan pasien", en: "Patient referrals" },
      description: {
        id: "Menerima dan menindaklanjuti rujukan dari klinik atau rumah sakit mitra.",
        en: "Receiving and following up referrals from partner clinics or hospitals.",
      },
      legalBasis: "contract",
      dataCategories: { general: ["identity", "contact_details"], specific: ["health"] },
      retentionDays: 25 * 365,
      legalHold: { years: 25, law: "Permenkes 24/2022 (rekam medis)" },
      processors: [],
      recipients: [{ id: "Klinik atau rumah sakit perujuk", en: "Referring clinic or hospital" }],
    },
  ],
});
