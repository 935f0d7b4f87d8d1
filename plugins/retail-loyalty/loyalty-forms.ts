// Client-safe form schemas of the loyalty pages.
import { z } from "../../app/plugin-api/index.ts";

export const redeemSchema = z.object({ intent: z.literal("redeem"), rewardId: z.string().uuid() });

export const staffMemberSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("enrol"), contactId: z.string().uuid() }),
  z.object({
    intent: z.literal("adjust"),
    contactId: z.string().uuid(),
    points: z.coerce.number().int().min(-1_000_000).max(1_000_000).refine((v) => v !== 0, "retail-loyalty:errors.pointsZero"),
    reason: z.string().trim().min(3).max(300),
  }),
]);

export const voucherSchema = z.object({
  intent: z.enum(["check", "burn"]),
  code: z.string().trim().min(4).max(40).transform((v) => v.toUpperCase()),
  receiptNo: z.string().trim().max(64).optional(),
});
