// Who hears about a ticket, in which language, and the e-mails that tell them (through the outbox).
import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { consents, contacts, users } from "../../../db/schema/index.ts";
import { isLanguage, type Language } from "../i18n/languages.ts";
import { recordInteraction } from "../interactions/interactions.server.ts";
import { queueEmail, renderNoticeEmail, type JobSender } from "../messaging/email.server.ts";

export interface NotifyRuntime {
  jobs: JobSender;
  config: { appOrigin: string };
}

interface TicketRef {
  id: string;
  number: string;
  subject: string;
  contactId: string | null;
  partnerOrgId: string | null;
  openedByUserId: string | null;
}

export interface Recipient {
  email: string;
  name: string;
  language: Language;
  userId: string | null;
  contactId: string | null;
  /** Where they can read the ticket, or null when they have no account. */
  portal: "portal" | "partner" | null;
}

function lang(...candidates: (string | null | undefined)[]): Language {
  return candidates.find(isLanguage) ?? "id";
}

/**
 * The person a ticket's updates go to. A partner's ticket: the partner user who opened it. A
 * customer's: their portal account if they have one (its address and language), else the
 * contact's own address in the contact's preferred language. Nobody when the contact withdrew
 * consent to service messages, or has no address.
 */
export async function ticketRequester(db: Database, ticket: Pick<TicketRef, "contactId" | "partnerOrgId" | "openedByUserId">): Promise<Recipient | null> {
  if (ticket.partnerOrgId) {
    if (!ticket.openedByUserId) return null;
    const [user] = await db
      .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
      .from(users)
      .where(and(eq(users.id, ticket.openedByUserId), eq(users.kind, "partner"), eq(users.active, true), eq(users.partnerOrgId, ticket.partnerOrgId)));
    if (!user) return null;
    return { email: user.email, name: user.name, language: lang(user.locale), userId: user.id, contactId: null, portal: "partner" };
  }
  if (!ticket.contactId) return null;
  const [withdrawn] = await db
    .select({ granted: consents.granted })
    .from(consents)
    .where(and(eq(consents.contactId, ticket.contactId), eq(consents.purpose, "service_messages"), eq(consents.granted, false)));
  if (withdrawn) return null;
  return contactRecipient(db, ticket.contactId);
}

/**
 * Where a contact is written to: their portal account if they have one (its address and language),
 * else the contact's own address in the contact's preferred language. Consent is the caller's check.
 */
export async function contactRecipient(db: Database, contactId: string): Promise<Recipient | null> {
  const [contact] = await db
    .select({ id: contacts.id, email: contacts.email, name: contacts.fullName, locale: contacts.preferredLocale })
    .from(contacts)
    .where(eq(contacts.id, contactId));
  if (!contact) return null;
  const [account] = await db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(and(eq(users.contactId, contact.id), eq(users.kind, "customer"), eq(users.active, true)))
    .limit(1);
  if (account) {
    return { email: account.email, name: account.name, language: lang(account.locale, contact.locale), userId: account.id, contactId: contact.id, portal: "portal" };
  }
  if (!contact.email) return null;
  return { email: contact.email, name: contact.name, language: lang(contact.locale), userId: null, contactId: contact.id, portal: null };
}

/** Tells the requester about a public reply or a resolution; silently nothing when nobody may be told. */
export async function notifyRequester(
  db: Database,
  runtime: NotifyRuntime,
  ticket: TicketRef,
  template: "tickets.reply" | "tickets.resolved",
  options: { quote?: string; staffName?: string } = {},
) {
  const to = await ticketRequester(db, ticket);
  if (!to) return false;
  const url = to.portal ? `${runtime.config.appOrigin}/${to.portal}/tickets/${ticket.id}` : null;
  const email = await renderNoticeEmail(template, to.language, {
    name: to.name,
    values: { number: ticket.number, subject: ticket.subject, staff: options.staffName ?? "" },
    quote: options.quote ?? null,
    url,
    withNote: !url,
  });
  const messageId = await queueEmail(db, runtime.jobs, {
    to: to.email,
    template,
    language: to.language,
    email,
    userId: to.userId ?? undefined,
    contactId: to.contactId ?? undefined,
  });
  // every message to a contact is a touchpoint on their timeline, with its delivery state (ADR 005);
  // the reply's text is already in the ticket's thread, so the entry carries only the subject
  if (to.contactId) {
    await recordInteraction(db, {
      contactId: to.contactId,
      channel: "email",
      direction: "outbound",
      subject: email.subject,
      staffUserId: null,
      sourceType: "message",
      sourceId: messageId,
    });
  }
  return true;
}

/** Tells a staff member about a ticket handed to them (assignment or escalation). */
export async function notifyStaff(
  db: Database,
  runtime: NotifyRuntime,
  userId: string,
  ticket: Pick<TicketRef, "id" | "number" | "subject">,
  template: "tickets.assigned" | "tickets.escalated",
  /** Extra values for the text, made in the recipient's language (dates, names). */
  values: (language: Language) => Record<string, string> = () => ({}),
) {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.kind, "staff"), eq(users.active, true)));
  if (!user) return false;
  const language = lang(user.locale);
  const email = await renderNoticeEmail(template, language, {
    name: user.name,
    values: { number: ticket.number, subject: ticket.subject, ...values(language) },
    url: `${runtime.config.appOrigin}/staff/tickets/${ticket.id}`,
  });
  await queueEmail(db, runtime.jobs, { to: user.email, template, language, email, userId: user.id });
  return true;
}
