import type { consentPurposes as schemaPurposes } from "../../../db/schema/consents.ts";
import { z } from "../validation/validation.ts";

// kept here as a literal so the browser bundle does not pull in drizzle; the check below keeps it
// equal to the schema's list
export const consentPurposeValues = ["service_messages", "marketing", "surveys", "partner_sharing"] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const purposesMatchSchema: Same<(typeof consentPurposeValues)[number], (typeof schemaPurposes)[number]> = true;
void purposesMatchSchema;

/** A consent given or withdrawn in person, at the counter or on the phone, recorded by staff. */
export const recordConsentSchema = z.object({
  intent: z.literal("record-consent"),
  purpose: z.enum(consentPurposeValues),
  granted: z.enum(["granted", "withdrawn"]).transform((v) => v === "granted"),
});
