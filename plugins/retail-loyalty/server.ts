// retail-loyalty server part: earning and reversal from POS events, daily expiry, the 360 panel,
// timeline entries, dashboard widgets and the demo program.
import { defineServer } from "../../app/plugin-api/index.ts";
import { loyaltyKpis } from "./kpis.server.ts";
import { formatNumber, formatRupiah } from "../../app/plugin-api/ui.ts";
import { earnFromSales } from "./batch-earn.server.ts";
import { burnVoucher, expireDuePoints, memberOverview, programKpis, reverseRefund } from "./ledger.server.ts";
import { ledgerEntriesOf } from "./member-queries.server.ts";
import { moveMembership } from "./member-merge.server.ts";
import { seedRetailLoyalty } from "./seed.server.ts";
import { loyaltySegmentFields } from "./segment-fields.server.ts";
import { voucherCommands } from "./voucher-commands.server.ts";
import { personalData } from "./personal-data.server.ts";
import { portalRelationship, portalWidgets } from "./portal-widgets.server.ts";

export default defineServer({
  personalData,
  handlers: {
    // batches of consecutive events of one name, in log order (ADR 012, 025): the earns of a batch in
    // one pass, refunds one by one after the sales before them
    "pos.sale.recorded": {
      batch: async (events, ctx) => {
        const sales = events.map((e) => e.payload);
        await earnFromSales(ctx.db, sales);
        for (const sale of sales) {
          for (const code of sale.voucherCodes) {
            const burned = await burnVoucher(ctx.db, { kind: "system" }, { code, receiptNo: sale.receiptNumber });
            if (!burned.ok) ctx.logger.warn({ code, receipt: sale.receiptNumber, error: burned.error }, "voucher on a sale could not be burned");
          }
        }
      },
    },
    "pos.sale.refunded": {
      batch: async (events, ctx) => {
        for (const event of events) await reverseRefund(ctx.db, event.payload);
      },
    },
    // a merged duplicate's membership, points, lots and vouchers follow it to the kept contact
    "core.contact.merged": async (event, ctx) => {
      const { keptContactId, mergedContactId } = event.payload;
      const moved = await moveMembership(ctx.db, mergedContactId, keptContactId);
      if (moved.outcome !== "none") ctx.logger.info({ keptContactId, mergedContactId, ...moved }, "loyalty membership moved on contact merge");
    },
  },
  // the till's voucher check and burn, asked for by retail-pos's API through the core
  commands: voucherCommands,
  jobs: [
    {
      name: "expire-points",
      cron: "30 17 * * *", // 00:30 WIB
      run: async (_data, ctx) => {
        const points = await expireDuePoints(ctx.db);
        if (points) ctx.logger.info({ points }, "loyalty points expired");
      },
    },
  ],
  contactPanels: [
    {
      id: "membership",
      permission: "retail-loyalty.member.read",
      load: async (contactId, ctx) => {
        const m = await memberOverview(ctx.db, contactId);
        if (!m) return { title: ctx.t("panel.title"), rows: [], empty: ctx.t("panel.notMember"), actions: [{ label: ctx.t("panel.enrol"), href: `/staff/loyalty?contact=${contactId}` }] };
        return {
          title: ctx.t("panel.title"),
          rows: [
            { label: ctx.t("panel.memberNo"), value: m.memberNo },
            { label: ctx.t("panel.tier"), value: m.tier?.name ?? "—" },
            { label: ctx.t("panel.balance"), value: ctx.t("points", { count: m.balance, formatted: formatNumber(m.balance, ctx.language) }) },
            { label: ctx.t("panel.spend12m"), value: formatRupiah(m.spend12m, ctx.language) },
            ...(m.expiring.points ? [{ label: ctx.t("panel.expiring"), value: ctx.t("points", { count: m.expiring.points, formatted: formatNumber(m.expiring.points, ctx.language) }) }] : []),
          ],
          actions: [{ label: ctx.t("panel.adjust"), href: `/staff/loyalty?contact=${contactId}` }],
        };
      },
    },
  ],
  timeline: [
    {
      type: "retail-loyalty.entry",
      permission: "retail-loyalty.member.read",
      list: async (contactId, range, ctx) =>
        (await ledgerEntriesOf(ctx.db, contactId, range)).map((e) => ({
          id: `loyalty-${e.id}`,
          at: e.occurredAt,
          channel: "note",
          icon: "star",
          view: { title: ctx.t(`timeline.${e.kind}`, { count: Math.abs(e.points), formatted: formatNumber(Math.abs(e.points), ctx.language) }), body: e.reason ?? undefined },
        })),
    },
  ],
  /** Measures for dashboards and reports (kpis.server.ts). */
  kpis: loyaltyKpis,
  dashboardWidgets: [
    {
      id: "liability",
      permission: "retail-loyalty.program.read",
      load: async (ctx) => {
        const k = await programKpis(ctx.db);
        return { kind: "stat", title: ctx.t("widget.liability"), value: formatRupiah(k.liabilityIdr, ctx.language), hint: ctx.t("widget.liabilityHint", { members: formatNumber(k.activeMembers, ctx.language), rate: formatNumber(k.redemptionRatePct, ctx.language) }) };
      },
    },
  ],
  // the shopper's home: points, tier progress, points expiring; shown to members only
  portalWidgets,
  portalRelationship,
  seed: seedRetailLoyalty,
  segmentFields: loyaltySegmentFields,
});

