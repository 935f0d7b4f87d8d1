// retail-pos's events (ADR 012), defined once here with their version and schema. Subscribers
// handle them by name and get the payload typed through EventMap: plugins never import each other.
import { defineEvent, z } from "../../app/plugin-api/index.ts";

const isoInstant = z.string().datetime({ offset: true });

/** `pos.sale.recorded`: a sale was recorded once (retries and duplicates emit nothing). */
export const saleRecordedEvent = defineEvent(
  "pos.sale.recorded",
  1,
  z.object({
    version: z.literal(1),
    saleId: z.string().uuid(),
    receiptNumber: z.string(),
    /** The store: its time zone dates the loyalty bonus campaigns. */
    branchId: z.string().uuid(),
    /** null for an anonymous sale. */
    contactId: z.string().uuid().nullable(),
    occurredAt: isoInstant,
    /** Integer Rupiah. */
    total: z.number().int().min(0),
    lines: z.array(
      z.object({ sku: z.string(), category: z.string(), productId: z.string().uuid().nullable(), quantity: z.number().int(), amount: z.number().int() }),
    ),
    /** Voucher codes the cashier accepted on this sale. */
    voucherCodes: z.array(z.string()),
  }),
);

/** `pos.sale.refunded`: (part of) a recorded sale was refunded. */
export const saleRefundedEvent = defineEvent(
  "pos.sale.refunded",
  1,
  z.object({
    version: z.literal(1),
    refundId: z.string().uuid(),
    saleId: z.string().uuid(),
    receiptNumber: z.string(),
    originalReceiptNumber: z.string(),
    branchId: z.string().uuid(),
    contactId: z.string().uuid().nullable(),
    occurredAt: isoInstant,
    /** Integer Rupiah refunded by this refund. */
    refundTotal: z.number().int().min(1),
    /** Integer Rupiah of the original sale. */
    saleTotal: z.number().int().min(0),
  }),
);

export type SaleRecordedV1 = z.output<typeof saleRecordedEvent.schema>;
export type SaleRefundedV1 = z.output<typeof saleRefundedEvent.schema>;

export const posEvents = { saleRecorded: saleRecordedEvent, saleRefunded: saleRefundedEvent } as const;

declare global {
  interface NusaEventMap {
    "pos.sale.recorded": typeof saleRecordedEvent;
    "pos.sale.refunded": typeof saleRefundedEvent;
  }
}
