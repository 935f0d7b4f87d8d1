export const languages = ["id", "en"] as const;
export type Language = (typeof languages)[number];
export const defaultLanguage: Language = "id";
export const coreNamespaces = ["common", "auth", "staff", "portal", "partner", "emails", "reports", "security"] as const;

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (languages as readonly string[]).includes(value);
}

/** Intl locale tag for dates: Indonesian, or English as used in Indonesia. */
export function intlLocale(language: Language) {
  return language === "id" ? "id-ID" : "en-ID";
}

/**
 * Intl locale tag for numbers and money. en-ID groups thousands with "." like Indonesian, so an
 * English reader saw "1.634" for one thousand six hundred; English uses "1,634" and "IDR 1,250,000"
 * (the glossary), Indonesian "1.634" and "Rp 1.250.000".
 */
export function numberLocale(language: Language) {
  return language === "id" ? "id-ID" : "en-GB";
}
