import { today } from "../time/local-time.ts";
import { fields, z } from "../validation/validation.ts";

/** What customers may correct about themselves in the portal. */
export const customerProfileSchema = z.object({
  fullName: fields.name(),
  phone: fields.optionalPhone(),
  birthDate: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.string().date("validation.date").nullable()),
  address: fields.optionalText(300),
  city: fields.optionalText(100),
  preferredChannel: z.enum(["whatsapp", "email", "sms", "none"]),
});


// ---- staff: search, edit, identifiers, blacklist ----------------------------------------------

export const contactStages = ["lead", "prospect", "customer", "inactive"] as const;
export const contactGenders = ["female", "male"] as const;
export const contactPreferredChannels = ["whatsapp", "email", "sms", "none"] as const;
export const contactLocales = ["id", "en"] as const;
export const contactIdentifierSystems = ["nik", "bpjs", "mrn", "member_card", "pos_customer", "external"] as const;
export type ContactIdentifierSystem = (typeof contactIdentifierSystems)[number];

const optionalUuid = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.string().uuid().optional());

/** The list page's query string: text search, filters and the keyset cursor. */
export const contactFilterSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  stage: z.enum(contactStages).optional().catch(undefined),
  tag: z
    .string()
    .trim()
    .toLowerCase()
    .max(40)
    .optional()
    .transform((v) => v || undefined)
    .catch(undefined),
  branchId: optionalUuid.catch(undefined),
  ownerId: optionalUuid.catch(undefined),
  blacklisted: z.enum(["yes", "no"]).optional().catch(undefined),
});
export type ContactFilter = z.infer<typeof contactFilterSchema>;

export const contactSearchSchema = contactFilterSchema.extend({
  after: z.string().max(200).optional().catch(undefined),
});

/** "pasien, VIP ,  vip" -> ["pasien", "vip"]: lower-case, trimmed, no repeats. */
function parseTags(value: string | undefined) {
  const tags = (value ?? "")
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

const optionalDate = z
  .string()
  .optional()
  .transform((v) => v || null)
  .pipe(z.string().date("validation.date").refine((v) => v >= "1900-01-01", "validation.date").nullable());

/** Everything staff may set on a contact's profile (create and edit). */
export const contactProfileSchema = z.object({
  intent: z.literal("save"),
  fullName: fields.name(),
  phone: fields.optionalPhone(),
  email: z
    .union([fields.email(), z.literal("").transform(() => null)])
    .optional()
    .transform((v) => v ?? null),
  // "today" in the easternmost zone (WIT): a baby born today anywhere in Indonesia is not in the future
  birthDate: optionalDate.refine((v) => !v || v <= today("Asia/Jayapura"), "staff:contacts.errors.birthDateFuture"),
  gender: z
    .enum(["", ...contactGenders])
    .optional()
    .transform((v) => (v ? v : null)),
  address: fields.optionalText(300),
  city: fields.optionalText(100),
  preferredLocale: z.enum(contactLocales),
  preferredChannel: z.enum(contactPreferredChannels),
  lifecycleStage: z.enum(contactStages),
  ownerId: optionalUuid.transform((v) => v ?? null),
  branchId: optionalUuid.transform((v) => v ?? null),
  tags: z
    .string()
    .max(400)
    .optional()
    .transform(parseTags)
    .refine((tags) => tags.length <= 20, "staff:contacts.errors.tooManyTags")
    .refine((tags) => tags.every((t) => t.length <= 40), "staff:contacts.errors.tagTooLong"),
});
export type ContactProfileInput = z.infer<typeof contactProfileSchema>;

const identifierRules: Record<ContactIdentifierSystem, { pattern: RegExp; message: string }> = {
  nik: { pattern: /^\d{16}$/, message: "validation.nik" },
  bpjs: { pattern: /^\d{13}$/, message: "staff:contacts.errors.bpjs" },
  // a hospital's own medical record number (No. RM): "00-12-34", "RM-004512", "2026/000123"
  mrn: { pattern: /^[A-Z0-9][A-Z0-9./-]{0,31}$/, message: "staff:contacts.errors.mrn" },
  member_card: { pattern: /^[A-Z0-9-]{3,32}$/, message: "staff:contacts.errors.memberCard" },
  pos_customer: { pattern: /^[A-Za-z0-9._:-]{1,64}$/, message: "staff:contacts.errors.externalId" },
  external: { pattern: /^[A-Za-z0-9._:/-]{1,64}$/, message: "staff:contacts.errors.externalId" },
};

/** Strips what people type between digits (spaces, dots, dashes) from number-only identifiers. */
export function normalizeIdentifier(system: ContactIdentifierSystem, value: string) {
  const trimmed = value.trim();
  if (system === "nik" || system === "bpjs") return trimmed.replace(/[\s.-]/g, "");
  if (system === "member_card" || system === "mrn") return trimmed.replace(/\s/g, "").toUpperCase();
  return trimmed;
}

export const addIdentifierSchema = z
  .object({
    intent: z.literal("add-identifier"),
    system: z.enum(contactIdentifierSystems),
    value: z.string().trim().min(1).max(64),
  })
  .transform((v, ctx) => {
    const value = normalizeIdentifier(v.system, v.value);
    const rule = identifierRules[v.system];
    if (!rule.pattern.test(value)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["value"], message: rule.message });
      return z.NEVER;
    }
    return { ...v, value };
  });

export const removeIdentifierSchema = z.object({
  intent: z.literal("remove-identifier"),
  identifierId: z.string().uuid(),
});

export const blacklistSchema = z.object({
  intent: z.literal("blacklist"),
  reason: z.string().trim().min(3).max(300),
});

export const unblacklistSchema = z.object({
  intent: z.literal("unblacklist"),
});
