// retail-pos's public event types (version 1). Subscribers re-declare the fields they rely on and
// validate them: plugins never import each other's files.

/** `pos.sale.recorded`: a sale was recorded once (retries and duplicates emit nothing). */
export interface SaleRecordedV1 {
  version: 1;
  saleId: string;
  receiptNumber: string;
  branchId: string;
  /** null for an anonymous sale. */
  contactId: string | null;
  /** ISO 8601. */
  occurredAt: string;
  /** Integer Rupiah. */
  total: number;
  lines: { sku: string; category: string; productId: string | null; quantity: number; amount: number }[];
  /** Voucher codes the cashier accepted on this sale. */
  voucherCodes: string[];
}

/** `pos.sale.refunded`: (part of) a recorded sale was refunded. */
export interface SaleRefundedV1 {
  version: 1;
  refundId: string;
  saleId: string;
  receiptNumber: string;
  originalReceiptNumber: string;
  branchId: string;
  contactId: string | null;
  occurredAt: string;
  /** Integer Rupiah refunded by this refund. */
  refundTotal: number;
  /** Integer Rupiah of the original sale. */
  saleTotal: number;
}

export const posEvents = { saleRecorded: "pos.sale.recorded", saleRefunded: "pos.sale.refunded" } as const;
