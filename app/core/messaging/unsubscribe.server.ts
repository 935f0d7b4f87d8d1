// One-click unsubscribe for marketing e-mail (RFC 8058): a signed link per contact, the
// List-Unsubscribe headers that carry it, and the withdrawal of the marketing consent.
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { appSettings, contacts } from "../../../db/schema/index.ts";
import { setConsent } from "../consents/consents.server.ts";
import type { Language } from "../i18n/languages.ts";
import { isUuid } from "../validation/ids.ts";

const secretKey = "security.signing";
/** Stands for APP_ORIGIN in stored headers; the delivery job fills it in. */
export const originPlaceholder = "{origin}";

/** A random key made once per installation and kept in the database (every instance shares it). */
async function signingSecret(db: Database) {
  const read = async () => (await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, secretKey)))[0]?.value.secret as string | undefined;
  const existing = await read();
  if (existing) return existing;
  await db.insert(appSettings).values({ key: secretKey, value: { secret: crypto.randomBytes(32).toString("base64url") } }).onConflictDoNothing();
  return (await read())!;
}

function sign(secret: string, contactId: string) {
  return crypto.createHmac("sha256", secret).update(`unsubscribe:marketing:${contactId}`).digest("base64url");
}

/** The path of a contact's unsubscribe link (relative to APP_ORIGIN). */
export async function unsubscribePath(db: Database, contactId: string) {
  return `/unsubscribe?c=${contactId}&s=${sign(await signingSecret(db), contactId)}`;
}

/** Headers for a marketing e-mail; `{origin}` is replaced when the e-mail is sent. */
export async function unsubscribeHeaders(db: Database, contactId: string): Promise<Record<string, string>> {
  return {
    "List-Unsubscribe": `<${originPlaceholder}${await unsubscribePath(db, contactId)}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

/** The contact a link belongs to, when its signature is right. */
export async function verifyUnsubscribeLink(db: Database, input: { c: string | null; s: string | null }) {
  if (!input.c || !input.s || !isUuid(input.c)) return null;
  const expected = Buffer.from(sign(await signingSecret(db), input.c));
  const given = Buffer.from(input.s);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  const [contact] = await db.select({ id: contacts.id, email: contacts.email, language: contacts.preferredLocale }).from(contacts).where(eq(contacts.id, input.c));
  return contact ? { id: contact.id, email: contact.email ?? "", language: contact.language as Language } : null;
}

/** Withdraws the marketing consent (recorded and audited by setConsent); takes effect for queued mail too. */
export async function unsubscribeMarketing(db: Database, contactId: string) {
  await setConsent(db, null, { contactId, purpose: "marketing", granted: false, source: "unsubscribe" });
}
