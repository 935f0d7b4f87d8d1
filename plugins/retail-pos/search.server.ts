// Receipts (struk) in the staff global search, by receipt number as the till printed it. Staff see
// receipts where they see them today, on the customer's timeline (retail-pos.sale.read); the customer
// is named and linked only when the actor may see that contact (no patients without core.patient.read).
import { eq, inArray, sql } from "drizzle-orm";
import { defineSearchProvider } from "../../app/plugin-api/index.ts";
import { branches, contacts } from "../../app/plugin-api/schema.ts";
import { formatDateTime, formatRupiah } from "../../app/plugin-api/ui.ts";
import { retailPosSales } from "./schema.ts";

export const receiptSearch = defineSearchProvider({
  kind: "receipts",
  label: "search.kind",
  permission: "retail-pos.sale.read",
  search: async (query, limit, ctx) => {
    const typed = query.replace(/\s+/g, "");
    // receipt numbers are printed codes ("TK01-000123"); a name or a sentence is never one
    if (!/\d/.test(typed) || typed.length > 60) return [];
    const visible = ctx.visibleContacts(sql`${retailPosSales.contactId}`);
    const rows = await ctx.db
      .select({
        id: retailPosSales.id,
        receiptNo: retailPosSales.receiptNo,
        kind: retailPosSales.kind,
        occurredAt: retailPosSales.occurredAt,
        total: retailPosSales.totalIdr,
        store: branches.name,
        timeZone: branches.timeZone,
        contactId: retailPosSales.contactId,
        contactName: contacts.fullName,
        contactVisible: visible ? sql<boolean>`coalesce(${visible}, true)` : sql<boolean>`true`,
      })
      .from(retailPosSales)
      .innerJoin(branches, eq(branches.id, retailPosSales.branchId))
      .leftJoin(contacts, eq(contacts.id, retailPosSales.contactId))
      .where(inArray(retailPosSales.receiptNo, [...new Set([typed, typed.toUpperCase()])]))
      .orderBy(sql`${retailPosSales.occurredAt} desc`)
      .limit(limit);
    return rows.map((r) => {
      const customer = r.contactId && r.contactVisible ? r.contactName : null;
      return {
        id: r.id,
        title: ctx.t(r.kind === "sale" ? "search.sale" : "search.refund", { receipt: r.receiptNo, total: formatRupiah(Number(r.total), ctx.language) }),
        subtitle: [r.store, formatDateTime(r.occurredAt, ctx.language, r.timeZone), customer].filter(Boolean).join(" · "),
        href: customer ? `/staff/contacts/${r.contactId}` : undefined,
      };
    });
  },
});
