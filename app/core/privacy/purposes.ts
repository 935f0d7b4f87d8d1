// Processing purposes as code (UU PDP Art 20 and 31): the core and each plugin declare why they
// process personal data, on which legal basis, which data, how long, and with which processors.
// The record of processing activities, the consent choices people see and retention all read
// these declarations. Pure data: safe for the browser and for plugin manifests.

/** Legal bases of UU PDP Art 20(2) a–f. */
export const legalBases = ["consent", "contract", "legal_obligation", "vital_interest", "public_task", "legitimate_interest"] as const;
export type LegalBasis = (typeof legalBases)[number];

/** Kinds of personal data; "specific" ones are UU PDP Art 4(2) (health, biometric, children's data…). */
export const generalDataCategories = ["identity", "contact_details", "demographics", "transactions", "communications", "preferences", "account", "usage"] as const;
export const specificDataCategories = ["health", "children", "financial"] as const;
export type GeneralDataCategory = (typeof generalDataCategories)[number];
export type SpecificDataCategory = (typeof specificDataCategories)[number];

export interface Processor {
  /** e.g. "Meta Platforms (WhatsApp Business Cloud API)". */
  name: string;
  /** What they do for us, id and en. */
  role: { id: string; en: string };
  /** Where the data goes (ISO 3166 code), for transfers abroad (UU PDP Art 56). */
  country: string;
}

export interface ProcessingPurpose {
  /** Unique; the core's ids are bare (`marketing`), a plugin's start with `<plugin-id>.`. */
  id: string;
  name: { id: string; en: string };
  description: { id: string; en: string };
  legalBasis: LegalBasis;
  dataCategories: { general: GeneralDataCategory[]; specific: SpecificDataCategory[] };
  /** How long data kept for this purpose lives after the person's last activity, in days. */
  retentionDays: number;
  /** A law that requires keeping it at least this long (e.g. medical records, Permenkes 24/2022). */
  legalHold?: { years: number; law: string };
  processors: Processor[];
  /** Who the data is disclosed to (besides processors), id and en. */
  recipients?: { id: string; en: string }[];
}

/** The notice people are shown before they consent; bump it when the wording changes. */
export const currentNoticeVersion = "2026-12";

/** Checks declarations: unique ids, a plugin's ids prefixed with its id, sane retention, consent only in the core's purposes. */
export function purposeProblems(declared: { owner: string; purposes: ProcessingPurpose[] }[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { owner, purposes } of declared) {
    for (const p of purposes) {
      if (owner !== "core" && !p.id.startsWith(`${owner}.`)) problems.push(`${owner}: purpose "${p.id}" must start with "${owner}."`);
      const other = seen.get(p.id);
      if (other) problems.push(`${owner}: purpose "${p.id}" is already declared by ${other}`);
      seen.set(p.id, owner);
      if (!Number.isInteger(p.retentionDays) || p.retentionDays <= 0) problems.push(`${owner}: purpose "${p.id}" needs a positive whole retentionDays`);
      if (!(legalBases as readonly string[]).includes(p.legalBasis)) problems.push(`${owner}: purpose "${p.id}" has unknown legal basis "${p.legalBasis}"`);
      // people choose consents in "Privasi & data saya" among the core's consent purposes; a plugin
      // that needs consent (a reminder, an offer) sends under one of them, so no choice goes unasked
      if (owner !== "core" && p.legalBasis === "consent")
        problems.push(`${owner}: purpose "${p.id}" rests on consent; a plugin's processing that needs consent uses one of the core's consent purposes (service_messages, marketing, surveys, partner_sharing)`);
      if (!p.name.id || !p.name.en || !p.description.id || !p.description.en) problems.push(`${owner}: purpose "${p.id}" needs a name and description in id and en`);
    }
  }
  return problems;
}
