import { boolean, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const partnerOrgTypes = ["clinic", "hospital", "supplier", "corporate"] as const;

export const partnerOrganisations = pgTable("partner_organisations", {
  id: uuid("id").primaryKey().defaultRandom(),
  code: text("code").notNull().unique(),
  name: text("name").notNull(),
  type: text("type", { enum: partnerOrgTypes }).notNull(),
  email: text("email"),
  phone: text("phone"),
  address: text("address"),
  city: text("city"),
  active: boolean("active").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
