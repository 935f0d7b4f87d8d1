// Server-only helpers for plugin route modules and server parts.
export { forbidden, notFound, requireCustomer, requirePartner, requireStaff, hasPermission } from "../core/auth/guards.server.ts";
export { audit } from "../core/audit/audit.server.ts";
export { fixedT } from "../core/i18n/i18n.server.ts";
/** The language cookie: a page reached from a message may set it to the recipient's language. */
export { languageCookie } from "../core/i18n/i18n.server.ts";
export type { AppRuntime } from "../core/runtime/runtime.server.ts";
/** Jobs, events and the public origin of the running app, for plugin code called from a route. */
export { pluginServices } from "../core/plugins/plugin-services.server.ts";
/** Sends a template message to a contact, if their consent and channel allow it (pass your transaction as db). */
export { sendToContact } from "../core/messaging/send-to-contact.server.ts";
export type { SendToContactInput, SendToContactResult, SkipReason } from "../core/messaging/send-to-contact.server.ts";
export type { JobSender } from "../core/messaging/email.server.ts";
/** E-mails a notice to a partner organisation's users or to staff holding a permission, each in their language (pass your transaction as db). */
export { notifyUsers, type UserNoticeAudience, type UserNoticeInput } from "../core/messaging/user-notices.server.ts";
/** Asks a contact for a satisfaction rating about one visit, purchase or other source, once per source (consent-checked; e-mailed by a job). */
export { requestSurvey, type SurveyRequest, type SurveyRequestResult } from "../core/surveys/surveys.server.ts";
/** Finds the contact behind a member card, POS customer id or phone, or creates one (pass your transaction as db). */
export { findOrCreateContact, findContactByIdentifier, type ContactMatchInput } from "../core/contacts/contact-matching.server.ts";
/** Finds contacts by name (typo-tolerant), phone, e-mail or identifier (NIK, BPJS, record no.), most relevant first. */
export { searchContacts, type ContactListRow } from "../core/contacts/contact-search.server.ts";
/** Finds a patient by NIK / BPJS number or creates one with them (identifier conflicts are reported, not merged). */
export { findOrCreatePatientByIdentifiers, contactIdentifier, type PatientMatchInput, type PatientMatchResult } from "../core/contacts/patient-identifiers.server.ts";
/** A plugin's saved settings (an empty object until an admin saves them); merge with your defaults. */
export { pluginSettings } from "../core/plugins/plugin-settings.server.ts";
/** Puts one touchpoint on a contact's timeline, linked to a plugin record by sourceType/sourceId (pass your transaction as db). */
export { recordInteraction, type InteractionInput } from "../core/interactions/interactions.server.ts";
/** Asks another enabled plugin for an answer by command name (its `commands` in defineServer); `{ ok: false, reason: "unavailable" }` when none offers it. */
export { callCommand, type CommandResult } from "../core/plugins/plugin-commands.server.ts";
/** `expr <op> value` for a segment condition (kind "timestamp" compares WIB calendar days); build SegmentField conditions with it. */
export { segmentComparison } from "../core/segments/segment-fields.server.ts";
/** Checks a request's API token (`Authorization: Bearer …`) for a SMART scope such as `system/Appointment.read`; throws a 401/403 Response. */
export { requireApiToken, type AuthenticatedToken } from "../core/api-tokens/api-tokens.server.ts";
/** Helpers for FHIR resource providers (`fhirResources` in defineServer): parameter parsing, UTC instants, and the 400 error. */
export {
  anyOf,
  dateBounds,
  dateCondition,
  dateMatches,
  FhirSearchError,
  fhirInstant,
  isFhirId,
  orValues,
  parseDateParam,
  parseToken,
  referenceId,
  type DateParam,
} from "../core/fhir/fhir-search.server.ts";
