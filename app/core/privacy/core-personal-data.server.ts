// How each core table with personal data is exported and erased (see personal-data.server.ts).
// Erasure keeps what another record or a law needs (the contact row stays as an anonymous
// tombstone, so appointments and sales still add up) and removes what identifies the person.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../../db/client.ts";
import { tableHandler, type PersonalDataHandler, type PersonalDataSubject } from "./personal-data.server.ts";
import { isUuid } from "../validation/ids.ts";

const erased = "—";
const contactOf = (s: PersonalDataSubject) => (s.contactId && isUuid(s.contactId) ? s.contactId : null);
const userOf = (s: PersonalDataSubject) => (s.userId && isUuid(s.userId) ? s.userId : null);

const contactsHandler: PersonalDataHandler = {
  table: "contacts",
  purpose: "customer_records",
  last: true,
  identity: true,
  async export(subject, db) {
    const id = contactOf(subject);
    if (!id) return [];
    return rowsOf<Record<string, unknown>>(await db.execute(sql`select * from contacts where id = ${id}::uuid`));
  },
  async erase(subject, { db, held }) {
    const id = contactOf(subject);
    if (!id) return { deleted: 0, anonymised: 0, held: 0 };
    if (held) {
      // a kept medical record must still name its patient (Permenkes 24/2022): name, birth date and
      // sex stay; the ways to reach them, their address and marketing tags go, and nothing is sent
      const kept = rowsOf<{ id: string }>(
        await db.execute(sql`update contacts set email = null, phone = null, address = null, city = null, tags = '{}',
          preferred_channel = 'none', updated_at = now() where id = ${id}::uuid returning id`),
      );
      return { deleted: 0, anonymised: 0, held: kept.length };
    }
    // other records (appointments, sales, the audit log) point here: the row stays, without the person
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`update contacts set full_name = ${erased}, email = null, phone = null, birth_date = null, gender = null,
        address = null, city = null, tags = '{}', blacklist_reason = null, preferred_channel = 'none', updated_at = now()
        where id = ${id}::uuid returning id`),
    );
    return { deleted: 0, anonymised: rows.length, held: 0 };
  },
};

const usersHandler: PersonalDataHandler = {
  table: "users",
  purpose: "security_audit",
  last: true,
  async export(subject, db) {
    const user = userOf(subject);
    const contact = contactOf(subject);
    if (!user && !contact) return [];
    const where = user && contact ? sql`id = ${user}::uuid or contact_id = ${contact}::uuid` : user ? sql`id = ${user}::uuid` : sql`contact_id = ${contact}::uuid`;
    // never the password hash
    return rowsOf<Record<string, unknown>>(
      await db.execute(sql`select id, kind, email, name, locale, contact_id, partner_org_id, email_verified_at, created_at from users where ${where}`),
    );
  },
  async erase(subject, { db }) {
    const user = userOf(subject);
    const contact = contactOf(subject);
    if (!user && !contact) return { deleted: 0, anonymised: 0, held: 0 };
    const where = user && contact ? sql`id = ${user}::uuid or contact_id = ${contact}::uuid` : user ? sql`id = ${user}::uuid` : sql`contact_id = ${contact}::uuid`;
    // the account can no longer sign in; its id stays for the audit trail
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`update users set email = 'erased-' || id || '@invalid', name = ${erased}, password_hash = null where ${where} returning id`),
    );
    return { deleted: 0, anonymised: rows.length, held: 0 };
  },
};

const contactLink = (erase: "delete" | "anonymise" | "unlink" = "delete") => ({ column: "contact_id", subject: "contact" as const, erase });
const userLink = (column: string, erase: "delete" | "anonymise" | "unlink" | "keep" = "unlink") => ({ column, subject: "user" as const, erase });

export const corePersonalData: PersonalDataHandler[] = [
  // NIK, BPJS and record numbers identify the patient of a kept medical record: held with it
  { ...tableHandler({ table: "contact_identifiers", purpose: "customer_records", links: [contactLink()] }), identity: true },
  tableHandler({ table: "consents", purpose: "service_messages", links: [contactLink()] }),
  tableHandler({ table: "consent_records", purpose: "service_messages", links: [contactLink()] }),
  tableHandler({ table: "profiling_objections", purpose: "profiling", links: [contactLink()] }),
  tableHandler({ table: "rfm_snapshots", purpose: "profiling", links: [contactLink()] }),
  tableHandler({ table: "interactions", purpose: "customer_records", links: [contactLink(), userLink("staff_user_id")], retention: { column: "occurred_at", method: "delete" } }),
  tableHandler({
    table: "messages",
    purpose: "service_messages",
    links: [contactLink("anonymise"), userLink("user_id", "anonymise")],
    anonymise: { recipient: erased, subject: null, body_html: null, body_text: null, params: "{}" },
    // the outbox row stays (delivery counts), its content goes
    retention: { column: "created_at", method: "anonymise" },
  }),
  tableHandler({
    table: "tasks",
    purpose: "customer_records",
    links: [contactLink("anonymise"), userLink("assignee_id", "keep"), userLink("created_by", "keep")],
    anonymise: { contact_id: null, title: erased, description: null },
    // the task stays (workload figures), what it said about the person goes
    retention: { column: "created_at", method: "anonymise" },
  }),
  tableHandler({
    table: "tickets",
    purpose: "customer_records",
    links: [contactLink("anonymise"), userLink("opened_by_user_id", "anonymise"), userLink("assignee_id"), userLink("escalated_to_id")],
    anonymise: { subject: erased, satisfaction_comment: null },
    // the ticket stays (service figures: counts, SLA), its subject and the conversation go
    retention: { column: "created_at", method: "anonymise" },
  }),
  tableHandler({
    table: "ticket_messages",
    purpose: "customer_records",
    links: [userLink("author_user_id", "anonymise")],
    anonymise: { body: erased },
    retention: { column: "created_at", method: "anonymise" },
    via: (s) => (contactOf(s) ? sql`ticket_id in (select id from tickets where contact_id = ${contactOf(s)}::uuid)` : null),
  }),
  tableHandler({ table: "surveys", purpose: "surveys", links: [contactLink(), userLink("staff_user_id")], retention: { column: "sent_at", method: "delete" } }),
  tableHandler({ table: "segment_campaign_recipients", purpose: "marketing", links: [contactLink()] }),
  tableHandler({ table: "segments", purpose: "marketing", links: [userLink("created_by"), userLink("updated_by")] }),
  tableHandler({ table: "segment_campaigns", purpose: "marketing", links: [userLink("created_by")] }),
  tableHandler({ table: "contact_merges", purpose: "customer_records", links: [{ column: "kept_contact_id", subject: "contact", erase: "delete" }, { column: "merged_contact_id", subject: "contact", erase: "delete" }] }),
  tableHandler({
    table: "contact_duplicate_dismissals",
    purpose: "customer_records",
    links: [
      { column: "contact_a_id", subject: "contact", erase: "delete" },
      { column: "contact_b_id", subject: "contact", erase: "delete" },
    ],
  }),
  tableHandler({ table: "privacy_requests", purpose: "security_audit", links: [contactLink("anonymise"), userLink("user_id", "anonymise")], anonymise: { details: null } }),
  tableHandler({ table: "sessions", purpose: "security_audit", links: [userLink("user_id", "delete")] }),
  tableHandler({ table: "auth_tokens", purpose: "security_audit", links: [userLink("user_id", "delete")] }),
  tableHandler({ table: "user_roles", purpose: "security_audit", links: [userLink("user_id", "delete")] }),
  tableHandler({ table: "api_tokens", purpose: "security_audit", links: [userLink("created_by"), userLink("revoked_by")] }),
  // second factors: deleted with the account. A data export of a staff or partner account would include them; only customers can download their data today
  tableHandler({ table: "user_totp", purpose: "security_audit", links: [userLink("user_id", "delete")] }),
  tableHandler({ table: "user_passkeys", purpose: "security_audit", links: [userLink("user_id", "delete")] }),
  tableHandler({ table: "user_backup_codes", purpose: "security_audit", links: [userLink("user_id", "delete")] }),
  // inbound WhatsApp media ids (the file stays with Meta, which deletes it after 30 days)
  tableHandler({ table: "whatsapp_media", purpose: "service_messages", links: [contactLink()], retention: { column: "created_at", method: "delete" } }),
  // who a breach reached and how they were told: proof of the notice the law requires (UU PDP Art 46), kept
  tableHandler({ table: "privacy_incident_people", purpose: "security_audit", links: [{ column: "contact_id", subject: "contact", erase: "keep" }] }),
  // scheduled reports (staff accounts only): the creator is unlinked, a user's deliveries go with the account
  tableHandler({ table: "report_subscriptions", purpose: "security_audit", links: [userLink("created_by")] }),
  tableHandler({ table: "report_deliveries", purpose: "security_audit", links: [userLink("user_id", "delete")] }),
  contactsHandler,
  usersHandler,
];
