// The core's own events (ADR 012): defined here, emitted by the contact and messaging modules,
// handled by plugins. Client-safe.
import { z } from "zod";
import { defineEvent } from "./event-definitions.ts";

const uuid = z.string().uuid();

/** `core.contact.created`: a contact was created by staff (fields empty). */
export const contactCreatedEvent = defineEvent("core.contact.created", 1, z.object({ contactId: uuid, fields: z.array(z.string()) }));
/** `core.contact.updated`: staff changed a contact's profile; `fields` names what changed. */
export const contactUpdatedEvent = defineEvent("core.contact.updated", 1, z.object({ contactId: uuid, fields: z.array(z.string()) }));
/** `core.contact.blacklisted`: a contact was put on or taken off the blacklist. */
export const contactBlacklistedEvent = defineEvent("core.contact.blacklisted", 1, z.object({ contactId: uuid, blacklisted: z.boolean() }));
/** `core.contact.merged`: a duplicate was merged into the kept contact; plugins move their rows from merged to kept. */
export const contactMergedEvent = defineEvent("core.contact.merged", 1, z.object({ keptContactId: uuid, mergedContactId: uuid }));

/** `core.whatsapp.received`: a contact's inbound WhatsApp message (text or button reply), already on their timeline. */
export const whatsappReceivedEvent = defineEvent(
  "core.whatsapp.received",
  1,
  z.object({
    version: z.literal(1),
    contactId: uuid,
    /** The timeline entry (interaction) recording the message. */
    interactionId: uuid,
    /** WhatsApp's id of the inbound message. */
    wamid: z.string(),
    /** Cloud API message type: text, button, interactive, image… */
    type: z.string(),
    /** The text typed, the tapped button's text/title, or a media message's caption; null for media without a caption. */
    text: z.string().nullable(),
    /** A quick-reply button's payload, or an interactive reply's id. */
    buttonPayload: z.string().nullable(),
    /** The wamid of our message the contact replied to (WhatsApp's `context.id`), if any. */
    contextWamid: z.string().nullable(),
    /** Our outbox message (messages.id) behind contextWamid, when we sent it. */
    contextMessageId: z.string().nullable(),
    /** ISO instant the contact sent it. */
    sentAt: z.string(),
    /** An image, video, audio, document or sticker: its Cloud API media id (staff fetch the file at /staff/whatsapp/media/{interactionId}), type in `type`; null otherwise. */
    media: z.object({ id: z.string(), mimeType: z.string().nullable(), caption: z.string().nullable(), filename: z.string().nullable() }).nullable().optional(),
  }),
);

/** Every event the core emits; the registry checks plugins' `handles` against these and the plugins' own. */
export const coreEvents = [contactCreatedEvent, contactUpdatedEvent, contactBlacklistedEvent, contactMergedEvent, whatsappReceivedEvent] as const;

declare global {
  interface NusaEventMap {
    "core.contact.created": typeof contactCreatedEvent;
    "core.contact.updated": typeof contactUpdatedEvent;
    "core.contact.blacklisted": typeof contactBlacklistedEvent;
    "core.contact.merged": typeof contactMergedEvent;
    "core.whatsapp.received": typeof whatsappReceivedEvent;
  }
}

export type ContactMergedV1 = z.output<typeof contactMergedEvent.schema>;
export type ContactChangedV1 = z.output<typeof contactUpdatedEvent.schema>;
export type WhatsAppReceivedV1 = z.output<typeof whatsappReceivedEvent.schema>;
