import type { TFunction } from "i18next";

/** Turns a validation message (`key` or `key|count`) into the user's language. */
export function translateError(t: TFunction, message: string) {
  const [key, count] = message.split("|");
  if (!key.includes(".")) return message;
  return t(key, { ns: key.startsWith("validation.") ? "common" : undefined, count: count ? Number(count) : undefined });
}
