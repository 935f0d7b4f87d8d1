// The JSON bodies of the POS ingest API (v1), validated with zod. Shared by the real-time API and
// the batch import, so both accept exactly the same sales.
import { normalizePhone, z } from "../../app/plugin-api/ui.ts";

const rupiah = z.number().int().min(0).max(1_000_000_000_000);

export const customerSchema = z
  .object({
    memberCard: z.string().trim().min(3).max(40).optional(),
    phone: z
      .string()
      .trim()
      .max(30)
      .optional()
      .transform((v, ctx) => {
        if (!v) return undefined;
        const e164 = normalizePhone(v);
        if (!e164) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: "phone must be an Indonesian mobile number" });
          return z.NEVER;
        }
        return e164;
      }),
    posCustomerId: z.string().trim().min(1).max(64).optional(),
    name: z.string().trim().max(120).optional(),
  })
  .strict();

export const lineSchema = z
  .object({
    sku: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(200).optional(),
    category: z.string().trim().min(1).max(80).optional(),
    quantity: z.number().int().min(1).max(100_000),
    unitPrice: rupiah,
    discount: rupiah.default(0),
  })
  .strict()
  .refine((l) => l.discount <= l.quantity * l.unitPrice, { message: "discount exceeds the line amount", path: ["discount"] });

export const paymentMethods = ["cash", "debit", "credit", "qris", "ewallet", "transfer", "voucher", "other"] as const;

export const saleSchema = z
  .object({
    receiptNumber: z.string().trim().min(1).max(64),
    occurredAt: z.string().datetime({ offset: true }),
    customer: customerSchema.optional(),
    lines: z.array(lineSchema).min(1).max(500),
    total: rupiah,
    paymentMethod: z.enum(paymentMethods).optional(),
    voucherCodes: z.array(z.string().trim().min(4).max(40)).max(5).optional(),
  })
  .strict();

export const refundSchema = z
  .object({
    receiptNumber: z.string().trim().min(1).max(64),
    originalReceiptNumber: z.string().trim().min(1).max(64),
    occurredAt: z.string().datetime({ offset: true }),
    total: rupiah.refine((v) => v > 0, "must be positive"),
    reason: z.string().trim().max(300).optional(),
  })
  .strict();

export type SaleInput = z.infer<typeof saleSchema>;
export type RefundInput = z.infer<typeof refundSchema>;

/** The API's error codes; each answer carries one as `error.code`. */
export type PosErrorCode =
  | "unauthorized"
  | "signature_missing"
  | "signature_invalid"
  | "signature_expired"
  | "payload_too_large"
  | "invalid_json"
  | "validation_failed"
  | "total_mismatch"
  | "idempotency_key_reused"
  | "receipt_already_recorded"
  | "original_sale_not_found"
  | "refund_exceeds_sale"
  | "voucher_not_found"
  | "voucher_used"
  | "voucher_expired"
  | "loyalty_unavailable";

/** Body of POST /vouchers/{code}/redeem (check takes `{}`): the receipt the voucher is used on. */
export const voucherRedeemSchema = z.object({ receiptNumber: z.string().trim().min(1).max(64) }).strict();
