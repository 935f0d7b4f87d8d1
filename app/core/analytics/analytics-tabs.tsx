// Links between the customer analytics pages; a page the user may not open is not shown.
import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export const analyticsTabs = [
  { to: "/staff/analytics", permission: "core.scores.view", label: "tabs.segments" },
  { to: "/staff/analytics/at-risk", permission: "core.scores.view", label: "tabs.atRisk" },
  { to: "/staff/analytics/cohorts", permission: "core.report.read", label: "tabs.cohorts" },
  { to: "/staff/analytics/model", permission: "core.scores.view", label: "tabs.model" },
] as const;

/** The analytics permissions a user holds: what a loader passes to <AnalyticsTabs>. */
export function analyticsTabPermissions(held: ReadonlySet<string>): string[] {
  return [...new Set(analyticsTabs.map((tab) => tab.permission))].filter((p) => held.has(p));
}

export function AnalyticsTabs({ permissions }: { permissions: readonly string[] }) {
  const { t } = useTranslation("analytics");
  const visible = analyticsTabs.filter((tab) => permissions.includes(tab.permission));
  if (visible.length < 2) return null;
  return (
    <nav className="tabs" aria-label={t("sections")}>
      {visible.map((tab) => (
        <NavLink key={tab.to} to={tab.to} prefetch="intent" end>
          {t(tab.label)}
        </NavLink>
      ))}
    </nav>
  );
}
