import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { branches } from "./branches.ts";
import { contacts } from "./contacts.ts";
import { users } from "./users.ts";

export const interactionChannels = ["call", "visit", "whatsapp", "email", "sms", "note", "portal", "ticket", "survey"] as const;
export const interactionDirections = ["inbound", "outbound", "internal"] as const;

/** One touchpoint on a contact's timeline; plugin entities link by source type and id. */
export const interactions = pgTable(
  "interactions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    channel: text("channel", { enum: interactionChannels }).notNull(),
    direction: text("direction", { enum: interactionDirections }).notNull(),
    subject: text("subject").notNull(),
    body: text("body"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    staffUserId: uuid("staff_user_id").references(() => users.id, { onDelete: "set null" }),
    branchId: uuid("branch_id").references(() => branches.id),
    sourceType: text("source_type"),
    sourceId: text("source_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("interactions_contact_timeline_idx").on(t.contactId, t.occurredAt.desc(), t.id.desc()),
    index("interactions_source_idx").on(t.sourceType, t.sourceId),
  ],
);
