// retail-pos server part: the contact 360 panel, timeline entries, a dashboard widget and demo data.
import { defineServer, presetRange, z } from "../../app/plugin-api/index.ts";
import { sql } from "drizzle-orm";
import { retailPosSales } from "./schema.ts";
import { posKpis } from "./kpis.server.ts";
import { staffTimeZone } from "../../app/plugin-api/server.ts";
import { posEvents } from "./events.ts";
import { formatDateTime, formatRupiah } from "../../app/plugin-api/ui.ts";
import { receiptTransactions } from "./analytics-transactions.server.ts";
import { runImport } from "./sale-import.server.ts";
import { seedRetailPos } from "./seed.server.ts";
import { contactSales, moveSalesToContact, purchaseSummary, salesReport } from "./sales-history.server.ts";
import { personalData } from "./personal-data.server.ts";
import { receiptSearch } from "./search.server.ts";

export default defineServer({
  personalData,
  jobs: [
    {
      // a staged batch import (sale-import.server.ts); resumes where it stopped when retried
      name: "import-sales",
      run: async (data, ctx) => {
        const importId = z.string().uuid().parse(data.importId);
        const done = await runImport({ db: ctx.db, bus: ctx.services }, importId, {
          onChunk: ({ processed, fellBack }) => {
            if (fellBack) ctx.logger.warn({ importId, processed, err: fellBack }, "sales import chunk recorded receipt by receipt after its bulk write failed");
          },
          // well within the queue's 15-minute job limit; a large file continues in the next job
          stopAfterMs: 10 * 60_000,
        });
        if (done?.continues) {
          await ctx.services.jobs.send("retail-pos.import-sales", { importId });
          return;
        }
        if (done) ctx.logger.info({ importId: done.id, recorded: done.recordedRows, duplicates: done.duplicateRows, errors: done.errors.length }, "sales import finished");
      },
    },
  ],
  events: Object.values(posEvents),
  handlers: {
    // a merged duplicate's receipts follow it to the contact that is kept
    "core.contact.merged": async (event, ctx) => {
      const { keptContactId, mergedContactId } = event.payload;
      await moveSalesToContact(ctx.db, mergedContactId, keptContactId);
    },
  },
  contactPanels: [
    {
      id: "purchases",
      permission: "retail-pos.sale.read",
      load: async (contactId, ctx) => {
        const s = await purchaseSummary(ctx.db, contactId);
        if (s.sales === 0) return { title: ctx.t("panel.title"), rows: [], empty: ctx.t("panel.empty") };
        return {
          title: ctx.t("panel.title"),
          rows: [
            { label: ctx.t("panel.sales"), value: String(s.sales) },
            { label: ctx.t("panel.spend12m"), value: formatRupiah(s.spend12m, ctx.language) },
            { label: ctx.t("panel.spendAll"), value: formatRupiah(s.spendAll, ctx.language) },
            { label: ctx.t("panel.lastPurchase"), value: s.lastAt ? `${formatDateTime(s.lastAt, ctx.language)} · ${s.lastStore ?? ""}` : "—" },
          ],
        };
      },
    },
  ],
  transactions: [receiptTransactions],
  /** Receipt numbers in the staff global search. */
  searchProviders: [receiptSearch],
  timeline: [
    {
      type: "retail-pos.sale",
      permission: "retail-pos.sale.read",
      list: async (contactId, range, ctx) =>
        (await contactSales(ctx.db, contactId, range)).map((s) => ({
          id: `pos-${s.id}`,
          at: s.occurredAt,
          channel: "visit",
          icon: "receipt",
          view: {
            title: ctx.t(s.kind === "sale" ? "timeline.sale" : "timeline.refund", { store: s.store }),
            body: ctx.t("timeline.body", { receipt: s.receipt_no, total: formatRupiah(s.total, ctx.language), count: s.items }),
          },
        })),
    },
  ],
  /** Measures for dashboards and reports (kpis.server.ts). */
  kpis: posKpis,
  dashboardWidgets: [
    {
      id: "sales-7d",
      permission: "retail-pos.report.read",
      load: async (ctx) => {
        const range = presetRange("7d", await staffTimeZone(ctx.db, ctx.actor));
        const rows = await salesReport(ctx.db, { ...range, groupBy: "store" });
        return {
          kind: "list",
          title: ctx.t("widget.title"),
          items: rows.map((r) => ({ label: r.key, value: formatRupiah(r.net, ctx.language), href: `/staff/pos/reports?from=${range.from}&to=${range.to}` })),
          empty: ctx.t("widget.empty"),
        };
      },
    },
  ],
  // a shopper here: the contact has a receipt (its /portal entries show to them only)
  portalRelationship: (contactId) => sql`exists (select 1 from ${retailPosSales} where ${retailPosSales.contactId} = ${contactId})`,
  seed: seedRetailPos,
});
