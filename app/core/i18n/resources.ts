import enAnalytics from "../../../locales/en/analytics.json";
import enAuth from "../../../locales/en/auth.json";
import enCommon from "../../../locales/en/common.json";
import enEmails from "../../../locales/en/emails.json";
import enFhir from "../../../locales/en/fhir.json";
import enOperations from "../../../locales/en/operations.json";
import enPartner from "../../../locales/en/partner.json";
import enPortal from "../../../locales/en/portal.json";
import enReports from "../../../locales/en/reports.json";
import enSecurity from "../../../locales/en/security.json";
import enPrivacy from "../../../locales/en/privacy.json";
import enStaff from "../../../locales/en/staff.json";
import idAnalytics from "../../../locales/id/analytics.json";
import idAuth from "../../../locales/id/auth.json";
import idCommon from "../../../locales/id/common.json";
import idEmails from "../../../locales/id/emails.json";
import idFhir from "../../../locales/id/fhir.json";
import idOperations from "../../../locales/id/operations.json";
import idPartner from "../../../locales/id/partner.json";
import idPortal from "../../../locales/id/portal.json";
import idReports from "../../../locales/id/reports.json";
import idSecurity from "../../../locales/id/security.json";
import idPrivacy from "../../../locales/id/privacy.json";
import idStaff from "../../../locales/id/staff.json";
import type { Language } from "./languages.ts";

export type Resources = Record<Language, Record<string, Record<string, unknown>>>;

/** Core namespaces; plugin namespaces are added from the registry. */
export const coreResources: Resources = {
  id: { common: idCommon, auth: idAuth, staff: idStaff, portal: idPortal, partner: idPartner, emails: idEmails, fhir: idFhir, reports: idReports, operations: idOperations, security: idSecurity, privacy: idPrivacy, analytics: idAnalytics },
  en: { common: enCommon, auth: enAuth, staff: enStaff, portal: enPortal, partner: enPartner, emails: enEmails, fhir: enFhir, reports: enReports, operations: enOperations, security: enSecurity, privacy: enPrivacy, analytics: enAnalytics },
};
