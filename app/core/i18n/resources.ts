import enAuth from "../../../locales/en/auth.json";
import enCommon from "../../../locales/en/common.json";
import enEmails from "../../../locales/en/emails.json";
import enPartner from "../../../locales/en/partner.json";
import enPortal from "../../../locales/en/portal.json";
import enStaff from "../../../locales/en/staff.json";
import idAuth from "../../../locales/id/auth.json";
import idCommon from "../../../locales/id/common.json";
import idEmails from "../../../locales/id/emails.json";
import idPartner from "../../../locales/id/partner.json";
import idPortal from "../../../locales/id/portal.json";
import idStaff from "../../../locales/id/staff.json";
import type { Language } from "./languages.ts";

export type Resources = Record<Language, Record<string, Record<string, unknown>>>;

/** Core namespaces; plugin namespaces are added from the registry. */
export const coreResources: Resources = {
  id: { common: idCommon, auth: idAuth, staff: idStaff, portal: idPortal, partner: idPartner, emails: idEmails },
  en: { common: enCommon, auth: enAuth, staff: enStaff, portal: enPortal, partner: enPartner, emails: enEmails },
};
