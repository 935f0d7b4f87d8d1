// One way to message a contact: their consent for the purpose and their preferred channel decide
// whether anything is sent and how. The message, its timeline entry and its delivery job are
// written in one transaction (the outbox), so a rolled-back change never sends anything.
import { render } from "@react-email/components";
import { and, eq, inArray } from "drizzle-orm";
import { createElement } from "react";
import type { Database } from "../../../db/client.ts";
import { consents, contacts, messages } from "../../../db/schema/index.ts";
import { ContactMessageEmail } from "../../../emails/contact-message-email.tsx";
import { audit } from "../audit/audit.server.ts";
import type { ConsentPurpose } from "../consents/consents.server.ts";
import { fixedT, i18nInstance } from "../i18n/i18n.server.ts";
import type { Language } from "../i18n/languages.ts";
import { recordInteraction } from "../interactions/interactions.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { queueEmail, type JobSender } from "./email.server.ts";
import { unsubscribeHeaders } from "./unsubscribe.server.ts";
import { isWhatsAppConfigured, missingTemplateParams, readWhatsAppSettings, templateMappingFor, whatsappRecipient, whatsappSendQueue } from "./whatsapp.server.ts";
import { isUuid } from "../validation/ids.ts";

export type SkipReason =
  | "contact_not_found"
  | "blacklisted"
  | "opted_out"
  | "no_consent"
  | "consent_withdrawn"
  | "no_channel"
  /** WhatsApp was the channel but a parameter of the mapped template is empty (Meta refuses `""`); audited with the names. */
  | "template_params_missing";

export type SendToContactResult =
  | { status: "queued"; channel: "whatsapp" | "email"; messageId: string; contactId: string }
  | { status: "skipped"; reason: SkipReason; contactId: string | null };

export interface SendToContactInput {
  contactId: string;
  /** Our template: "core.<name>" (texts in emails:contactMessages.<name>) or "<plugin-id>.<name>" (texts in <plugin-id>:messages.<name>). */
  template: string;
  /** Values for the template's placeholders; `name` defaults to the contact's name. */
  params?: Record<string, string | number>;
  /** service_messages for reminders and updates, marketing for campaigns, surveys for surveys. */
  purpose: ConsentPurpose;
  /** Who asked (audited with a skip); a plugin job passes nothing (system). */
  actor?: Actor | null;
  /** The staff member shown on the timeline entry, when a person sent it. */
  staffUserId?: string | null;
}

/** Where a template's texts live: its i18n namespace and key prefix. */
export function templateTextKey(template: string): { ns: string; key: string } {
  const dot = template.indexOf(".");
  if (dot <= 0 || dot === template.length - 1) throw new Error(`Message template "${template}" must look like "<namespace>.<name>"`);
  const owner = template.slice(0, dot);
  const name = template.slice(dot + 1);
  return owner === "core" ? { ns: "emails", key: `contactMessages.${name}` } : { ns: owner, key: `messages.${name}` };
}

/** The template's subject and body in one language, placeholders filled. */
export function renderTemplateText(template: string, language: Language, params: Record<string, string | number>) {
  const { ns, key } = templateTextKey(template);
  if (!i18nInstance(language).exists(`${key}.subject`, { ns })) throw new Error(`Message template "${template}" has no texts (${ns}:${key})`);
  const t = fixedT(language, ns);
  return { subject: t(`${key}.subject`, params), body: t(`${key}.body`, params) };
}

async function renderEmail(template: string, language: Language, params: Record<string, string | number>, purpose: ConsentPurpose) {
  const { subject, body } = renderTemplateText(template, language, params);
  const t = fixedT(language, "emails");
  const element = createElement(ContactMessageEmail, {
    lang: language,
    preview: subject,
    greeting: t("contactMessages.greeting", { name: params.name }),
    body,
    reason: t(`contactMessages.reason.${purpose}`),
    footer: t("footer"),
  });
  return { subject, body, html: await render(element), text: await render(element, { plainText: true }) };
}

/** Follows merges to the surviving record, so a plugin holding an old id still reaches the person. */
async function survivingContact(db: Database, contactId: string) {
  let id = contactId;
  for (let hop = 0; hop < 5; hop++) {
    const [row] = await db
      .select({
        id: contacts.id,
        fullName: contacts.fullName,
        email: contacts.email,
        phone: contacts.phone,
        preferredLocale: contacts.preferredLocale,
        preferredChannel: contacts.preferredChannel,
        blacklisted: contacts.blacklisted,
        mergedIntoId: contacts.mergedIntoId,
      })
      .from(contacts)
      .where(eq(contacts.id, id));
    if (!row) return null;
    if (!row.mergedIntoId) return row;
    id = row.mergedIntoId;
  }
  return null;
}

/**
 * Sends a template message to a contact if, and only if, they may receive it: consent for the
 * purpose, not blacklisted, not opted out of every channel. WhatsApp when it is their preferred
 * channel, they have a phone and the template is mapped; otherwise e-mail when they have an
 * address. Nothing sent is audited with its reason. Pass the caller's transaction as `db`.
 */
export async function sendToContact(db: Database, jobs: JobSender, input: SendToContactInput): Promise<SendToContactResult> {
  if (!isUuid(input.contactId)) return { status: "skipped", reason: "contact_not_found", contactId: null };
  templateTextKey(input.template); // a malformed template name is a programming error: fail loudly
  return db.transaction(async (tx) => {
    const contact = await survivingContact(tx, input.contactId);
    if (!contact) return { status: "skipped" as const, reason: "contact_not_found" as const, contactId: null };
    const skip = async (reason: SkipReason, extra: Record<string, unknown> = {}) => {
      await audit(tx, input.actor ?? { kind: "system" }, {
        action: "message.skipped",
        entityType: "contact",
        entityId: contact.id,
        data: { template: input.template, purpose: input.purpose, reason, ...extra },
      });
      return { status: "skipped" as const, reason, contactId: contact.id };
    };
    if (contact.blacklisted) return skip("blacklisted");
    if (contact.preferredChannel === "none") return skip("opted_out");
    const [consent] = await tx
      .select({ granted: consents.granted })
      .from(consents)
      .where(and(eq(consents.contactId, contact.id), eq(consents.purpose, input.purpose)));
    if (!consent) return skip("no_consent");
    if (!consent.granted) return skip("consent_withdrawn");

    const language = contact.preferredLocale;
    const params = { name: contact.fullName, ...input.params };
    const settings = await readWhatsAppSettings(tx);
    const mapping = templateMappingFor(settings, input.template);
    const useWhatsApp = contact.preferredChannel === "whatsapp" && Boolean(contact.phone) && isWhatsAppConfigured(settings) && mapping !== null;

    let messageId: string;
    let channel: "whatsapp" | "email";
    let text: { subject: string; body: string };
    const missingParams = useWhatsApp ? missingTemplateParams(mapping!, params) : [];
    if (missingParams.length) return skip("template_params_missing", { missingParams });
    if (useWhatsApp) {
      channel = "whatsapp";
      text = renderTemplateText(input.template, language, params);
      const [row] = await tx
        .insert(messages)
        .values({
          channel,
          recipient: whatsappRecipient(contact.phone!),
          template: input.template,
          locale: language,
          subject: text.subject,
          bodyText: text.body,
          params,
          contactId: contact.id,
          purpose: input.purpose,
        })
        .returning({ id: messages.id });
      messageId = row.id;
      await jobs.send(whatsappSendQueue, { messageId }, { db: tx });
    } else if (contact.email) {
      channel = "email";
      const email = await renderEmail(input.template, language, params, input.purpose);
      text = email;
      // marketing mail carries a one-click unsubscribe (RFC 8058) that withdraws this consent
      const headers = input.purpose === "marketing" ? await unsubscribeHeaders(tx, contact.id) : undefined;
      messageId = await queueEmail(tx, jobs, { to: contact.email, template: input.template, language, email, contactId: contact.id, headers, purpose: input.purpose });
      await tx.update(messages).set({ params }).where(eq(messages.id, messageId));
    } else {
      return skip("no_channel");
    }
    await recordInteraction(tx, {
      contactId: contact.id,
      channel,
      direction: "outbound",
      subject: text.subject,
      body: text.body,
      staffUserId: input.staffUserId ?? null,
      sourceType: "message",
      sourceId: messageId,
    });
    return { status: "queued" as const, channel, messageId, contactId: contact.id };
  });
}

/** Delivery state of messages by id, for timeline entries whose source is a message. */
export async function messageDeliveryStatuses(db: Database, messageIds: string[]) {
  if (!messageIds.length) return new Map<string, { channel: string; status: string; lastError: string | null; sentAt: Date | null }>();
  const rows = await db
    .select({ id: messages.id, channel: messages.channel, status: messages.status, lastError: messages.lastError, sentAt: messages.sentAt })
    .from(messages)
    .where(inArray(messages.id, messageIds));
  return new Map(rows.map(({ id, ...rest }) => [id, rest]));
}
