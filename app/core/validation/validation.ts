import { z } from "zod";
import { parseRupiah } from "../i18n/parse-rupiah.ts";
import { normalizePhone } from "../i18n/phone.ts";
import { normalizeLocalDateTime } from "../time/local-time.ts";

// Every message is an i18n key in `common` (`validation.*`), optionally followed by `|<count>`;
// the UI translates it with translateError().
z.setErrorMap((issue, ctx) => {
  if (issue.code === z.ZodIssueCode.invalid_type && (issue.received === "undefined" || issue.received === "null")) {
    return { message: "validation.required" };
  }
  if (issue.code === z.ZodIssueCode.too_small && issue.type === "string") {
    return { message: Number(issue.minimum) <= 1 ? "validation.required" : `validation.tooShort|${issue.minimum}` };
  }
  if (issue.code === z.ZodIssueCode.too_big && issue.type === "string") return { message: `validation.tooLong|${issue.maximum}` };
  if (issue.code === z.ZodIssueCode.invalid_string && issue.validation === "email") return { message: "validation.email" };
  if (issue.code === z.ZodIssueCode.invalid_enum_value) return { message: "validation.choice" };
  if (issue.code === z.ZodIssueCode.invalid_date) return { message: "validation.date" };
  return { message: ctx.defaultError === "Required" ? "validation.required" : "validation.invalid" };
});

export const fields = {
  /** A local date and time from a datetime-local input or typed (`2026-12-01 18.00`) -> `2026-12-01T18:00`. */
  localDateTime: () =>
    z
      .string()
      .trim()
      .transform((value, ctx) => normalizeLocalDateTime(value) ?? (ctx.addIssue({ code: z.ZodIssueCode.custom, message: "validation.date" }), z.NEVER)),
  email: () => z.string().trim().toLowerCase().min(1).max(254).email(),
  password: () => z.string().min(10).max(128),
  name: () => z.string().trim().min(2).max(120),
  text: (max = 200) => z.string().trim().max(max),
  optionalText: (max = 200) =>
    z
      .string()
      .trim()
      .max(max)
      .optional()
      .transform((v) => (v ? v : null)),
  /** 08…, 628… or +62 8…, stored as E.164. */
  phone: () =>
    z
      .string()
      .trim()
      .min(1)
      .transform((v, ctx) => {
        const normalized = normalizePhone(v);
        if (!normalized) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: "validation.phone" });
          return z.NEVER;
        }
        return normalized;
      }),
  optionalPhone: () =>
    z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        const normalized = normalizePhone(v);
        if (!normalized) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: "validation.phone" });
          return z.NEVER;
        }
        return normalized;
      }),
  /** 16-digit NIK (Nomor Induk Kependudukan). */
  nik: () => z.string().trim().regex(/^\d{16}$/, "validation.nik"),
};

/**
 * Whole Rupiah in a text field (a number field refuses `10.000`): `10.000`, `Rp 10.000` or `10000`;
 * `message` (an i18n key) when it is missing, not such an amount, or outside [min, max]. Not in
 * `fields`: a function of its own is left out of the pages that do not use it.
 */
export function rupiahField(min: number, max: number, message: string) {
  return z
    .string({ invalid_type_error: message, required_error: message })
    .transform((value, ctx) => parseRupiah(value) ?? (ctx.addIssue({ code: z.ZodIssueCode.custom, message }), z.NEVER))
    .pipe(z.number().int(message).min(min, message).max(max, message));
}

export { z };
