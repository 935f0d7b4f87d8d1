// Client-safe form schemas of the programme settings page (/staff/loyalty-settings). Every message
// is an i18n key; numbers get their own messages because a range is clearer than "not valid".
import { isLocalDate } from "../../app/plugin-api/index.ts";
import { rupiahField, z } from "../../app/plugin-api/index.ts";

/** Same list as `campaignScopes` in schema.ts (which the browser must not load). */
export const campaignScopeValues = ["all", "categories", "skus", "tiers"] as const;

const e = (key: string) => `retail-loyalty:settings.errors.${key}`;

/** A whole number in a range, with one message for "missing, not a number or out of range". */
function whole(min: number, max: number, message: string) {
  return z.coerce.number({ invalid_type_error: e(message), required_error: e(message) }).int(e(message)).min(min, e(message)).max(max, e(message));
}

const isoDate = z
  .string({ required_error: "validation.required" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "validation.date")
  .superRefine((v, ctx) => {
    // fatal: the form's own checks (last day after first day) only run on real dates
    if (!isLocalDate(v)) ctx.addIssue({ code: "custom", message: "validation.date", fatal: true });
  });

export const earningSchema = z
  .object({
    intent: z.literal("earning"),
    idrPerPoint: rupiahField(100, 10_000_000, e("idrPerPoint")),
    expiryMonths: whole(1, 120, "expiryMonths"),
    tiers: z
      .array(
        z.object({
          id: z.string().uuid(),
          minSpendIdr: rupiahField(0, 1_000_000_000_000, e("minSpend")),
          earnMultiplierPct: whole(100, 1000, "tierMultiplier"),
          benefitsId: z.string({ required_error: "validation.required" }).trim().min(1).max(300),
          benefitsEn: z.string({ required_error: "validation.required" }).trim().min(1).max(300),
        }),
      )
      .min(1),
  })
  .superRefine((v, ctx) => {
    v.tiers.forEach((tier, i) => {
      if (i > 0 && tier.minSpendIdr <= v.tiers[i - 1].minSpendIdr) ctx.addIssue({ code: "custom", path: ["tiers", i, "minSpendIdr"], message: e("thresholdOrder") });
    });
  });

const multiplierRow = z.object({
  key: z.string().trim().max(64, "validation.tooLong|64").optional(),
  pct: whole(0, 1000, "multiplier").optional(),
});

function checkRows(rows: z.infer<typeof multiplierRow>[], field: "categories" | "products", ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (row.key && row.pct === undefined) ctx.addIssue({ code: "custom", path: [field, i, "pct"], message: e("multiplier") });
    if (!row.key && row.pct !== undefined) ctx.addIssue({ code: "custom", path: [field, i, "key"], message: "validation.required" });
    if (row.key && seen.has(row.key.toLowerCase())) ctx.addIssue({ code: "custom", path: [field, i, "key"], message: e("duplicate") });
    if (row.key) seen.add(row.key.toLowerCase());
  });
}

export const multipliersSchema = z
  .object({
    intent: z.literal("multipliers"),
    categories: z.array(multiplierRow).default([]),
    products: z.array(multiplierRow).default([]),
  })
  .superRefine((v, ctx) => {
    checkRows(v.categories, "categories", ctx);
    checkRows(v.products, "products", ctx);
  });

export const campaignSchema = z
  .object({
    intent: z.literal("campaign"),
    id: z.string().uuid().optional(),
    nameId: z.string({ required_error: "validation.required" }).trim().min(2).max(120),
    nameEn: z.string({ required_error: "validation.required" }).trim().min(2).max(120),
    descriptionId: z.string().trim().max(500).optional(),
    descriptionEn: z.string().trim().max(500).optional(),
    startsOn: isoDate,
    endsOn: isoDate,
    kind: z.enum(["multiplier", "bonus"]),
    value: whole(1, 1_000_000, "campaignValue"),
    scope: z.enum(campaignScopeValues),
    scopeValues: z.string().trim().max(2000, "validation.tooLong|2000").optional(),
    active: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.endsOn < v.startsOn) ctx.addIssue({ code: "custom", path: ["endsOn"], message: e("endsBeforeStart") });
    if (v.kind === "multiplier" && (v.value < 101 || v.value > 1000)) ctx.addIssue({ code: "custom", path: ["value"], message: e("campaignMultiplier") });
    if (v.scope !== "all" && splitList(v.scopeValues).length === 0) ctx.addIssue({ code: "custom", path: ["scopeValues"], message: e("scopeValues") });
  });

export const campaignDeleteSchema = z.object({ intent: z.literal("campaignDelete"), id: z.string().uuid() });

/** "a, b\nc" -> ["a", "b", "c"], without blanks and repeats. */
export function splitList(value: string | undefined) {
  return [...new Set((value ?? "").split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}
