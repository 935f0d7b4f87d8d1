import { jsonb, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";

/** Who merged which duplicate into which record, with what the duplicate held. */
export const contactMerges = pgTable("contact_merges", {
  id: uuid("id").primaryKey().defaultRandom(),
  keptContactId: uuid("kept_contact_id")
    .notNull()
    .references(() => contacts.id),
  mergedContactId: uuid("merged_contact_id")
    .notNull()
    .references(() => contacts.id),
  mergedBy: uuid("merged_by").notNull(),
  snapshot: jsonb("snapshot").$type<Record<string, unknown>>().notNull(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
});
