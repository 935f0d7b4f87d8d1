import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";
import { users } from "./users.ts";

export const taskPriorities = ["low", "normal", "high", "urgent"] as const;
export const taskStatuses = ["open", "in_progress", "done", "cancelled"] as const;

export const tasks = pgTable(
  "tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    title: text("title").notNull(),
    description: text("description"),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    /** Any other record, e.g. "ticket" + id, or a plugin's "appointments.visit" + id. */
    relatedType: text("related_type"),
    relatedId: text("related_id"),
    assigneeId: uuid("assignee_id")
      .notNull()
      .references(() => users.id),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    dueAt: timestamp("due_at", { withTimezone: true }),
    priority: text("priority", { enum: taskPriorities }).notNull().default("normal"),
    status: text("status", { enum: taskStatuses }).notNull().default("open"),
    remindedAt: timestamp("reminded_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("tasks_assignee_idx").on(t.assigneeId, t.status, t.dueAt),
    index("tasks_contact_idx").on(t.contactId, t.status),
    index("tasks_due_idx").on(t.dueAt),
    // the at-risk list's follow-ups: at most one open task per contact, however often the button is pressed
    uniqueIndex("tasks_open_at_risk_follow_up_key")
      .on(t.contactId)
      .where(sql`${t.relatedType} = 'analytics.at-risk' and ${t.status} in ('open', 'in_progress')`),
  ],
);
