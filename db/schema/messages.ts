import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";
import { users } from "./users.ts";

export const messageChannels = ["email", "whatsapp"] as const;
// cancelled: not sent because the consent for its purpose was withdrawn after it was queued
export const messageStatuses = ["queued", "sent", "delivered", "read", "failed", "cancelled"] as const;

// One outbox for every channel; a job sends each row with retries.
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    channel: text("channel", { enum: messageChannels }).notNull(),
    recipient: text("recipient").notNull(),
    template: text("template").notNull(),
    locale: text("locale", { enum: ["id", "en"] }).notNull(),
    subject: text("subject"),
    bodyHtml: text("body_html"),
    bodyText: text("body_text"),
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    // extra e-mail headers, e.g. List-Unsubscribe (RFC 8058) on marketing mail
    headers: jsonb("headers").$type<Record<string, string>>(),
    status: text("status", { enum: messageStatuses }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    contactId: uuid("contact_id").references(() => contacts.id),
    /** The consent purpose a message to a contact is sent for; checked again when it is sent. */
    purpose: text("purpose"),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** Once sent (or given up), the address and body are cleared: the last word to someone whose data was erased. */
    forgetAfterSend: boolean("forget_after_send").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("messages_contact_idx").on(t.contactId, t.createdAt),
    index("messages_created_idx").on(t.createdAt),
    index("messages_provider_id_idx").on(t.providerMessageId),
  ],
);
