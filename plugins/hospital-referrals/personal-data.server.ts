// How this plugin's tables with personal data are exported and erased (core privacy tooling).
// Referrals are medical records: kept 25 years (Permenkes 24/2022), so erasure holds them.
import { sql } from "drizzle-orm";
import { tableHandler, type PersonalDataHandler } from "../../app/plugin-api/server.ts";

const purpose = "hospital-referrals.referrals";
export const personalData: PersonalDataHandler[] = [
  tableHandler({
    table: "hospital_referrals_referrals",
    purpose,
    links: [
      { column: "contact_id", subject: "contact", erase: "anonymise" },
      { column: "doctor_user_id", subject: "user", erase: "unlink" },
      { column: "created_by_user_id", subject: "user", erase: "unlink" },
    ],
    anonymise: {},
    // deleted (with its history) once the purpose's 25-year legal hold has run out
    retention: { column: "created_at", method: "delete" },
  }),
  tableHandler({
    table: "hospital_referrals_history",
    purpose,
    links: [{ column: "actor_user_id", subject: "user", erase: "unlink" }],
    via: (s) => (s.contactId ? sql`referral_id in (select id from hospital_referrals_referrals where contact_id = ${s.contactId}::uuid)` : null),
    anonymise: { note: null },
  }),
];
