// retail-loyalty manifest: data only. Requires retail-pos: points are earned from its sale events
// and vouchers are burned at its tills.
import { definePlugin } from "../../app/plugin-api/index.ts";

export default definePlugin({
  id: "retail-loyalty",
  version: "1.0.0",
  requires: ["retail-pos"],
  name: "meta.name",
  description: "meta.description",
  permissions: {
    "retail-loyalty.member.read": { roles: ["manager", "agent", "marketing", "cashier"] },
    "retail-loyalty.member.manage": { roles: ["manager", "agent"] },
    "retail-loyalty.points.adjust": { roles: ["manager"] },
    "retail-loyalty.voucher.burn": { roles: ["manager", "cashier"] },
    "retail-loyalty.program.read": { roles: ["manager", "marketing"] },
    "retail-loyalty.program.manage": { roles: ["manager"] },
  },
  routes: [
    { portal: "staff", path: "loyalty", file: "routes/staff.loyalty.tsx" },
    { portal: "staff", path: "loyalty-vouchers", file: "routes/staff.vouchers.tsx" },
    { portal: "staff", path: "loyalty-settings", file: "routes/staff.loyalty-settings.tsx" },
    { portal: "portal", path: "loyalty", file: "routes/portal.loyalty.tsx" },
  ],
  nav: [
    { portal: "staff", to: "loyalty", area: "retail", label: "nav.program", icon: "star", permission: "retail-loyalty.member.read" },
    { portal: "staff", to: "loyalty-vouchers", area: "retail", label: "nav.vouchers", icon: "ticket", permission: "retail-loyalty.voucher.burn" },
    { portal: "portal", to: "loyalty", label: "nav.points", icon: "star" },
  ],
  events: { emits: [], handles: ["pos.sale.recorded@1", "pos.sale.refunded@1", "core.contact.merged@1"] },
  purposes: [
    {
      id: "retail-loyalty.membership",
      name: { id: "Keanggotaan dan poin", en: "Membership and points" },
      description: {
        id: "Mengumpulkan dan menukar poin, tingkat anggota, dan voucher.",
        en: "Earning and redeeming points, member tiers and vouchers.",
      },
      legalBasis: "contract",
      dataCategories: { general: ["identity", "transactions"], specific: [] },
      retentionDays: 3 * 365,
      processors: [],
    },
  ],
});
