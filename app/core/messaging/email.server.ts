import { render } from "@react-email/components";
import { eq, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { createElement } from "react";
import type { Database } from "../../../db/client.ts";
import { messages } from "../../../db/schema/index.ts";
import { ActionLinkEmail } from "../../../emails/action-link-email.tsx";
import { NoticeEmail, type NoticeEmailProps } from "../../../emails/notice-email.tsx";
import { fixedT } from "../i18n/i18n.server.ts";
import type { Language } from "../i18n/languages.ts";
import type { Logger } from "../logging/logger.server.ts";

/** Core e-mails: template name -> key prefix in the `emails` namespace. */
export const actionEmails = {
  "auth.verify-email": "verifyEmail",
  "auth.reset-password": "resetPassword",
  "auth.partner-invitation": "partnerInvitation",
  "auth.staff-invitation": "staffInvitation",
  "auth.account-exists": "accountExists",
} as const;
export type ActionEmailTemplate = keyof typeof actionEmails;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export async function renderActionEmail(
  template: ActionEmailTemplate,
  language: Language,
  props: { name: string; url: string; values?: Record<string, string> },
): Promise<RenderedEmail> {
  const t = fixedT(language, "emails");
  const keyPrefix = actionEmails[template];
  const element = createElement(ActionLinkEmail, { t, lang: language, keyPrefix, ...props });
  return {
    subject: t(`${keyPrefix}.subject`, { name: props.name, ...props.values }),
    html: await render(element),
    text: await render(element, { plainText: true }),
  };
}

/**
 * Ticket, task and survey notices: template name -> key prefix in the `emails` namespace
 * (subject, preview, greeting, intro, action, note).
 */
export const noticeEmails = {
  "tickets.reply": "tickets.reply",
  "tickets.resolved": "tickets.resolved",
  "tickets.assigned": "tickets.assigned",
  "tickets.escalated": "tickets.escalated",
  "tasks.assigned": "tasks.assigned",
  "tasks.reminder": "tasks.reminder",
  "surveys.request": "surveys.request",
} as const;
export type NoticeEmailTemplate = keyof typeof noticeEmails;

export async function renderNoticeEmail(
  template: NoticeEmailTemplate,
  language: Language,
  props: Omit<NoticeEmailProps, "t" | "lang" | "keyPrefix">,
): Promise<RenderedEmail> {
  const t = fixedT(language, "emails");
  const keyPrefix = noticeEmails[template];
  const element = createElement(NoticeEmail, { t, lang: language, keyPrefix, ...props });
  return {
    subject: t(`${keyPrefix}.subject`, { name: props.name, ...props.values }),
    html: await render(element),
    text: await render(element, { plainText: true }),
  };
}

export const sendMessageQueue = "core.messaging.send";

export interface JobSender {
  send(name: string, data: Record<string, unknown>, options?: { db?: Database }): Promise<unknown>;
}

/**
 * Puts a rendered e-mail in the outbox and queues its delivery in the same transaction, so a
 * rolled-back change never sends mail and a committed one always does.
 */
export async function queueEmail(
  db: Database,
  jobs: JobSender,
  input: { to: string; template: string; language: Language; email: RenderedEmail; userId?: string; contactId?: string },
) {
  const [row] = await db
    .insert(messages)
    .values({
      channel: "email",
      recipient: input.to,
      template: input.template,
      locale: input.language,
      subject: input.email.subject,
      // react-email's renderer can leave a NUL inside the preview padding (seen with some subject
      // lengths); PostgreSQL refuses NUL in text, which failed the whole caller's transaction
      bodyHtml: stripNul(input.email.html),
      bodyText: stripNul(input.email.text),
      userId: input.userId ?? null,
      contactId: input.contactId ?? null,
    })
    .returning({ id: messages.id });
  await jobs.send(sendMessageQueue, { messageId: row.id }, { db });
  return row.id;
}

export interface EmailTransport {
  /** "smtp", or "devmail" when no SMTP server is configured (kept for the dev mailbox). */
  name: "smtp" | "devmail";
  send(mail: { from: string; to: string; subject: string; html: string; text: string }): Promise<{ messageId: string | null }>;
}

export function createEmailTransport(smtpUrl: string | undefined): EmailTransport {
  if (!smtpUrl) return { name: "devmail", send: async () => ({ messageId: null }) };
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    name: "smtp",
    async send(mail) {
      const info = await transporter.sendMail(mail);
      return { messageId: info.messageId ?? null };
    },
  };
}

/** Delivers one outbox e-mail; throws so the queue retries with backoff. */
export const emailMaxAttempts = 6;

export async function deliverEmail(db: Database, transport: EmailTransport, from: string, messageId: string, logger: Logger) {
  const [message] = await db.select().from(messages).where(eq(messages.id, messageId));
  if (!message || message.channel !== "email" || message.status !== "queued") return;
  try {
    const result = await transport.send({
      from,
      to: message.recipient,
      subject: message.subject ?? "",
      html: message.bodyHtml ?? "",
      text: message.bodyText ?? "",
    });
    await db
      .update(messages)
      .set({ status: "sent", sentAt: new Date(), provider: transport.name, providerMessageId: result.messageId, attempts: sql`${messages.attempts} + 1`, lastError: null })
      .where(eq(messages.id, messageId));
  } catch (error) {
    logger.warn({ err: error, messageId }, "email delivery failed; will retry");
    await db
      .update(messages)
      .set({
        attempts: sql`${messages.attempts} + 1`,
        status: message.attempts + 1 >= emailMaxAttempts ? "failed" : "queued",
        lastError: String((error as Error).message ?? error).slice(0, 500),
      })
      .where(eq(messages.id, messageId));
    throw error;
  }
}

function stripNul(text: string) {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "") : text;
}
