// The JSON bodies of the POS ingest API (v1), validated with zod. Shared by the real-time API and
// the batch import, so both accept exactly the same sales. These schemas are also the published
// OpenAPI document (openapi.ts generates it from them, ADR 011): every rule a request is held to is
// either in the schema (lengths, patterns, ranges) or stated in its description (the sums).
import { codePoints, z } from "../../app/plugin-api/openapi.ts";
import { normalizePhone } from "../../app/plugin-api/ui.ts";

/** Machine codes of the per-field issues in a 422 `validation_failed` answer (`error.issues[].code`). */
export const issueCodes = [
  "required",
  "invalid_type",
  "too_short",
  "too_long",
  "too_small",
  "too_large",
  "too_few",
  "too_many",
  "unknown_field",
  "invalid_choice",
  "invalid_format",
  "blank",
  "phone_invalid",
  "date_invalid",
  "date_out_of_range",
  "discount_exceeds_line",
] as const;
export type IssueCode = (typeof issueCodes)[number];

/** A custom issue: its machine code plus the values its sentence needs. */
const issue = (ctx: z.RefinementCtx, code: IssueCode, params: Record<string, unknown> = {}) =>
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: code, params: { code, ...params } });

/** Not empty nor only spaces, and no NUL (PostgreSQL text cannot hold it). */
const textPattern = "^[^\\u0000]*\\S[^\\u0000]*$";
const textRegex = new RegExp(textPattern, "u");

/**
 * A text field: `min`–`max` Unicode code points as sent, at least one non-space character; stored
 * trimmed. Counted as JSON Schema counts, so the spec's minLength/maxLength are exactly the rule.
 */
export function text(min: number, max: number) {
  return z
    .string()
    .superRefine((s, ctx) => {
      const n = codePoints(s);
      if (n < min) issue(ctx, "too_short", { count: min });
      else if (n > max) issue(ctx, "too_long", { count: max });
      else if (!textRegex.test(s)) issue(ctx, "blank");
    })
    .transform((s) => s.trim())
    .openapi({ type: "string", minLength: min, maxLength: max, pattern: textPattern });
}

export const maxRupiah = 1_000_000_000_000;
const rupiah = (description: string, max = maxRupiah) => z.number().int().min(0).max(max).openapi({ description });

// RFC 3339 date-time with an offset; `T`/`Z` in either case (RFC 3339 §5.6 allows lower case).
// Years outside 2000–2099 are refused (a till with a flat clock battery sends 0001 or 9999).
export const saleYears = { min: 2000, max: 2099 } as const;
const dateTimePattern =
  "^20\\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[Tt]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?([Zz]|[+-]([01]\\d|2[0-3]):[0-5]\\d)$";
const dateTimeRegex = new RegExp(dateTimePattern);
const anyYearRegex = /^(\d{4})-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The instant of an RFC 3339 date-time that passed the pattern, or null when its day is not in the calendar (2026-02-30). */
export function parseSaleDateTime(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  const offsetMinutes = m[8] ? (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) : 0;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
}

/** Kept as the canonical UTC instant (`…Z`), which every reader of `occurredAt` parses. */
const saleDateTime = z
  .string()
  .superRefine((s, ctx) => {
    if (dateTimeRegex.test(s)) {
      if (!parseSaleDateTime(s)) issue(ctx, "date_invalid");
      return;
    }
    const year = anyYearRegex.exec(s)?.[1];
    if (year && (Number(year) < saleYears.min || Number(year) > saleYears.max)) issue(ctx, "date_out_of_range", saleYears);
    else issue(ctx, "invalid_format", { example: "2026-11-24T10:15:00+07:00" });
  })
  .transform((s) => (parseSaleDateTime(s) ?? new Date(NaN)).toISOString())
  .openapi({
    type: "string",
    format: "date-time",
    pattern: dateTimePattern,
    description: `RFC 3339 date-time with an offset (\`Z\` or ±hh:mm; \`T\` and \`Z\` in either case), seconds required, years ${saleYears.min}–${saleYears.max}.`,
    example: "2026-11-24T10:15:00+07:00",
  });

// An Indonesian mobile number: 08…, 628… or +62 8…, spaces or dashes between digits allowed.
const phonePattern = "^(\\+62|62|0)[ -]?8[1-35-9]([ -]?[0-9]){7,10}$";
const phoneRegex = new RegExp(phonePattern);
const phone = z
  .string()
  .superRefine((s, ctx) => {
    if (!phoneRegex.test(s)) issue(ctx, "phone_invalid");
  })
  .transform((s) => normalizePhone(s) ?? `+62${s.replace(/[^0-9]/g, "").replace(/^(62|0)/, "")}`)
  .openapi({
    type: "string",
    pattern: phonePattern,
    maxLength: 30,
    description: "Indonesian mobile number: 08…, 628… or +62 8…, optionally with spaces or dashes; matched as E.164.",
    example: "0812-3456-7890",
  });

/** Voucher codes as retail-loyalty issues them (`NV-…`), in any case. */
const voucherCodePattern = "^[A-Za-z0-9-]{4,40}$";
export const voucherCodeSchema = z
  .string()
  .regex(new RegExp(voucherCodePattern), { message: "invalid_format" })
  .openapi({ type: "string", pattern: voucherCodePattern, minLength: 4, maxLength: 40, example: "NV-7K2Q9XW4PD" });

export const customerSchema = z
  .object({
    memberCard: text(3, 40).optional().openapi({ example: "RK200001" }),
    phone: phone.optional(),
    posCustomerId: text(1, 64).optional(),
    name: text(1, 120).optional().openapi({ example: "Ani Yulianti" }),
  })
  .strict()
  .openapi("Customer", {
    description: "Any of memberCard, posCustomerId or phone identify the shopper (looked up in that order); without them the sale stays anonymous.",
  });

export const maxQuantity = 100_000;
export const maxUnitPrice = 10_000_000_000;

export const lineSchema = z
  .object({
    sku: text(1, 64).openapi({ example: "DAP-001" }),
    name: text(1, 200).optional(),
    category: text(1, 80).optional(),
    quantity: z.number().int().min(1).max(maxQuantity).openapi({ example: 1 }),
    unitPrice: rupiah("Integer Rupiah per unit", maxUnitPrice).openapi({ example: 189000 }),
    discount: rupiah("Integer Rupiah off this line; at most quantity × unitPrice", maxRupiah).default(0),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.discount > l.quantity * l.unitPrice) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["discount"], message: "discount_exceeds_line", params: { code: "discount_exceeds_line", max: l.quantity * l.unitPrice } });
    }
  })
  .openapi("SaleLine", {
    description: "One line of the receipt. Rule beyond the schema: `discount` ≤ `quantity` × `unitPrice` (else 422 validation_failed, issue `discount_exceeds_line`).",
  });

export const paymentMethods = ["cash", "debit", "credit", "qris", "ewallet", "transfer", "voucher", "other"] as const;

export const saleSchema = z
  .object({
    receiptNumber: text(1, 64).openapi({ example: "BDG-0001" }),
    occurredAt: saleDateTime,
    customer: customerSchema.optional(),
    lines: z.array(lineSchema).min(1).max(500),
    total: rupiah("Integer Rupiah; must equal the sum over the lines of quantity × unitPrice − discount").openapi({ example: 189000 }),
    paymentMethod: z.enum(paymentMethods).optional(),
    voucherCodes: z.array(voucherCodeSchema).max(5).optional().openapi({ description: "Loyalty vouchers accepted on this sale; they are marked used." }),
  })
  .strict()
  .openapi("Sale", {
    description:
      "A sale as the till recorded it. Rules beyond the schema: `total` = Σ (quantity × unitPrice − discount) over `lines` (else 422 `total_mismatch`); a line's `discount` ≤ its quantity × unitPrice.",
    example: {
      receiptNumber: "BDG-0001",
      occurredAt: "2026-11-24T10:15:00+07:00",
      customer: { memberCard: "RK200001" },
      lines: [{ sku: "DAP-001", quantity: 1, unitPrice: 189000 }],
      total: 189000,
      paymentMethod: "qris",
    },
  });

export const refundSchema = z
  .object({
    receiptNumber: text(1, 64).openapi({ example: "BDG-0002" }),
    originalReceiptNumber: text(1, 64).openapi({ description: "A recorded sale of the same store", example: "BDG-0001" }),
    occurredAt: saleDateTime,
    total: z.number().int().min(1).max(maxRupiah).openapi({ description: "Integer Rupiah refunded; refunds of one sale never exceed its total", example: 189000 }),
    reason: text(1, 300).optional(),
  })
  .strict()
  .openapi("Refund", {
    description: "A refund of a recorded sale. Rules beyond the schema: the original sale exists in this store (else 422 `original_sale_not_found`); all refunds of it together ≤ its total (else 422 `refund_exceeds_sale`).",
    example: { receiptNumber: "BDG-0002", originalReceiptNumber: "BDG-0001", occurredAt: "2026-11-25T09:00:00+07:00", total: 189000, reason: "Barang rusak" },
  });

export type SaleInput = z.output<typeof saleSchema>;
export type RefundInput = z.output<typeof refundSchema>;

/** The API's error codes; each answer carries one as `error.code`. */
export const posErrorCodes = [
  "unauthorized",
  "signature_missing",
  "signature_invalid",
  "signature_expired",
  "method_not_allowed",
  "payload_too_large",
  "invalid_json",
  "validation_failed",
  "total_mismatch",
  "idempotency_key_reused",
  "receipt_already_recorded",
  "original_sale_not_found",
  "refund_exceeds_sale",
  "voucher_not_found",
  "voucher_used",
  "voucher_expired",
  "loyalty_unavailable",
] as const;
export type PosErrorCode = (typeof posErrorCodes)[number];

/** Body of POST /vouchers/{code}/check: an empty object. */
export const voucherCheckSchema = z.object({}).strict().openapi("VoucherCheck", { description: "Always `{}`", example: {} });
/** Body of POST /vouchers/{code}/redeem: the receipt the voucher is used on. */
export const voucherRedeemSchema = z
  .object({ receiptNumber: text(1, 64).openapi({ example: "BDG-0001" }) })
  .strict()
  .openapi("VoucherRedeem", { example: { receiptNumber: "BDG-0001" } });

/** `Idempotency-Key`: 1–128 visible ASCII characters (defaults to `sale:<receiptNumber>` / `refund:<receiptNumber>`). */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,128}$/, { message: "invalid_format" })
  .openapi({ type: "string", pattern: "^[\\x21-\\x7E]{1,128}$", minLength: 1, maxLength: 128, example: "sale:BDG-0001" });
