// How this plugin's tables with personal data are exported and erased (core privacy tooling).
// Visits are medical records: kept 25 years (Permenkes 24/2022), so erasure holds them.
import { sql } from "drizzle-orm";
import { tableHandler, type PersonalDataHandler } from "../../app/plugin-api/server.ts";

const purpose = "hospital-appointments.visits";
export const personalData: PersonalDataHandler[] = [
  tableHandler({
    table: "hospital_appointments_appointments",
    purpose,
    links: [{ column: "contact_id", subject: "contact", erase: "anonymise" }, { column: "booked_by_user_id", subject: "user", erase: "unlink" }],
    anonymise: { note: null },
    // a medical record: deleted once the purpose's 25-year legal hold has run out
    retention: { column: "created_at", method: "delete" },
  }),
  tableHandler({
    table: "hospital_appointments_waitlist",
    purpose,
    links: [{ column: "contact_id", subject: "contact", erase: "delete" }, { column: "created_by_user_id", subject: "user", erase: "unlink" }],
    retention: { column: "created_at", method: "delete" },
  }),
  tableHandler({
    table: "hospital_appointments_links",
    purpose,
    links: [],
    via: (s) => (s.contactId ? sql`appointment_id in (select id from hospital_appointments_appointments where contact_id = ${s.contactId}::uuid)` : null),
  }),
  // a doctor's own profile (staff): the name stays on past visits
  tableHandler({ table: "hospital_appointments_practitioners", purpose, links: [{ column: "user_id", subject: "user", erase: "unlink" }] }),
  tableHandler({ table: "hospital_appointments_exceptions", purpose, links: [{ column: "created_by", subject: "user", erase: "unlink" }] }),
];
