import { boolean, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const branches = pgTable("branches", {
  id: uuid("id").primaryKey().defaultRandom(),
  code: text("code").notNull().unique(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["hospital", "store", "office"] }).notNull(),
  timeZone: text("time_zone", { enum: ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] })
    .notNull()
    .default("Asia/Jakarta"),
  address: text("address"),
  city: text("city"),
  phone: text("phone"),
  active: boolean("active").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
