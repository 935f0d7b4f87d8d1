import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";
import { interactions } from "./interactions.ts";

/**
 * A photo, video, voice note, document or sticker a contact sent on WhatsApp: its Cloud API media
 * id (staff fetch the file through the API while Meta keeps it, about 30 days), type and caption.
 */
export const whatsappMedia = pgTable(
  "whatsapp_media",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    interactionId: uuid("interaction_id")
      .notNull()
      .unique()
      .references(() => interactions.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    wamid: text("wamid").notNull(),
    type: text("type").notNull(),
    mediaId: text("media_id").notNull(),
    mimeType: text("mime_type"),
    sha256: text("sha256"),
    filename: text("filename"),
    caption: text("caption"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("whatsapp_media_contact_idx").on(t.contactId)],
);
