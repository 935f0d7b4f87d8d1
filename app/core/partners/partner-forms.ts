import { partnerOrgTypes } from "../../../db/schema/partner-organisations.ts";
import { fields, z } from "../validation/validation.ts";

export const partnerTypes = partnerOrgTypes;

export const createPartnerSchema = z.object({
  intent: z.literal("create"),
  code: z
    .string()
    .trim()
    .min(2)
    .max(20)
    .regex(/^[A-Za-z0-9-]+$/, "validation.code")
    .transform((v) => v.toUpperCase()),
  name: fields.name(),
  type: z.enum(partnerOrgTypes),
  email: z.union([fields.email(), z.literal("").transform(() => null)]).optional().transform((v) => v ?? null),
  phone: fields.optionalPhone(),
  city: fields.optionalText(100),
});

export const invitePartnerUserSchema = z.object({
  intent: z.literal("invite"),
  name: fields.name(),
  email: fields.email(),
  language: z.enum(["id", "en"]),
});

/** A partner administrator's invitation of a colleague: the same fields, and whether they administer too. */
export const inviteColleagueSchema = invitePartnerUserSchema.extend({
  admin: z.literal("on").optional().transform((v) => v === "on"),
});

/** What a partner administrator does to a colleague's account. */
export const colleagueActionSchema = z.object({
  intent: z.enum(["deactivate", "reinvite", "grantAdmin", "withdrawAdmin"]),
  userId: z.string().uuid(),
});

export const organisationContactSchema = z.object({
  email: z.union([fields.email(), z.literal("").transform(() => null)]).optional().transform((v) => v ?? null),
  phone: fields.optionalPhone(),
  address: fields.optionalText(300),
  city: fields.optionalText(100),
});

export const updatePartnerSchema = z.object({
  intent: z.literal("update"),
  name: fields.name(),
  type: z.enum(partnerOrgTypes),
  email: z.union([fields.email(), z.literal("").transform(() => null)]).optional().transform((v) => v ?? null),
  phone: fields.optionalPhone(),
  address: fields.optionalText(300),
  city: fields.optionalText(100),
});

export const partnerStatusSchema = z.object({
  intent: z.enum(["deactivate", "reactivate"]),
});
