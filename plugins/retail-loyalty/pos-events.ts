// The shapes of retail-pos events this plugin relies on, re-declared here (plugins never import
// each other) and validated at the handler: a payload that does not match is a bug to surface.
import { z } from "../../app/plugin-api/index.ts";

export const saleRecordedV1 = z.object({
  version: z.literal(1),
  saleId: z.string().uuid(),
  receiptNumber: z.string(),
  /** The store: its time zone dates the bonus campaigns. */
  branchId: z.string().uuid().optional(),
  contactId: z.string().uuid().nullable(),
  occurredAt: z.string().datetime({ offset: true }),
  total: z.number().int().min(0),
  lines: z.array(z.object({ sku: z.string().optional(), category: z.string(), amount: z.number().int() })),
  voucherCodes: z.array(z.string()).default([]),
});

export const saleRefundedV1 = z.object({
  version: z.literal(1),
  refundId: z.string().uuid(),
  saleId: z.string().uuid(),
  receiptNumber: z.string(),
  contactId: z.string().uuid().nullable(),
  occurredAt: z.string().datetime({ offset: true }),
  refundTotal: z.number().int().min(1),
  saleTotal: z.number().int().min(0),
});

/** Core's `core.contact.merged`, version 1. */
export const contactMergedV1 = z.object({ keptContactId: z.string().uuid(), mergedContactId: z.string().uuid() });

export type SaleRecorded = z.infer<typeof saleRecordedV1>;
export type SaleRefunded = z.infer<typeof saleRefundedV1>;
