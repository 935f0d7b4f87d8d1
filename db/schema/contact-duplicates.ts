import { sql } from "drizzle-orm";
import { check, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";

/**
 * Pairs staff checked and found to be two different people (twins sharing a parent's phone, a
 * family e-mail): the duplicates list stops offering them. Stored with the smaller id first.
 */
export const contactDuplicateDismissals = pgTable(
  "contact_duplicate_dismissals",
  {
    contactAId: uuid("contact_a_id")
      .notNull()
      .references(() => contacts.id),
    contactBId: uuid("contact_b_id")
      .notNull()
      .references(() => contacts.id),
    reasons: text("reasons").array().notNull(),
    dismissedBy: uuid("dismissed_by").notNull(),
    dismissedAt: timestamp("dismissed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contactAId, t.contactBId] }), check("contact_duplicate_dismissals_ordered", sql`${t.contactAId} < ${t.contactBId}`)],
);
