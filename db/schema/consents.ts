import { boolean, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";
import { consentChannels } from "./privacy.ts";

export const consentPurposes = ["service_messages", "marketing", "surveys", "partner_sharing"] as const;

/** The current answer per purpose, for fast checks; the proof is the append-only ledger `consent_records` (UU PDP Art 20–24). */
export const consents = pgTable(
  "consents",
  {
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: consentPurposes }).notNull(),
    granted: boolean("granted").notNull(),
    source: text("source", { enum: consentChannels }).notNull(),
    wordingVersion: text("wording_version").notNull().default("2026-11"),
    recordedBy: uuid("recorded_by"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.purpose] })],
);
