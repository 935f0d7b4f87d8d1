// The form of a scheduled report, parsed on the server and checked in the browser. Errors are i18n
// keys (`reports:schedule.errors.*`, `validation.*`). Client-safe.
import { parseLocalTime } from "../time/local-time.ts";
import { fields, z } from "../validation/validation.ts";
import { reportFrequencies } from "./schedule.ts";

const e = (key: string) => `reports:schedule.errors.${key}`;

/** "15", "15,5" or "15.5" -> 15.5 (a decimal comma as Indonesians write it). */
const decimal = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const n = Number(v.replace(",", "."));
      if (!/^-?\d+([.,]\d+)?$/.test(v) || !Number.isFinite(n)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message });
        return z.NEVER;
      }
      return n;
    });

export const subscriptionSchema = z
  .object({
    name: fields.name(),
    /** `dashboard:<id>` or `kpi:<id>`. */
    target: z.string().regex(/^(dashboard|kpi):[\w.-]{1,120}$/, e("target")),
    branch: z.string().trim().optional().transform((v) => v || null),
    frequency: z.enum(reportFrequencies),
    weekday: z.coerce.number().int().min(1).max(7).optional(),
    monthDay: z.coerce.number({ invalid_type_error: e("monthDay") }).int(e("monthDay")).min(1, e("monthDay")).max(28, e("monthDay")).optional(),
    localTime: z
      .string()
      .trim()
      .min(1)
      .transform((v, ctx) => {
        const time = parseLocalTime(v);
        if (!time) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: e("localTime") });
          return z.NEVER;
        }
        return time;
      }),
    mode: z.enum(["digest", "alert"]),
    alertDirection: z.enum(["above", "below"]).optional(),
    alertThreshold: decimal(e("threshold")),
    alertHysteresis: decimal(e("hysteresis")),
    roles: z.array(z.string().max(60)).max(20).optional(),
    emails: z
      .string()
      .max(2000)
      .optional()
      .transform((v, ctx) => {
        const list = [...new Set((v ?? "").split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
        const bad = list.find((s) => !z.string().email().max(254).safeParse(s).success);
        if (bad) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: e("email") });
          return z.NEVER;
        }
        if (list.length > 50) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: e("tooManyEmails") });
          return z.NEVER;
        }
        return list;
      }),
    emailLanguage: z.enum(["id", "en"]),
  })
  .superRefine((v, ctx) => {
    if (v.frequency === "weekly" && !v.weekday) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["weekday"], message: e("weekday") });
    if (v.frequency === "monthly" && !v.monthDay) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["monthDay"], message: e("monthDay") });
    if (v.mode === "alert") {
      if (!v.target.startsWith("kpi:")) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["target"], message: e("alertNeedsKpi") });
      if (!v.alertDirection) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["alertDirection"], message: e("direction") });
      if (v.alertThreshold == null) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["alertThreshold"], message: e("threshold") });
      if (v.alertHysteresis != null && v.alertHysteresis < 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["alertHysteresis"], message: e("hysteresis") });
    }
    // emails is a list only when its own check passed; otherwise that error says enough
    if (Array.isArray(v.emails) && !(v.roles?.length ?? 0) && !v.emails.length) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["emails"], message: e("noRecipients") });
  });

export type SubscriptionInput = z.infer<typeof subscriptionSchema>;
