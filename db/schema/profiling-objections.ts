import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";

/**
 * People who object to profiling (UU PDP Art 10): scoring such as RFM segments, churn risk and
 * lifetime value leaves them out and deletes what it had. One row while the objection stands.
 */
export const profilingObjections = pgTable("profiling_objections", {
  contactId: uuid("contact_id")
    .primaryKey()
    .references(() => contacts.id, { onDelete: "cascade" }),
  source: text("source", { enum: ["portal", "partner", "staff", "request"] }).notNull(),
  recordedBy: uuid("recorded_by"),
  objectedAt: timestamp("objected_at", { withTimezone: true }).notNull().defaultNow(),
});
