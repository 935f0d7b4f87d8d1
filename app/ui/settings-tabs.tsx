import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The settings pages, each behind its own permission. */
export const settingsTabs = [
  { to: "/staff/settings/users", permission: "core.user.manage", label: "settings.tabs.users" },
  { to: "/staff/settings/roles", permission: "core.role.manage", label: "settings.tabs.roles" },
  { to: "/staff/settings/branches", permission: "core.branch.manage", label: "settings.tabs.branches" },
  { to: "/staff/settings/plugins", permission: "core.plugin.manage", label: "settings.tabs.plugins" },
  { to: "/staff/settings/messaging", permission: "core.settings.manage", label: "messaging.tab" },
  { to: "/staff/settings/api-tokens", permission: "core.settings.manage", label: "settings.tabs.apiTokens" },
  { to: "/staff/settings/tickets", permission: "core.settings.manage", label: "settings.tabs.tickets" },
  { to: "/staff/settings/satusehat", permission: "core.settings.manage", label: "settings.tabs.satusehat" },
  { to: "/staff/settings/status", permission: "core.settings.manage", label: "settings.tabs.status" },
  { to: "/staff/settings/events", permission: "core.settings.manage", label: "settings.tabs.events" },
  { to: "/staff/settings/security", permission: "core.settings.manage", label: "settings.tabs.security" },
] as const;

/** The settings permissions a user holds: what a loader passes to <SettingsTabs>. */
export function settingsTabPermissions(held: ReadonlySet<string>): string[] {
  return settingsTabs.map((tab) => tab.permission).filter((p) => held.has(p));
}

/** Links between the settings pages; a page the user may not open is not shown. */
export function SettingsTabs({ permissions }: { permissions: readonly string[] }) {
  const { t } = useTranslation("staff");
  const visible = settingsTabs.filter((tab) => permissions.includes(tab.permission));
  if (visible.length < 2) return null;
  return (
    <nav className="nav" aria-label={t("settings.tabs.label")}>
      <ul>
        {visible.map((tab) => (
          <li key={tab.to}>
            <NavLink to={tab.to} prefetch="intent">
              {t(tab.label)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * The settings page header: title and tabs side by side, wrapping under the title on a phone.
 * The tab bar sits directly in the flex row (not in PageHeader's actions box) so it can shrink
 * and scroll sideways instead of widening the page.
 */
export function SettingsHeader({ title, permissions }: { title: string; permissions: readonly string[] }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      <SettingsTabs permissions={permissions} />
    </div>
  );
}
