// Server-only helpers for plugin route modules and server parts.
export { forbidden, notFound, requireCustomer, requirePartner, requireStaff, hasPermission, safeRedirect } from "../core/auth/guards.server.ts";
/** A signed-in partner whose organisation is of one of the given types (the types its nav entry names in `partnerTypes`); else 404. */
export { requirePartnerOfType } from "../core/portal-home/portal-audience.server.ts";
/** Step-up: the user proved who they are within 5 minutes, else a redirect to confirm it and come back (exports, erasure, role changes). */
export { requireRecentAuth, stepUpWindowMs } from "../core/auth/guards.server.ts";
export { audit } from "../core/audit/audit.server.ts";
export { fixedT } from "../core/i18n/i18n.server.ts";
/** A page title in the reader's language, for a loader's `title`: `pageTitle(context.language, "my-plugin:list.title")`. */
export { pageTitle } from "../core/i18n/i18n.server.ts";
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
/** "This contact is a patient here" as SQL on a contact id (hospital identifier or an enabled plugin's patientRelationship): for health-data views. */
export { hospitalRelationship } from "../core/contacts/hospital-relationship.server.ts";
/** The contacts a staff member may see, as SQL on a contact id: without core.patient.read, patients are left out; undefined when every contact. */
export { contactsVisibleTo } from "../core/contacts/hospital-relationship.server.ts";
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
/** SATUSEHAT's identifier system of a resource type for the organisation, e.g. http://sys-ids.kemkes.go.id/encounter/<organisation id>. */
export { satusehatIdentifierSystem } from "../core/fhir/satusehat-settings.ts";
/** Helpers for FHIR resource providers (`fhirResources` in defineServer): parameter parsing, UTC instants, and the 400 error. */
export {
  anyOf,
  codeValues,
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
/** The zone (WIB/WITA/WIT) of a branch, or of a staff member's own branch: the zone their "today" is read in. */
export { branchTimeZone, staffTimeZone } from "../core/time/zones.server.ts";
/** SQL for KPIs (defineKpi): a record's day in its branch's zone within the range, the branch filter, local hour and weekday. */
export { branchZoneSql, inBranchesSql, inRangeSql, localDaySql, localHourSql, localWeekdaySql } from "../core/reports/kpi-sql.server.ts";
/** The usual KPI query: numerator (and denominator, or a direct value) as a total or per dimension key and label. */
export { aggregate, branchDimension, dailyBy, distinctAggregate, type AggregateSpec, type DimensionSql, type DistinctSpec } from "../core/reports/kpi-aggregate.server.ts";
/** Declares how one of a plugin's tables holding personal data is exported and erased (its `personalData` in defineServer). */
export { tableHandler, type PersonalDataHandler, type PersonalDataSubject, type TableSpec, type TableLink, type ErasureMode, type ErasureOutcome } from "../core/privacy/personal-data.server.ts";
export { cursorPart, decodeCursor, encodeCursor } from "../core/validation/cursor.server.ts";
/** The branches whose numbers a staff member may see in reports (all for head office, else their own): scope report queries with them. */
export { visibleBranches, type BranchOption } from "../core/reports/kpis.server.ts";
/** Answers a report page's download: its tables as CSV (BOM, formula-safe) or XLSX (typed cells, one sheet per table), audited; and a translated 400. */
export {
  answerReportDownload,
  downloadFormat,
  downloadRefused,
  tablesCsv,
  tablesXlsx,
  type DownloadFormat,
  type DownloadProblem,
  type DownloadTable,
  type ReportDownload,
} from "../core/reports/report-download.server.ts";
