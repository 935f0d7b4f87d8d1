// The role dashboards: which KPI tiles each shows (those the user may not see, or whose plugin is
// off, simply drop out), its default period, and which roles land on it. Client-safe data.
import type { RangePreset } from "../time/local-time.ts";

export const dashboardIds = ["frontOffice", "csLead", "marketing", "branchManager", "management"] as const;
export type DashboardId = (typeof dashboardIds)[number];

export interface DashboardDefinition {
  id: DashboardId;
  defaultPreset: RangePreset;
  kpis: string[];
  /** KPIs (of `kpis`) drawn as trend charts under the tiles. */
  charts: string[];
}

export const dashboards: Record<DashboardId, DashboardDefinition> = {
  frontOffice: {
    id: "frontOffice",
    defaultPreset: "today",
    kpis: [
      "hospital-appointments.visits",
      "hospital-appointments.noShowRate",
      "hospital-appointments.waitlistFillRate",
      "retail-pos.receipts",
      "retail-pos.netSales",
      "core.contacts.new",
      "core.tickets.opened",
      "core.tasks.overdue",
    ],
    charts: ["hospital-appointments.visits", "retail-pos.netSales", "core.tickets.opened"],
  },
  csLead: {
    id: "csLead",
    defaultPreset: "7d",
    kpis: ["core.tickets.opened", "core.tickets.closed", "core.tickets.firstResponseWithinSla", "core.tickets.withinSla", "core.tickets.backlog", "core.surveys.satisfaction", "core.surveys.responseRate", "core.tasks.overdue", "core.messages.failed"],
    charts: ["core.tickets.opened", "core.tickets.withinSla", "core.surveys.satisfaction"],
  },
  marketing: {
    id: "marketing",
    defaultPreset: "month",
    kpis: [
      "core.contacts.new",
      "core.contacts.active",
      "core.messages.sent",
      "core.messages.delivered",
      "core.messages.read",
      "core.messages.failed",
      "core.campaigns.reach",
      "core.consents.coverage",
      "retail-pos.membersShare",
      "retail-pos.repeatRate",
      "retail-loyalty.pointsIssued",
      "retail-loyalty.pointsRedeemed",
      "retail-loyalty.pointsLiability",
    ],
    charts: ["core.contacts.new", "core.messages.sent", "retail-pos.membersShare"],
  },
  branchManager: {
    id: "branchManager",
    defaultPreset: "month",
    kpis: [
      "hospital-appointments.visits",
      "hospital-appointments.noShowRate",
      "hospital-referrals.referralsIn",
      "hospital-referrals.acceptanceRate",
      "retail-pos.netSales",
      "retail-pos.receipts",
      "retail-pos.basketRupiah",
      "core.tickets.withinSla",
      "core.surveys.satisfaction",
      "core.tickets.backlog",
    ],
    charts: ["hospital-appointments.visits", "retail-pos.netSales", "core.surveys.satisfaction"],
  },
  management: {
    id: "management",
    defaultPreset: "quarter",
    kpis: [
      "hospital-appointments.visits",
      "hospital-appointments.noShowRate",
      "hospital-referrals.referralsIn",
      "hospital-referrals.referralsOut",
      "hospital-referrals.acceptanceRate",
      "retail-pos.netSales",
      "retail-pos.basketRupiah",
      "retail-pos.membersShare",
      "retail-loyalty.pointsLiability",
      "core.contacts.new",
      "core.tickets.withinSla",
      "core.surveys.satisfaction",
    ],
    charts: ["hospital-appointments.visits", "retail-pos.netSales", "core.contacts.new"],
  },
};

/** The dashboard a user lands on, from their roles (the first that matches, in this order). */
export function dashboardForRoles(roles: readonly string[]): DashboardId {
  if (roles.includes("admin")) return "management";
  if (roles.includes("manager")) return "branchManager";
  if (roles.includes("marketing")) return "marketing";
  if (roles.includes("frontdesk") || roles.includes("cashier") || roles.includes("doctor")) return "frontOffice";
  return "csLead";
}

export function isDashboardId(value: unknown): value is DashboardId {
  return typeof value === "string" && (dashboardIds as readonly string[]).includes(value);
}
