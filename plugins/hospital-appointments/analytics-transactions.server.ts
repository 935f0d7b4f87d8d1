// Fulfilled visits offered to customer analytics (no amount: frequency-only models), with the
// branch, booking channel and what referred the booking (for cohort splits).
import { and, eq, sql } from "drizzle-orm";
import type { CustomerTransaction, TransactionSource } from "../../app/plugin-api/index.ts";
import { appointments } from "./schema.ts";

export const visitTransactions: TransactionSource = {
  key: "visits",
  measure: "visit",
  list: async (range, ctx): Promise<CustomerTransaction[]> => {
    const at = sql<Date>`coalesce(${appointments.fulfilledAt}, ${appointments.startAt})`;
    const rows = await ctx.db
      .select({
        id: appointments.id,
        contactId: appointments.contactId,
        at: appointments.startAt,
        fulfilledAt: appointments.fulfilledAt,
        branchId: appointments.branchId,
        channel: appointments.channel,
        sourceType: appointments.sourceType,
      })
      .from(appointments)
      // an expression has no column type to encode a Date with: the instants go as ISO text
      .where(and(eq(appointments.status, "fulfilled"), sql`${at} >= ${range.from.toISOString()}::timestamptz`, sql`${at} < ${range.to.toISOString()}::timestamptz`));
    return rows.map((r) => ({
      contactId: r.contactId,
      at: r.fulfilledAt ?? r.at,
      amount: null,
      source: { type: "hospital-appointments.visit", id: r.id },
      branchId: r.branchId,
      channel: r.channel,
      referralSource: r.sourceType ?? "direct",
    }));
  },
};
