import { jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Core settings edited by admins (WhatsApp channel, SLA hours …), one row per key. */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by"),
});
