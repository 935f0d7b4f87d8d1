// Server-only helpers for plugin route modules and server parts.
export { forbidden, notFound, requireCustomer, requirePartner, requireStaff, hasPermission } from "../core/auth/guards.server.ts";
export { audit } from "../core/audit/audit.server.ts";
export { fixedT } from "../core/i18n/i18n.server.ts";
export type { AppRuntime } from "../core/runtime/runtime.server.ts";
/** Sends a template message to a contact, if their consent and channel allow it (pass your transaction as db). */
export { sendToContact } from "../core/messaging/send-to-contact.server.ts";
export type { SendToContactInput, SendToContactResult, SkipReason } from "../core/messaging/send-to-contact.server.ts";
export type { JobSender } from "../core/messaging/email.server.ts";
/** Asks a contact for a satisfaction rating about one visit, purchase or other source, once per source (consent-checked; e-mailed by a job). */
export { requestSurvey, type SurveyRequest, type SurveyRequestResult } from "../core/surveys/surveys.server.ts";
/** Finds the contact behind a member card, POS customer id or phone, or creates one (pass your transaction as db). */
export { findOrCreateContact, findContactByIdentifier, type ContactMatchInput } from "../core/contacts/contact-matching.server.ts";
/** Finds a patient by NIK / BPJS number or creates one with them (identifier conflicts are reported, not merged). */
export { findOrCreatePatientByIdentifiers, contactIdentifier, type PatientMatchInput, type PatientMatchResult } from "../core/contacts/patient-identifiers.server.ts";
/** A plugin's saved settings (an empty object until an admin saves them); merge with your defaults. */
export { pluginSettings } from "../core/plugins/plugin-settings.server.ts";
/** Puts one touchpoint on a contact's timeline, linked to a plugin record by sourceType/sourceId (pass your transaction as db). */
export { recordInteraction, type InteractionInput } from "../core/interactions/interactions.server.ts";
/** Asks another enabled plugin for an answer by command name (its `commands` in defineServer); `{ ok: false, reason: "unavailable" }` when none offers it. */
export { callCommand, type CommandResult } from "../core/plugins/plugin-commands.server.ts";
