// What the core tells plugins about a WhatsApp message a contact sent us: the event is defined with
// the core's other events (client-safe).
export { whatsappReceivedEvent, type WhatsAppReceivedV1 } from "../events/core-events.ts";
