// Tickets: complaints and service requests from the portal, the partner portal and the front desk.
// Every read and write by a customer or partner is scoped in SQL by the session's contact or
// organisation (scopeOf); a ticket id from the URL alone never reaches anyone else's ticket.
import { and, asc, desc, eq, ilike, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "../../../db/client.ts";
import { branches, contacts, partnerOrganisations, ticketMessages, tickets, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { defaultLanguage } from "../i18n/languages.ts";
import { recordInteraction } from "../interactions/interactions.server.ts";
import type { JobSender } from "../messaging/email.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { recordTicketRating, requestSurvey } from "../surveys/surveys.server.ts";
import {
  activeTicketStatuses,
  ticketTransitions,
  type SatisfactionRating,
  type TicketCategory,
  type TicketFilters,
  type TicketPriority,
  type TicketStatus,
} from "./ticket-forms.ts";
import { notifyRequester, notifyStaff } from "./ticket-notifications.server.ts";
import { firstResponseDueAt, readTicketFirstResponse, readTicketSla, slaDueAt } from "./ticket-sla.server.ts";
import { isUuid } from "../validation/ids.ts";
import { cursorPart, decodeCursor, encodeCursor } from "../validation/cursor.server.ts";
import { z } from "../validation/validation.ts";

export type StaffActor = Extract<Actor, { kind: "staff" }>;
export type CustomerActor = Extract<Actor, { kind: "customer" }>;
export type PartnerActor = Extract<Actor, { kind: "partner" }>;
/** Whoever asked for help: a customer in the portal or a partner user. */
export type Requester = CustomerActor | PartnerActor;
export type TicketViewer = StaffActor | Requester;

export interface TicketRuntime {
  db: Database;
  jobs: JobSender;
  config: { appOrigin: string };
}

export type TicketError =
  | "notFound"
  | "closed"
  | "invalidTransition"
  | "alreadyRated"
  | "notRatable"
  | "contactNotFound"
  | "alreadyLinked"
  | "assigneeInvalid"
  | "branchInvalid";
type Result<T = object> = ({ ok: true } & T) | { ok: false; error: TicketError };

export const ticketPageSize = 25;


/** The rows an actor may see: all for staff, their contact's own for a customer, their organisation's for a partner. */
function scopeOf(actor: TicketViewer): SQL | undefined {
  if (actor.kind === "customer") return and(eq(tickets.contactId, actor.contactId), isNull(tickets.partnerOrgId));
  if (actor.kind === "partner") return eq(tickets.partnerOrgId, actor.partnerOrgId);
  return undefined;
}

const staffT = () => fixedT(defaultLanguage, "staff");

const overdueSql = sql<boolean>`(${tickets.status} in ('open', 'in_progress', 'waiting_customer') and ${tickets.slaDueAt} < now())`;

// ---- opening -------------------------------------------------------------------------------------

interface NewTicket {
  contactId: string | null;
  partnerOrgId: string | null;
  openedByUserId: string;
  channel: (typeof tickets.$inferInsert)["channel"];
  category: TicketCategory;
  priority: TicketPriority;
  subject: string;
  body: string;
  branchId: string | null;
  assigneeId: string | null;
  authorKind: "staff" | "customer" | "partner";
  firstResponseAt: Date | null;
}

async function insertTicket(tx: Database, actor: TicketViewer, input: NewTicket) {
  const sla = await readTicketSla(tx);
  const firstResponse = await readTicketFirstResponse(tx);
  const now = new Date();
  const [ticket] = await tx
    .insert(tickets)
    .values({
      contactId: input.contactId,
      partnerOrgId: input.partnerOrgId,
      openedByUserId: input.openedByUserId,
      channel: input.channel,
      category: input.category,
      priority: input.priority,
      subject: input.subject,
      branchId: input.branchId,
      assigneeId: input.assigneeId,
      slaDueAt: slaDueAt(now, input.priority, sla),
      // only a requester who waits for our first reply gets a deadline for it
      firstResponseDueAt: input.firstResponseAt ? null : firstResponseDueAt(now, input.priority, firstResponse),
      firstResponseAt: input.firstResponseAt,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: tickets.id, number: tickets.number });
  await tx.insert(ticketMessages).values({
    ticketId: ticket.id,
    authorUserId: input.openedByUserId,
    authorKind: input.authorKind,
    body: input.body,
    createdAt: now,
  });
  if (input.contactId) {
    await recordInteraction(tx, {
      contactId: input.contactId,
      channel: "ticket",
      direction: "inbound",
      subject: staffT()("tickets.timeline.opened", { number: ticket.number, subject: input.subject }),
      body: input.body,
      occurredAt: now,
      staffUserId: actor.kind === "staff" ? actor.userId : null,
      branchId: input.branchId,
      sourceType: "ticket",
      sourceId: ticket.id,
    });
  }
  await audit(tx, actor, {
    action: "ticket.opened",
    entityType: "ticket",
    entityId: ticket.id,
    data: { number: ticket.number, channel: input.channel, category: input.category, priority: input.priority },
  });
  return ticket;
}

/** A patient or shopper opens a ticket in the portal; staff set the priority when they triage it. */
export async function openTicketAsCustomer(
  runtime: TicketRuntime,
  actor: CustomerActor,
  input: { category: TicketCategory; subject: string; body: string },
) {
  return runtime.db.transaction(async (tx) => {
    const [contact] = await tx.select({ branchId: contacts.branchId }).from(contacts).where(eq(contacts.id, actor.contactId));
    return insertTicket(tx, actor, {
      ...input,
      contactId: actor.contactId,
      partnerOrgId: null,
      openedByUserId: actor.userId,
      channel: "portal",
      priority: "normal",
      branchId: contact?.branchId ?? null,
      assigneeId: null,
      authorKind: "customer",
      firstResponseAt: null,
    });
  });
}

/**
 * A partner user opens a ticket for their organisation. The patient or customer it concerns is
 * free text in the first message: partners never search our contacts; staff link the contact.
 */
export async function openTicketAsPartner(
  runtime: TicketRuntime,
  actor: PartnerActor,
  input: { category: TicketCategory; subject: string; body: string; reference: string | null; referenceLabel: string },
) {
  const body = input.reference ? `${input.referenceLabel}: ${input.reference}\n\n${input.body}` : input.body;
  return runtime.db.transaction((tx) =>
    insertTicket(tx, actor, {
      category: input.category,
      subject: input.subject,
      body,
      contactId: null,
      partnerOrgId: actor.partnerOrgId,
      openedByUserId: actor.userId,
      channel: "partner",
      priority: "normal",
      branchId: null,
      assigneeId: null,
      authorKind: "partner",
      firstResponseAt: null,
    }),
  );
}

async function activeStaffExists(db: Database, userId: string) {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.kind, "staff"), eq(users.active, true)));
  return Boolean(row);
}

/**
 * Staff open a ticket for a walk-in, a call, an e-mail or a chat. The person is being served as
 * it is written down, so this counts as the first response.
 */
export async function openTicketAsStaff(
  runtime: TicketRuntime,
  actor: StaffActor,
  input: {
    contactId: string;
    channel: "phone" | "walk_in" | "email" | "whatsapp";
    category: TicketCategory;
    priority: TicketPriority;
    subject: string;
    body: string;
    branchId: string | null;
    assigneeId: string | null;
  },
): Promise<Result<{ id: string; number: string }>> {
  return runtime.db.transaction(async (tx) => {
    const [contact] = await tx
      .select({ id: contacts.id, branchId: contacts.branchId })
      .from(contacts)
      .where(and(eq(contacts.id, input.contactId), isNull(contacts.mergedIntoId)));
    if (!contact) return { ok: false as const, error: "contactNotFound" as const };
    const branchId = input.branchId ?? actor.branchId ?? contact.branchId;
    if (input.branchId) {
      const [branch] = await tx.select({ id: branches.id }).from(branches).where(eq(branches.id, input.branchId));
      if (!branch) return { ok: false as const, error: "branchInvalid" as const };
    }
    if (input.assigneeId && !(await activeStaffExists(tx, input.assigneeId))) return { ok: false as const, error: "assigneeInvalid" as const };
    const ticket = await insertTicket(tx, actor, {
      ...input,
      partnerOrgId: null,
      branchId,
      openedByUserId: actor.userId,
      authorKind: "staff",
      firstResponseAt: new Date(),
    });
    if (input.assigneeId && input.assigneeId !== actor.userId) {
      await notifyStaff(tx, runtime, input.assigneeId, { ...ticket, subject: input.subject }, "tickets.assigned");
    }
    return { ok: true as const, ...ticket };
  });
}

// ---- lists ---------------------------------------------------------------------------------------

const ticketCursor = z.tuple([cursorPart.instant(), cursorPart.id()]);

function decodeTicketCursor(cursor: string | undefined) {
  const key = decodeCursor(cursor, ticketCursor);
  return key ? { at: new Date(key[0]), id: key[1] } : null;
}

function afterCursor(cursor: string | undefined): SQL | undefined {
  const c = decodeTicketCursor(cursor);
  if (!c) return undefined;
  return or(lt(tickets.createdAt, c.at), and(eq(tickets.createdAt, c.at), lt(tickets.id, c.id)));
}

function page<T extends { createdAt: Date; id: string }>(rows: T[]) {
  const items = rows.slice(0, ticketPageSize);
  return { tickets: items, next: rows.length > ticketPageSize ? encodeCursor([items[items.length - 1].createdAt.toISOString(), items[items.length - 1].id]) : null };
}

const assignees = alias(users, "assignee");

/** The staff queue, newest first, filtered in SQL, keyset-paginated. */
export async function listTicketsForStaff(db: Database, actor: StaffActor, filters: TicketFilters) {
  const conditions: (SQL | undefined)[] = [afterCursor(filters.after)];
  if (filters.status === "active") conditions.push(inArray(tickets.status, [...activeTicketStatuses]));
  else if (filters.status) conditions.push(eq(tickets.status, filters.status));
  if (filters.priority) conditions.push(eq(tickets.priority, filters.priority));
  if (filters.category) conditions.push(eq(tickets.category, filters.category));
  if (filters.assignee === "me") conditions.push(eq(tickets.assigneeId, actor.userId));
  else if (filters.assignee === "none") conditions.push(isNull(tickets.assigneeId));
  else if (filters.assignee) conditions.push(eq(tickets.assigneeId, filters.assignee));
  if (filters.overdue) conditions.push(overdueSql);
  if (filters.partner) conditions.push(eq(tickets.partnerOrgId, filters.partner));
  if (filters.contact) conditions.push(eq(tickets.contactId, filters.contact));
  const q = filters.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(eq(tickets.number, q.toUpperCase()), ilike(tickets.subject, like), ilike(contacts.fullName, like), ilike(partnerOrganisations.name, like)));
  }
  const rows = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      priority: tickets.priority,
      category: tickets.category,
      channel: tickets.channel,
      createdAt: tickets.createdAt,
      slaDueAt: tickets.slaDueAt,
      escalatedAt: tickets.escalatedAt,
      contactName: contacts.fullName,
      partnerName: partnerOrganisations.name,
      assigneeName: assignees.name,
      timeZone: branches.timeZone,
      overdue: overdueSql,
    })
    .from(tickets)
    .leftJoin(contacts, eq(contacts.id, tickets.contactId))
    .leftJoin(partnerOrganisations, eq(partnerOrganisations.id, tickets.partnerOrgId))
    .leftJoin(assignees, eq(assignees.id, tickets.assigneeId))
    .leftJoin(branches, eq(branches.id, tickets.branchId))
    .where(and(...conditions))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(ticketPageSize + 1);
  return page(rows);
}

/**
 * The names behind the list's partner and contact filters, so the page can say whose tickets it
 * shows; an id that matches nothing still filters (to an empty list) and is shown as unknown.
 */
export async function ticketFilterSubjects(db: Database, filters: Pick<TicketFilters, "partner" | "contact">) {
  const [partner, contact] = await Promise.all([
    filters.partner
      ? db.select({ name: partnerOrganisations.name }).from(partnerOrganisations).where(eq(partnerOrganisations.id, filters.partner)).then((rows) => rows[0]?.name ?? null)
      : null,
    filters.contact ? db.select({ name: contacts.fullName }).from(contacts).where(eq(contacts.id, filters.contact)).then((rows) => rows[0]?.name ?? null) : null,
  ]);
  return {
    partner: filters.partner ? { id: filters.partner, name: partner } : null,
    contact: filters.contact ? { id: filters.contact, name: contact } : null,
  };
}

/** A customer's or partner's own tickets, newest first. */
export async function listOwnTickets(db: Database, actor: Requester, input: { after?: string } = {}) {
  const rows = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      category: tickets.category,
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
      satisfaction: tickets.satisfaction,
      openedByName: users.name,
      timeZone: branches.timeZone,
    })
    .from(tickets)
    .leftJoin(users, eq(users.id, tickets.openedByUserId))
    .leftJoin(branches, eq(branches.id, tickets.branchId))
    .where(and(scopeOf(actor), afterCursor(input.after)))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(ticketPageSize + 1);
  return page(rows);
}

/** A requester's tickets still being worked on: how many, how many wait for their answer, and the latest changed. */
export async function openTicketSummary(db: Database, actor: Requester) {
  const open = and(scopeOf(actor), inArray(tickets.status, ["open", "in_progress", "waiting_customer"]));
  const [[counts], [latest]] = await Promise.all([
    db
      .select({ open: sql<number>`count(*)::int`, waiting: sql<number>`(count(*) filter (where ${tickets.status} = 'waiting_customer'))::int` })
      .from(tickets)
      .where(open),
    db
      .select({ id: tickets.id, number: tickets.number, subject: tickets.subject, status: tickets.status, updatedAt: tickets.updatedAt })
      .from(tickets)
      .where(open)
      .orderBy(desc(tickets.updatedAt), desc(tickets.id))
      .limit(1),
  ]);
  return { open: counts?.open ?? 0, waiting: counts?.waiting ?? 0, latest: latest ?? null };
}

/** Assignable colleagues (active staff), by name. */
export async function assignableStaff(db: Database) {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.kind, "staff"), eq(users.active, true)))
    .orderBy(asc(users.name));
}

export async function branchOptions(db: Database) {
  return db
    .select({ id: branches.id, name: branches.name, code: branches.code })
    .from(branches)
    .where(eq(branches.active, true))
    .orderBy(asc(branches.code));
}

// ---- one ticket ----------------------------------------------------------------------------------

const escalatedTo = alias(users, "escalated_to");
const openedBy = alias(users, "opened_by");

export type ThreadMessage = {
  id: string;
  authorKind: "staff" | "customer" | "partner" | "system";
  authorName: string | null;
  body: string;
  internal: boolean;
  createdAt: Date;
};

async function threadOf(db: Database, ticketId: string, withInternal: boolean): Promise<ThreadMessage[]> {
  return db
    .select({
      id: ticketMessages.id,
      authorKind: ticketMessages.authorKind,
      authorName: users.name,
      body: ticketMessages.body,
      internal: ticketMessages.internal,
      createdAt: ticketMessages.createdAt,
    })
    .from(ticketMessages)
    .leftJoin(users, eq(users.id, ticketMessages.authorUserId))
    // internal notes are filtered in SQL: they never leave the database for a customer or partner
    .where(and(eq(ticketMessages.ticketId, ticketId), withInternal ? undefined : eq(ticketMessages.internal, false)))
    .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id));
}

/** Everything staff see about a ticket, internal notes included. */
export async function getTicketForStaff(db: Database, _actor: StaffActor, ticketId: string) {
  if (!isUuid(ticketId)) return null;
  const [ticket] = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      priority: tickets.priority,
      category: tickets.category,
      channel: tickets.channel,
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
      slaDueAt: tickets.slaDueAt,
      firstResponseAt: tickets.firstResponseAt,
      resolvedAt: tickets.resolvedAt,
      closedAt: tickets.closedAt,
      escalatedAt: tickets.escalatedAt,
      escalatedToName: escalatedTo.name,
      satisfaction: tickets.satisfaction,
      satisfactionComment: tickets.satisfactionComment,
      contactId: tickets.contactId,
      contactName: contacts.fullName,
      contactPhone: contacts.phone,
      contactEmail: contacts.email,
      partnerOrgId: tickets.partnerOrgId,
      partnerName: partnerOrganisations.name,
      openedByName: openedBy.name,
      assigneeId: tickets.assigneeId,
      assigneeName: assignees.name,
      branchId: tickets.branchId,
      branchName: branches.name,
      timeZone: branches.timeZone,
      overdue: overdueSql,
    })
    .from(tickets)
    .leftJoin(contacts, eq(contacts.id, tickets.contactId))
    .leftJoin(partnerOrganisations, eq(partnerOrganisations.id, tickets.partnerOrgId))
    .leftJoin(assignees, eq(assignees.id, tickets.assigneeId))
    .leftJoin(escalatedTo, eq(escalatedTo.id, tickets.escalatedToId))
    .leftJoin(openedBy, eq(openedBy.id, tickets.openedByUserId))
    .leftJoin(branches, eq(branches.id, tickets.branchId))
    .where(eq(tickets.id, ticketId));
  if (!ticket) return null;
  return { ticket, messages: await threadOf(db, ticket.id, true) };
}

/** A customer's or partner's own ticket and its public conversation; null for anyone else's. */
export async function getOwnTicket(db: Database, actor: Requester, ticketId: string) {
  if (!isUuid(ticketId)) return null;
  const [ticket] = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      category: tickets.category,
      channel: tickets.channel,
      createdAt: tickets.createdAt,
      resolvedAt: tickets.resolvedAt,
      closedAt: tickets.closedAt,
      satisfaction: tickets.satisfaction,
      satisfactionComment: tickets.satisfactionComment,
      branchName: branches.name,
      timeZone: branches.timeZone,
    })
    .from(tickets)
    .leftJoin(branches, eq(branches.id, tickets.branchId))
    .where(and(eq(tickets.id, ticketId), scopeOf(actor)));
  if (!ticket) return null;
  const messages = await threadOf(db, ticket.id, false);
  return {
    ticket: {
      ...ticket,
      canReply: ticket.status !== "closed",
      canRate: (ticket.status === "resolved" || ticket.status === "closed") && !ticket.satisfaction,
    },
    // the internal flag is always false here; the shape stays the same as the staff thread
    messages: messages.map((m) => ({ ...m, internal: false })),
  };
}

/** Locks one ticket the actor may act on, inside the caller's transaction. */
async function lockTicket(tx: Database, actor: TicketViewer, ticketId: string) {
  if (!isUuid(ticketId)) return null;
  const [ticket] = await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.id, ticketId), scopeOf(actor)))
    .for("update");
  return ticket ?? null;
}

// ---- conversation --------------------------------------------------------------------------------

/**
 * The customer or partner writes in their ticket. Waiting for them, or resolved too early, puts
 * the ticket back in the team's hands.
 */
export async function replyAsRequester(runtime: TicketRuntime, actor: Requester, ticketId: string, body: string): Promise<Result> {
  return runtime.db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, actor, ticketId);
    if (!ticket) return { ok: false as const, error: "notFound" as const };
    if (ticket.status === "closed") return { ok: false as const, error: "closed" as const };
    const now = new Date();
    await tx.insert(ticketMessages).values({ ticketId: ticket.id, authorUserId: actor.userId, authorKind: actor.kind, body, createdAt: now });
    const reopened: TicketStatus | null =
      ticket.status === "waiting_customer" || ticket.status === "resolved" ? (ticket.assigneeId ? "in_progress" : "open") : null;
    await tx
      .update(tickets)
      .set({ updatedAt: now, ...(reopened ? { status: reopened, resolvedAt: null } : {}) })
      .where(eq(tickets.id, ticket.id));
    await audit(tx, actor, {
      action: "ticket.replied",
      entityType: "ticket",
      entityId: ticket.id,
      data: reopened ? { from: ticket.status, to: reopened } : undefined,
    });
    return { ok: true as const };
  });
}

/**
 * Staff write in a ticket: a public reply (the requester is e-mailed, the first one is the first
 * response) or an internal note that only staff ever see.
 */
export async function replyAsStaff(
  runtime: TicketRuntime,
  actor: StaffActor,
  ticketId: string,
  input: { body: string; internal: boolean; staffName: string },
): Promise<Result> {
  return runtime.db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, actor, ticketId);
    if (!ticket) return { ok: false as const, error: "notFound" as const };
    if (ticket.status === "closed" && !input.internal) return { ok: false as const, error: "closed" as const };
    const now = new Date();
    await tx.insert(ticketMessages).values({ ticketId: ticket.id, authorUserId: actor.userId, authorKind: "staff", body: input.body, internal: input.internal, createdAt: now });
    if (input.internal) {
      await tx.update(tickets).set({ updatedAt: now }).where(eq(tickets.id, ticket.id));
      await audit(tx, actor, { action: "ticket.note_added", entityType: "ticket", entityId: ticket.id });
      return { ok: true as const };
    }
    await tx
      .update(tickets)
      .set({
        updatedAt: now,
        firstResponseAt: ticket.firstResponseAt ?? now,
        ...(ticket.status === "open" ? { status: "in_progress" as const } : {}),
        ...(ticket.status === "open" && !ticket.assigneeId ? { assigneeId: actor.userId } : {}),
      })
      .where(eq(tickets.id, ticket.id));
    await audit(tx, actor, { action: "ticket.replied", entityType: "ticket", entityId: ticket.id, data: { firstResponse: !ticket.firstResponseAt } });
    await notifyRequester(tx, runtime, ticket, "tickets.reply", { quote: input.body, staffName: input.staffName });
    return { ok: true as const };
  });
}

// ---- workflow ------------------------------------------------------------------------------------

/**
 * Moves a ticket along its status flow. Resolving puts it on the contact's timeline and tells the
 * requester; closing asks a customer for a satisfaction rating unless they already gave one.
 */
export async function changeTicketStatus(runtime: TicketRuntime, actor: StaffActor, ticketId: string, status: TicketStatus): Promise<Result> {
  return runtime.db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, actor, ticketId);
    if (!ticket) return { ok: false as const, error: "notFound" as const };
    if (!ticketTransitions[ticket.status].includes(status)) return { ok: false as const, error: "invalidTransition" as const };
    const now = new Date();
    await tx
      .update(tickets)
      .set({
        status,
        updatedAt: now,
        ...(status === "resolved" ? { resolvedAt: now } : {}),
        // whoever resolves an unassigned ticket handled it (and is credited in survey results)
        ...((status === "resolved" || status === "closed") && !ticket.assigneeId ? { assigneeId: actor.userId } : {}),
        ...(status === "in_progress" && ticket.status === "resolved" ? { resolvedAt: null } : {}),
        ...(status === "closed" ? { closedAt: now, resolvedAt: ticket.resolvedAt ?? now } : {}),
      })
      .where(eq(tickets.id, ticket.id));
    await audit(tx, actor, { action: "ticket.status_changed", entityType: "ticket", entityId: ticket.id, data: { from: ticket.status, to: status } });
    const resolvedNow = status === "resolved" || (status === "closed" && !ticket.resolvedAt);
    if (resolvedNow && ticket.contactId) {
      await recordInteraction(tx, {
        contactId: ticket.contactId,
        channel: "ticket",
        direction: "outbound",
        subject: staffT()("tickets.timeline.resolved", { number: ticket.number, subject: ticket.subject }),
        occurredAt: now,
        staffUserId: actor.userId,
        branchId: ticket.branchId,
        sourceType: "ticket",
        sourceId: ticket.id,
      });
    }
    if (status === "resolved") await notifyRequester(tx, runtime, ticket, "tickets.resolved");
    if (status === "closed" && ticket.contactId && !ticket.partnerOrgId && !ticket.satisfaction) {
      await requestSurvey(tx, runtime.jobs, {
        contactId: ticket.contactId,
        sourceType: "ticket",
        sourceId: ticket.id,
        branchId: ticket.branchId,
        staffUserId: ticket.assigneeId ?? actor.userId,
      });
    }
    return { ok: true as const };
  });
}

/** Hands a ticket to a colleague (or back to the queue); they are told by e-mail. */
export async function assignTicket(runtime: TicketRuntime, actor: StaffActor, ticketId: string, assigneeId: string | null): Promise<Result> {
  return runtime.db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, actor, ticketId);
    if (!ticket) return { ok: false as const, error: "notFound" as const };
    if (assigneeId && !(await activeStaffExists(tx, assigneeId))) return { ok: false as const, error: "assigneeInvalid" as const };
    if (ticket.assigneeId === assigneeId) return { ok: true as const };
    await tx.update(tickets).set({ assigneeId, updatedAt: new Date() }).where(eq(tickets.id, ticket.id));
    await audit(tx, actor, { action: "ticket.assigned", entityType: "ticket", entityId: ticket.id, data: { from: ticket.assigneeId, to: assigneeId } });
    if (assigneeId && assigneeId !== actor.userId) await notifyStaff(tx, runtime, assigneeId, ticket, "tickets.assigned");
    return { ok: true as const };
  });
}

/** Changes category and priority; a new priority moves the SLA target and an awaited first reply's deadline (counted from opening). */
export async function classifyTicket(
  db: Database,
  actor: StaffActor,
  ticketId: string,
  input: { category: TicketCategory; priority: TicketPriority },
): Promise<Result> {
  return db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, actor, ticketId);
    if (!ticket) return { ok: false as const, error: "notFound" as const };
    if (ticket.category === input.category && ticket.priority === input.priority) return { ok: true as const };
    const sla = await readTicketSla(tx);
    const firstResponse = await readTicketFirstResponse(tx);
    // the first-response deadline moves with the priority until the reply is given; then it is settled
    const firstResponseDue = ticket.firstResponseDueAt && !ticket.firstResponseAt ? { firstResponseDueAt: firstResponseDueAt(ticket.createdAt, input.priority, firstResponse) } : {};
    await tx
      .update(tickets)
      .set({ ...input, slaDueAt: slaDueAt(ticket.createdAt, input.priority, sla), ...firstResponseDue, updatedAt: new Date() })
      .where(eq(tickets.id, ticket.id));
    await audit(tx, actor, {
      action: "ticket.classified",
      entityType: "ticket",
      entityId: ticket.id,
      data: { from: { category: ticket.category, priority: ticket.priority }, to: input },
    });
    return { ok: true as const };
  });
}

/**
 * Links the contact a partner's ticket is about. Only a ticket without a contact: moving a
 * customer's ticket to another contact would show it in someone else's portal.
 */
export async function linkTicketContact(db: Database, actor: StaffActor, ticketId: string, contactId: string): Promise<Result> {
  return db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, actor, ticketId);
    if (!ticket) return { ok: false as const, error: "notFound" as const };
    if (ticket.contactId) return { ok: false as const, error: "alreadyLinked" as const };
    const [contact] = await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.id, contactId), isNull(contacts.mergedIntoId)));
    if (!contact) return { ok: false as const, error: "contactNotFound" as const };
    await tx.update(tickets).set({ contactId, updatedAt: new Date() }).where(eq(tickets.id, ticket.id));
    await recordInteraction(tx, {
      contactId,
      channel: "ticket",
      direction: "inbound",
      subject: staffT()("tickets.timeline.opened", { number: ticket.number, subject: ticket.subject }),
      occurredAt: ticket.createdAt,
      staffUserId: actor.userId,
      branchId: ticket.branchId,
      sourceType: "ticket",
      sourceId: ticket.id,
    });
    await audit(tx, actor, { action: "ticket.contact_linked", entityType: "ticket", entityId: ticket.id, data: { contactId } });
    return { ok: true as const };
  });
}

/**
 * The requester rates a resolved or closed ticket, once. Rating a resolved ticket confirms it and
 * closes it. A customer's rating is also the ticket's survey answer.
 */
export async function rateTicket(
  db: Database,
  actor: Requester,
  ticketId: string,
  input: { rating: SatisfactionRating; comment: string | null },
): Promise<Result> {
  return db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, actor, ticketId);
    if (!ticket) return { ok: false as const, error: "notFound" as const };
    if (ticket.status !== "resolved" && ticket.status !== "closed") return { ok: false as const, error: "notRatable" as const };
    if (ticket.satisfaction) return { ok: false as const, error: "alreadyRated" as const };
    const now = new Date();
    await tx
      .update(tickets)
      .set({
        satisfaction: input.rating,
        satisfactionComment: input.comment,
        updatedAt: now,
        ...(ticket.status === "resolved" ? { status: "closed" as const, closedAt: now } : {}),
      })
      .where(eq(tickets.id, ticket.id));
    if (ticket.contactId && !ticket.partnerOrgId) {
      await recordTicketRating(tx, { id: ticket.id, contactId: ticket.contactId, branchId: ticket.branchId, assigneeId: ticket.assigneeId }, input);
    }
    await audit(tx, actor, { action: "ticket.rated", entityType: "ticket", entityId: ticket.id, data: { rating: input.rating } });
    return { ok: true as const };
  });
}
