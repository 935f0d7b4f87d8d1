export const languages = ["id", "en"] as const;
export type Language = (typeof languages)[number];
export const defaultLanguage: Language = "id";
export const coreNamespaces = ["common", "auth", "staff", "portal", "partner", "emails"] as const;

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (languages as readonly string[]).includes(value);
}

/** Intl locale tag for formatting: Indonesian, or English as used in Indonesia. */
export function intlLocale(language: Language) {
  return language === "id" ? "id-ID" : "en-ID";
}
