// What the core tells plugins about a WhatsApp message a contact sent us (client-safe: types and names only).

/** The event emitted once per inbound WhatsApp message matched to a contact. */
export const whatsappReceivedEvent = "core.whatsapp.received";

/** Payload of `core.whatsapp.received`, version 1. */
export interface WhatsAppReceivedV1 {
  version: 1;
  contactId: string;
  /** The timeline entry (interaction) recording the message. */
  interactionId: string;
  /** WhatsApp's id of the inbound message. */
  wamid: string;
  /** Cloud API message type: text, button, interactive, image… */
  type: string;
  /** The text typed, or the tapped button's text/title; null for media without a caption. */
  text: string | null;
  /** A quick-reply button's payload, or an interactive reply's id. */
  buttonPayload: string | null;
  /** The wamid of our message the contact replied to (WhatsApp's `context.id`), if any. */
  contextWamid: string | null;
  /** Our outbox message (messages.id) behind contextWamid, when we sent it. */
  contextMessageId: string | null;
  /** ISO instant the contact sent it. */
  sentAt: string;
}
