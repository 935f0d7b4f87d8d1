// The event this plugin emits (ADR 012), defined once with its version and schema.
import { defineEvent, z } from "../../app/plugin-api/index.ts";
import { referralStatuses } from "./schema.ts";

/** `referrals.referral.changed`: a referral was created or changed status. */
export const referralChangedEvent = defineEvent(
  "referrals.referral.changed",
  1,
  z.object({
    version: z.literal(1),
    referralId: z.string().uuid(),
    number: z.string(),
    direction: z.enum(["incoming", "outgoing"]),
    status: z.enum(referralStatuses),
    contactId: z.string().uuid(),
    partnerOrgId: z.string().uuid(),
  }),
);
export type ReferralChangedV1 = z.output<typeof referralChangedEvent.schema>;

declare global {
  interface NusaEventMap {
    "referrals.referral.changed": typeof referralChangedEvent;
  }
}
