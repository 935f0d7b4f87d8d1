// Receipts offered to customer analytics: each sale of a known customer, net of what was refunded
// of it; a receipt refunded in full is no purchase.
import { and, eq, gt, gte, isNotNull, lt, sql } from "drizzle-orm";
import type { CustomerTransaction, TransactionSource } from "../../app/plugin-api/index.ts";
import { retailPosSales } from "./schema.ts";

export const receiptTransactions: TransactionSource = {
  key: "receipts",
  measure: "purchase",
  list: async (range, ctx): Promise<CustomerTransaction[]> => {
    const net = sql<number>`${retailPosSales.totalIdr} - ${retailPosSales.refundedIdr}`;
    const rows = await ctx.db
      .select({ id: retailPosSales.id, contactId: retailPosSales.contactId, at: retailPosSales.occurredAt, amount: net, branchId: retailPosSales.branchId })
      .from(retailPosSales)
      .where(and(eq(retailPosSales.kind, "sale"), isNotNull(retailPosSales.contactId), gte(retailPosSales.occurredAt, range.from), lt(retailPosSales.occurredAt, range.to), gt(net, 0)));
    return rows.map((r) => ({ contactId: r.contactId as string, at: r.at, amount: Number(r.amount), source: { type: "retail-pos.sale", id: r.id }, branchId: r.branchId }));
  },
};
