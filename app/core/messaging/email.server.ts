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
import { consentStillGiven } from "./send-time-consent.server.ts";

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
  "privacy.decision.approved": "privacyDesk.decision.approved",
  "privacy.decision.partially_approved": "privacyDesk.decision.partially_approved",
  "privacy.decision.rejected": "privacyDesk.decision.rejected",
  "privacy.escalated": "privacyDesk.escalated",
  "privacy.breach": "privacyDesk.breach",
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
  send(name: string, data: Record<string, unknown>, options?: { db?: Database; startAfter?: Date | number }): Promise<unknown>;
}

/**
 * Puts a rendered e-mail in the outbox and queues its delivery in the same transaction, so a
 * rolled-back change never sends mail and a committed one always does.
 */
export async function queueEmail(
  db: Database,
  jobs: JobSender,
  input: {
    to: string;
    template: string;
    language: Language;
    email: RenderedEmail;
    userId?: string;
    contactId?: string;
    headers?: Record<string, string>;
    purpose?: string;
    /** Clear the address and body once sent (see messages.forgetAfterSend). */
    forgetAfterSend?: boolean;
  },
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
      headers: input.headers ?? null,
      purpose: input.purpose ?? null,
      forgetAfterSend: input.forgetAfterSend ?? false,
    })
    .returning({ id: messages.id });
  await jobs.send(sendMessageQueue, { messageId: row.id }, { db });
  return row.id;
}

export interface EmailTransport {
  /** "smtp", or "devmail" when no SMTP server is configured (kept for the dev mailbox). */
  name: "smtp" | "devmail";
  /** `headers`: extra header lines, e.g. List-Unsubscribe (RFC 8058); `attachments`: files, or images shown inline by `cid`. */
  send(mail: { from: string; to: string; subject: string; html: string; text: string; headers?: Record<string, string>; attachments?: EmailAttachment[] }): Promise<{ messageId: string | null }>;
}

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Content id: the HTML shows it as `<img src="cid:…">` (inline), else it is a plain attachment. */
  cid?: string;
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

export async function deliverEmail(db: Database, transport: EmailTransport, from: string, messageId: string, logger: Logger, appOrigin = "") {
  const [message] = await db.select().from(messages).where(eq(messages.id, messageId));
  if (!message || message.channel !== "email" || message.status !== "queued") return;
  if (!(await consentStillGiven(db, message))) return;
  try {
    const result = await transport.send({
      from,
      to: message.recipient,
      subject: message.subject ?? "",
      html: message.bodyHtml ?? "",
      text: message.bodyText ?? "",
      headers: message.headers ? Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v.replaceAll("{origin}", appOrigin)])) : undefined,
    });
    await db
      .update(messages)
      .set({ status: "sent", sentAt: new Date(), provider: transport.name, providerMessageId: result.messageId, attempts: sql`${messages.attempts} + 1`, lastError: null, ...forgotten(message) })
      .where(eq(messages.id, messageId));
  } catch (error) {
    logger.warn({ err: error, messageId }, "email delivery failed; will retry");
    const failed = message.attempts + 1 >= emailMaxAttempts;
    await db
      .update(messages)
      .set({
        attempts: sql`${messages.attempts} + 1`,
        status: failed ? "failed" : "queued",
        lastError: String((error as Error).message ?? error).slice(0, 500),
        ...(failed ? forgotten(message) : {}),
      })
      .where(eq(messages.id, messageId));
    throw error;
  }
}

/** A message marked forgetAfterSend keeps only its template, subject and outcome. */
function forgotten(message: { forgetAfterSend: boolean }) {
  return message.forgetAfterSend ? { recipient: "—", bodyHtml: null, bodyText: null, params: {} } : {};
}

function stripNul(text: string) {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "") : text;
}
