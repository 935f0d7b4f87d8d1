import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { contacts } from "./contacts.ts";
import { users } from "./users.ts";

export const consentChannels = ["portal", "partner", "staff", "import", "registration", "request", "unsubscribe"] as const;

/**
 * Every consent answer ever given, per purpose (UU PDP Art 20–24: consent must be provable).
 * Append-only (a trigger refuses UPDATE); `consents` holds the current answer for fast checks.
 * Rows go only with the contact they belong to (erasure).
 */
export const consentRecords = pgTable(
  "consent_records",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** A declared processing purpose id (core or `<plugin-id>.<name>`). */
    purpose: text("purpose").notNull(),
    granted: boolean("granted").notNull(),
    /** The version of the privacy notice the person was shown. */
    noticeVersion: text("notice_version").notNull(),
    channel: text("channel", { enum: consentChannels }).notNull(),
    recordedByKind: text("recorded_by_kind", { enum: ["staff", "customer", "partner", "system", "anonymous"] }).notNull(),
    recordedBy: uuid("recorded_by"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("consent_records_contact_idx").on(t.contactId, t.purpose, t.at)],
);

export const privacyRequestKinds = ["access", "correction", "deletion", "no_profiling"] as const;
export const privacyRequestStatuses = ["open", "identity_verified", "completed", "refused"] as const;
/** How the desk confirmed that the person asking is the data subject (UU PDP Art 14: identity first). */
export const identityCheckMethods = ["signed_in_account", "id_card_in_person", "id_card_copy", "video_call", "callback_known_phone"] as const;
export const privacyRequestDecisions = ["approved", "partially_approved", "rejected"] as const;

/** A data subject's request (UU PDP Art 14): answered within 3 × 24 hours. */
export const privacyRequests = pgTable(
  "privacy_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    /** The account that asked (a customer or a partner user asking about themselves). */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind", { enum: privacyRequestKinds }).notNull(),
    details: text("details"),
    language: text("language", { enum: ["id", "en"] }).notNull(),
    status: text("status", { enum: privacyRequestStatuses }).notNull().default("open"),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    escalatedAt: timestamp("escalated_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedBy: uuid("decided_by"),
    decisionReason: text("decision_reason"),
    decision: text("decision", { enum: privacyRequestDecisions }),
    identityCheckedAt: timestamp("identity_checked_at", { withTimezone: true }),
    identityCheckedBy: uuid("identity_checked_by"),
    identityMethod: text("identity_method", { enum: identityCheckMethods }),
    identityNote: text("identity_note"),
    /** What an executed erasure did, per table, and the laws under which rows were kept. */
    outcome: jsonb("outcome").$type<Record<string, unknown>>(),
  },
  (t) => [index("privacy_requests_open_idx").on(t.status, t.dueAt), index("privacy_requests_contact_idx").on(t.contactId)],
);

export const incidentStatuses = ["open", "contained", "notified", "closed"] as const;
export const incidentSeverities = ["low", "medium", "high"] as const;

/**
 * A personal-data breach (UU PDP Art 46): the people affected and the authority are told within
 * 3 × 24 hours of discovery. The scope (which records, in which window, through which account)
 * is what finds the affected people in the audit log.
 */
export const privacyIncidents = pgTable(
  "privacy_incidents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    severity: text("severity", { enum: incidentSeverities }).notNull().default("medium"),
    status: text("status", { enum: incidentStatuses }).notNull().default("open"),
    discoveredAt: timestamp("discovered_at", { withTimezone: true }).notNull(),
    /** 72 hours after discovery. */
    notifyBy: timestamp("notify_by", { withTimezone: true }).notNull(),
    windowFrom: timestamp("window_from", { withTimezone: true }).notNull(),
    windowTo: timestamp("window_to", { withTimezone: true }).notNull(),
    /** Audit-log entity types touched (contact, user, ticket …); empty = any. */
    entityTypes: text("entity_types").array().notNull().default(sql`'{}'::text[]`),
    /** The account that leaked or was misused, when known (its audit entries only). */
    actorUserId: uuid("actor_user_id"),
    dataCategories: text("data_categories").array().notNull().default(sql`'{}'::text[]`),
    consequences: text("consequences"),
    measures: text("measures"),
    /** What the people affected are told, in each language (Art 46(2): what leaked, when, how, what we do). */
    noticeId: text("notice_id"),
    noticeEn: text("notice_en"),
    authorityNotifiedAt: timestamp("authority_notified_at", { withTimezone: true }),
    authorityReference: text("authority_reference"),
    peopleNotifiedAt: timestamp("people_notified_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdBy: uuid("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("privacy_incidents_status_idx").on(t.status, t.notifyBy)],
);

/** The people an incident affected (found from the audit log) and how each was told. */
export const privacyIncidentPeople = pgTable(
  "privacy_incident_people",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => privacyIncidents.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    /** Audit entries about them in the window. */
    entries: integer("entries").notNull(),
    /** The outbox message of the notice, or why none was sent (no_address). */
    messageId: uuid("message_id"),
    noticeSkipped: text("notice_skipped"),
    notifiedAt: timestamp("notified_at", { withTimezone: true }),
  },
  (t) => [unique("privacy_incident_people_incident_contact_key").on(t.incidentId, t.contactId), index("privacy_incident_people_contact_idx").on(t.contactId)],
);

/** What the nightly retention job destroyed (UU PDP Art 43–44): per rule and table, counts only. */
export const privacyDestructionLog = pgTable(
  "privacy_destruction_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ranAt: timestamp("ran_at", { withTimezone: true }).notNull(),
    /** The purpose whose retention ran out. */
    purpose: text("purpose").notNull(),
    table: text("table_name").notNull(),
    method: text("method", { enum: ["delete", "anonymise"] }).notNull(),
    rows: integer("rows").notNull(),
    /** Rows older than this were due. */
    cutoff: timestamp("cutoff", { withTimezone: true }).notNull(),
    retentionDays: integer("retention_days").notNull(),
  },
  (t) => [index("privacy_destruction_log_ran_idx").on(t.ranAt)],
);
