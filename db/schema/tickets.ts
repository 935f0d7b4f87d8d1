import { sql } from "drizzle-orm";
import { boolean, index, pgSequence, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { branches } from "./branches.ts";
import { contacts } from "./contacts.ts";
import { partnerOrganisations } from "./partner-organisations.ts";
import { satisfactionRatings, ticketCategories, ticketChannels, ticketPriorities, ticketStatuses } from "./ticket-vocabulary.ts";
import { users } from "./users.ts";

export { satisfactionRatings, ticketCategories, ticketChannels, ticketPriorities, ticketStatuses };

export const ticketNumbers = pgSequence("ticket_number_seq", { startWith: 1001 });

export const tickets = pgTable(
  "tickets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: text("number")
      .notNull()
      .unique()
      .default(sql`'TKT-' || nextval('ticket_number_seq')`),
    contactId: uuid("contact_id").references(() => contacts.id),
    partnerOrgId: uuid("partner_org_id").references(() => partnerOrganisations.id),
    openedByUserId: uuid("opened_by_user_id").references(() => users.id, { onDelete: "set null" }),
    channel: text("channel", { enum: ticketChannels }).notNull(),
    category: text("category", { enum: ticketCategories }).notNull(),
    priority: text("priority", { enum: ticketPriorities }).notNull().default("normal"),
    status: text("status", { enum: ticketStatuses }).notNull().default("open"),
    subject: text("subject").notNull(),
    branchId: uuid("branch_id").references(() => branches.id),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    slaDueAt: timestamp("sla_due_at", { withTimezone: true }).notNull(),
    /**
     * When the first staff reply is due: set only on tickets that wait for one (opened by a patient,
     * shopper or partner); a ticket staff open while serving the person has its response at opening.
     */
    firstResponseDueAt: timestamp("first_response_due_at", { withTimezone: true }),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    escalatedAt: timestamp("escalated_at", { withTimezone: true }),
    escalatedToId: uuid("escalated_to_id").references(() => users.id, { onDelete: "set null" }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    satisfaction: text("satisfaction", { enum: satisfactionRatings }),
    satisfactionComment: text("satisfaction_comment"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("tickets_status_sla_idx").on(t.status, t.slaDueAt),
    index("tickets_contact_idx").on(t.contactId, t.createdAt),
    index("tickets_partner_idx").on(t.partnerOrgId, t.createdAt),
    index("tickets_assignee_idx").on(t.assigneeId, t.status),
    index("tickets_created_idx").on(t.createdAt),
  ],
);

export const ticketMessages = pgTable(
  "ticket_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    authorKind: text("author_kind", { enum: ["staff", "customer", "partner", "system"] }).notNull(),
    body: text("body").notNull(),
    /** Internal notes are for staff only, never shown to the customer or partner. */
    internal: boolean("internal").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ticket_messages_ticket_idx").on(t.ticketId, t.createdAt)],
);
