import type { AppLoadContext } from "@remix-run/node";
import { fixedT } from "../i18n/i18n.server.ts";
import { pluginEntryAudience } from "../portal-home/portal-audience.server.ts";
import { staffNavAreas, type PluginNavEntry, type StaffNavArea } from "../plugins/contract.ts";
import type { NavItem } from "../../ui/portal-shell.tsx";

interface CoreNavEntry {
  to: string;
  label: string;
  /** Shown when the user holds this permission, or any of these. */
  permission?: string | readonly string[];
  end?: boolean;
}

const settingsPermissions = ["core.user.manage", "core.role.manage", "core.branch.manage", "core.plugin.manage", "core.settings.manage"] as const;

/** The staff sidebar's core entries: the dashboard on its own, then each entry under its area of work. */
const staffNav: (CoreNavEntry & { area?: StaffNavArea })[] = [
  { to: "/staff", label: "staff:nav.dashboard", permission: "core.dashboard.read", end: true },
  { to: "/staff/contacts", label: "staff:nav.contacts", permission: "core.contact.read", area: "customers" },
  { to: "/staff/partners", label: "staff:nav.partners", permission: "core.partner.read", area: "customers" },
  { to: "/staff/tickets", label: "staff:nav.tickets", permission: "core.ticket.read", area: "service" },
  { to: "/staff/tasks", label: "staff:nav.tasks", permission: "core.task.manage", area: "service" },
  { to: "/staff/surveys", label: "staff:nav.surveys", permission: "core.survey.read", area: "service" },
  { to: "/staff/segments", label: "staff:nav.segments", permission: "core.segment.manage", area: "marketing" },
  { to: "/staff/analytics", label: "analytics:menu", permission: "core.scores.view", area: "marketing" },
  { to: "/staff/reports/management", label: "reports:management.nav", permission: "core.report.read", area: "reports" },
  { to: "/staff/reports/subscriptions", label: "reports:schedule.nav", permission: "core.report.schedule", area: "reports" },
  { to: "/staff/settings", label: "staff:nav.settings", permission: settingsPermissions, area: "administration" },
  { to: "/staff/privacy", label: "privacy:nav.desk", permission: ["core.privacy.manage", "core.privacyRequest.manage", "core.privacyIncident.manage"], area: "administration" },
  { to: "/staff/audit", label: "privacy:nav.audit", permission: "core.audit.read", area: "administration" },
  { to: "/staff/mailbox", label: "staff:nav.mailbox", permission: "core.mailbox.read", area: "administration" },
];

const coreNav: Record<Exclude<PluginNavEntry["portal"], "staff">, CoreNavEntry[]> = {
  portal: [
    { to: "/portal", label: "portal:nav.home", end: true },
    { to: "/portal/profile", label: "portal:nav.profile" },
    { to: "/portal/tickets", label: "portal:nav.tickets" },
  ],
  partner: [
    { to: "/partner", label: "partner:nav.organisation", end: true },
    { to: "/partner/users", label: "partner:nav.users" },
    { to: "/partner/tickets", label: "partner:nav.tickets" },
    { to: "/partner/reports", label: "reports:nav" },
  ],
};

const trailingNav: Record<Exclude<PluginNavEntry["portal"], "staff">, CoreNavEntry[]> = {
  portal: [
    { to: "/portal/privacy", label: "privacy:nav.mine" },
    { to: "/portal/password", label: "portal:nav.password" },
  ],
  partner: [
    { to: "/partner/privacy", label: "privacy:nav.mine" },
    { to: "/partner/password", label: "partner:nav.password" },
  ],
};

/** A portal's navigation: core entries and enabled plugins' entries the user may see, translated. */
export async function portalNavigation(context: AppLoadContext, portal: PluginNavEntry["portal"]) {
  if (portal === "staff") return staffNavigation(context);
  const { runtime, auth, language } = context;
  const permissions = auth?.actor.kind === "staff" ? auth.actor.permissions : null;
  const allowed = (p?: string | readonly string[]) => !p || [p].flat().some((one) => permissions?.has(one));
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const t = fixedT(language);
  // a customer sees a plugin's entries when they have something with it, a partner when their organisation's type uses them
  const shown = await pluginEntryAudience(runtime, auth?.actor ?? null, portal, enabled);
  const pluginEntries = runtime.registry
    .nav(portal, enabled, permissions)
    .filter(shown)
    .map((n) => ({ to: `/${portal}/${n.to}`, label: t(`${n.pluginId}:${n.label}`), end: false }));
  return [
    ...coreNav[portal].filter((n) => allowed(n.permission)).map((n) => ({ to: n.to, label: t(n.label), end: n.end })),
    ...pluginEntries,
    ...trailingNav[portal].filter((n) => allowed(n.permission)).map((n) => ({ to: n.to, label: t(n.label), end: n.end })),
  ];
}

/**
 * The staff sidebar: the dashboard, then the core's and enabled plugins' entries the user's roles
 * may use, grouped by area of work in the order of `staffNavAreas` (core entries first in an area).
 */
async function staffNavigation(context: AppLoadContext): Promise<NavItem[]> {
  const { runtime, auth, language } = context;
  const permissions = auth?.actor.kind === "staff" ? auth.actor.permissions : null;
  const allowed = (p?: string | readonly string[]) => !p || [p].flat().some((one) => permissions?.has(one));
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const t = fixedT(language);
  const entries = [
    ...staffNav.filter((n) => allowed(n.permission)).map((n) => ({ to: n.to, label: t(n.label), end: n.end, area: n.area })),
    ...runtime.registry.nav("staff", enabled, permissions).map((n) => ({ to: `/staff/${n.to}`, label: t(`${n.pluginId}:${n.label}`), end: false, area: n.area })),
  ];
  const rank = (area?: StaffNavArea) => (area ? staffNavAreas.indexOf(area) + 1 : 0);
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => rank(a.entry.area) - rank(b.entry.area) || a.index - b.index)
    .map(({ entry: { area, ...item } }) => (area ? { ...item, group: t(`staff:nav.areas.${area}`) } : item));
}
