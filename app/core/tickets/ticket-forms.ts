// Client-safe: ticket vocabularies, the status flow and the forms' zod schemas.
import {
  satisfactionRatings,
  ticketCategories,
  ticketChannels,
  ticketPriorities,
  ticketStatuses,
} from "../../../db/schema/tickets.ts";
import { fields, z } from "../validation/validation.ts";

export { satisfactionRatings, ticketCategories, ticketChannels, ticketPriorities, ticketStatuses };
export type TicketStatus = (typeof ticketStatuses)[number];
export type TicketPriority = (typeof ticketPriorities)[number];
export type TicketCategory = (typeof ticketCategories)[number];
export type SatisfactionRating = (typeof satisfactionRatings)[number];

/** Channels staff pick when they open a ticket for someone (portal and partner open their own). */
export const staffTicketChannels = ["phone", "walk_in", "email", "whatsapp"] as const;

/** Statuses in which the SLA clock can be breached and the ticket is still someone's work. */
export const activeTicketStatuses = ["open", "in_progress", "waiting_customer"] as const;

/**
 * Where a ticket may go next. Closed is final: a customer with a new problem opens a new ticket,
 * so a closed ticket's rating and survey stay about what was done.
 */
export const ticketTransitions: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ["in_progress", "waiting_customer", "resolved", "closed"],
  in_progress: ["waiting_customer", "resolved", "closed"],
  waiting_customer: ["in_progress", "resolved", "closed"],
  resolved: ["in_progress", "closed"],
  closed: [],
};

const uuid = () => z.string().uuid("validation.choice");
const optionalUuid = () =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.string().uuid("validation.choice").nullable());

const subject = () => z.string().trim().min(3).max(200);
const body = () => z.string().trim().min(1).max(5000);

/** A customer (portal) opens a ticket. */
export const portalOpenTicketSchema = z.object({
  intent: z.literal("open"),
  category: z.enum(ticketCategories),
  subject: subject(),
  body: body(),
});

/** A partner user opens a ticket; the patient or customer it is about is optional free text. */
export const partnerOpenTicketSchema = portalOpenTicketSchema.extend({
  reference: fields.optionalText(200),
});

/** Staff open a ticket for a walk-in, a call, an e-mail or a WhatsApp chat. */
export const staffOpenTicketSchema = z.object({
  intent: z.literal("open"),
  contactId: uuid(),
  channel: z.enum(staffTicketChannels),
  category: z.enum(ticketCategories),
  priority: z.enum(ticketPriorities),
  subject: subject(),
  body: body(),
  branchId: optionalUuid(),
  assigneeId: optionalUuid(),
});

export const replySchema = z.object({ intent: z.literal("reply"), body: body() });
export const noteSchema = z.object({ intent: z.literal("note"), body: body() });
export const statusSchema = z.object({ intent: z.literal("status"), status: z.enum(ticketStatuses) });
export const assignSchema = z.object({ intent: z.literal("assign"), assigneeId: optionalUuid() });
export const classifySchema = z.object({
  intent: z.literal("classify"),
  category: z.enum(ticketCategories),
  priority: z.enum(ticketPriorities),
});
export const linkContactSchema = z.object({ intent: z.literal("link-contact"), contactId: uuid() });
export const rateSchema = z.object({
  intent: z.literal("rate"),
  rating: z.enum(satisfactionRatings),
  comment: fields.optionalText(1000),
});

/** The staff ticket list's filters, read from the query string; unknown values are dropped. */
export const ticketFilterSchema = z.object({
  status: z.enum([...ticketStatuses, "active"]).optional().catch(undefined),
  priority: z.enum(ticketPriorities).optional().catch(undefined),
  category: z.enum(ticketCategories).optional().catch(undefined),
  assignee: z
    .union([z.literal("me"), z.literal("none"), z.string().uuid()])
    .optional()
    .catch(undefined),
  overdue: z
    .string()
    .optional()
    .transform((v) => v === "1" || v === "on")
    .catch(false),
  q: z.string().trim().max(100).optional().catch(undefined),
  /** One partner organisation's tickets (linked from the partner page). */
  partner: z.string().uuid().optional().catch(undefined),
  /** One contact's tickets (linked from the contact 360 page). */
  contact: z.string().uuid().optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});
export type TicketFilters = z.infer<typeof ticketFilterSchema>;
