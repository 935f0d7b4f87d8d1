import { index, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { branches } from "./branches.ts";
import { contacts } from "./contacts.ts";
import { users } from "./users.ts";
import { satisfactionRatings } from "./tickets.ts";

/** A satisfaction question sent after a closed ticket, a visit or a purchase; answered once. */
export const surveys = pgTable(
  "surveys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    sourceType: text("source_type").notNull(),
    sourceId: text("source_id").notNull(),
    branchId: uuid("branch_id").references(() => branches.id),
    staffUserId: uuid("staff_user_id").references(() => users.id, { onDelete: "set null" }),
    tokenHash: text("token_hash").notNull().unique(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    rating: text("rating", { enum: satisfactionRatings }),
    comment: text("comment"),
  },
  (t) => [
    unique("surveys_source_key").on(t.sourceType, t.sourceId),
    index("surveys_contact_idx").on(t.contactId),
    index("surveys_answered_idx").on(t.answeredAt),
  ],
);
