import type { AppLoadContext } from "@remix-run/node";
import { fixedT } from "../i18n/i18n.server.ts";
import { pluginEntryAudience } from "../portal-home/portal-audience.server.ts";
import type { PluginNavEntry } from "../plugins/contract.ts";

interface CoreNavEntry {
  to: string;
  label: string;
  /** Shown when the user holds this permission, or any of these. */
  permission?: string | readonly string[];
  end?: boolean;
}

const settingsPermissions = ["core.user.manage", "core.role.manage", "core.branch.manage", "core.plugin.manage", "core.settings.manage"] as const;

const coreNav: Record<PluginNavEntry["portal"], CoreNavEntry[]> = {
  staff: [
    { to: "/staff", label: "staff:nav.dashboard", permission: "core.dashboard.read", end: true },
    { to: "/staff/contacts", label: "staff:nav.contacts", permission: "core.contact.read" },
    { to: "/staff/segments", label: "staff:nav.segments", permission: "core.segment.manage" },
    { to: "/staff/analytics", label: "analytics:menu", permission: "core.scores.view" },
    { to: "/staff/tasks", label: "staff:nav.tasks", permission: "core.task.manage" },
    { to: "/staff/tickets", label: "staff:nav.tickets", permission: "core.ticket.read" },
    { to: "/staff/partners", label: "staff:nav.partners", permission: "core.partner.read" },
  ],
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

const trailingNav: Record<PluginNavEntry["portal"], CoreNavEntry[]> = {
  staff: [
    { to: "/staff/surveys", label: "staff:nav.surveys", permission: "core.survey.read" },
    { to: "/staff/reports/management", label: "reports:management.nav", permission: "core.report.read" },
    { to: "/staff/reports/subscriptions", label: "reports:schedule.nav", permission: "core.report.schedule" },
    { to: "/staff/settings", label: "staff:nav.settings", permission: settingsPermissions },
    { to: "/staff/privacy", label: "privacy:nav.desk", permission: ["core.privacy.manage", "core.privacyRequest.manage", "core.privacyIncident.manage"] },
    { to: "/staff/audit", label: "privacy:nav.audit", permission: "core.audit.read" },
    { to: "/staff/mailbox", label: "staff:nav.mailbox", permission: "core.mailbox.read" },
  ],
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
