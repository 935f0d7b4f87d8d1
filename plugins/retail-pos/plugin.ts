// retail-pos manifest: data only.
import { definePlugin } from "../../app/plugin-api/index.ts";

/** Partners who see how their products sell: suppliers. */
export const sellThroughPartnerTypes = ["supplier"] as const;

export default definePlugin({
  id: "retail-pos",
  version: "1.0.0",
  requires: [],
  name: "meta.name",
  description: "meta.description",
  roles: ["cashier"],
  // the cashier's home page and member look-up; patients stay hidden (no core.patient.read)
  coreGrants: { cashier: ["core.dashboard.read", "core.contact.read"] },
  permissions: {
    "retail-pos.sale.read": { roles: ["manager", "agent", "marketing", "cashier"] },
    "retail-pos.report.read": { roles: ["manager", "marketing"] },
    "retail-pos.product.manage": { roles: ["manager"] },
    "retail-pos.connection.manage": { roles: ["manager"] },
    "retail-pos.sale.import": { roles: ["manager"] },
  },
  routes: [
    { portal: "api", path: "pos/v1/sales", file: "routes/api.sales.ts" },
    { portal: "api", path: "pos/v1/refunds", file: "routes/api.refunds.ts" },
    { portal: "api", path: "pos/v1/openapi.json", file: "routes/api.openapi.ts" },
    { portal: "api", path: "pos/v1/vouchers/:code/check", file: "routes/api.voucher-check.ts" },
    { portal: "api", path: "pos/v1/vouchers/:code/redeem", file: "routes/api.voucher-redeem.ts" },
    { portal: "staff", path: "pos/reports", file: "routes/staff.reports.tsx" },
    { portal: "staff", path: "pos/reports/export", file: "routes/staff.reports.export.ts" },
    { portal: "staff", path: "pos/products", file: "routes/staff.products.tsx" },
    { portal: "staff", path: "pos/connections", file: "routes/staff.connections.tsx" },
    { portal: "staff", path: "pos/imports", file: "routes/staff.imports.tsx" },
    { portal: "portal", path: "receipts", file: "routes/portal.receipts.tsx" },
    { portal: "partner", path: "sell-through", file: "routes/partner.sell-through.tsx" },
  ],
  nav: [
    { portal: "staff", to: "pos/reports", area: "retail", label: "nav.reports", icon: "chart", permission: "retail-pos.report.read" },
    { portal: "staff", to: "pos/products", area: "retail", label: "nav.products", icon: "box", permission: "retail-pos.sale.read" },
    { portal: "staff", to: "pos/connections", area: "retail", label: "nav.connections", icon: "plug", permission: "retail-pos.connection.manage" },
    { portal: "staff", to: "pos/imports", area: "retail", label: "nav.imports", icon: "upload", permission: "retail-pos.sale.import" },
    { portal: "portal", to: "receipts", label: "nav.receipts", icon: "receipt" },
    { portal: "partner", to: "sell-through", label: "nav.sellThrough", icon: "chart", partnerTypes: sellThroughPartnerTypes },
  ],
  events: { emits: ["pos.sale.recorded", "pos.sale.refunded"], handles: ["core.contact.merged@1"] },
  purposes: [
    {
      id: "retail-pos.sales",
      name: { id: "Riwayat pembelian", en: "Purchase history" },
      description: {
        id: "Mencatat pembelian dari kasir toko untuk layanan, poin, dan laporan.",
        en: "Recording purchases from the store tills for service, points and reports.",
      },
      legalBasis: "contract",
      dataCategories: { general: ["transactions"], specific: [] },
      retentionDays: 10 * 365,
      legalHold: { years: 10, law: "UU 8/1997 Dokumen Perusahaan" },
      processors: [],
    },
  ],
});
