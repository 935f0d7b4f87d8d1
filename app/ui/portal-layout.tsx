// The three portals' layout routes (staff, portal, partner) in one place: the shell with the
// signed-in user's navigation, and an error boundary that keeps that shell when a page of the
// portal answers 403, 404 or fails, so the user can go on from the menu instead of a bare page.
import { isRouteErrorResponse, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { PortalShell, type NavItem } from "./portal-shell.tsx";

const portals = {
  staff: { home: "/staff", accountHref: "/staff/security" },
  portal: { home: "/portal", accountHref: undefined },
  partner: { home: "/partner", accountHref: "/partner/security" },
} as const;

export type PortalKey = keyof typeof portals;

/** What each portal's layout loader returns. */
export interface PortalLayoutData {
  userName: string;
  nav: NavItem[];
}

/**
 * `search`: what goes in the header's search slot (the staff shell's box). A layout passes it in,
 * so that portals without one do not ship its code: every page loads this module through root.
 */
interface ShellProps {
  portal: PortalKey;
  search?: ReactNode;
  /** Draws the navigation instead of the bar of links (passed in for the same reason as `search`). */
  menu?: (nav: NavItem[]) => ReactNode;
}

function Shell({ portal, search, menu, data, children }: ShellProps & { data: PortalLayoutData; children: ReactNode }) {
  const { t } = useTranslation();
  const { home, accountHref } = portals[portal];
  return (
    <PortalShell
      portalName={t(`portals.${portal}`)}
      home={home}
      userName={data.userName}
      nav={data.nav}
      accountHref={accountHref}
      search={search}
      navigation={menu?.(data.nav)}
    >
      {children}
    </PortalShell>
  );
}

export function PortalLayout({ portal, search, menu }: ShellProps) {
  const data = useLoaderData<PortalLayoutData>();
  return (
    <Shell portal={portal} search={search} menu={menu} data={data}>
      <Outlet />
    </Shell>
  );
}

/** Status, title and explanation of a route error, in the user's language. */
export function ErrorMessage({ home }: { home: string }) {
  const error = useRouteError();
  const { t } = useTranslation("common");
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 404 ? "notFound" : status === 403 ? "forbidden" : "serverError";
  return (
    <div className="error-page">
      <p className="error-code">{status}</p>
      <h1>{t(`errors.${key}.title`)}</h1>
      <p>{t(`errors.${key}.body`)}</p>
      <a className="button" href={home}>
        {t("errors.home")}
      </a>
    </div>
  );
}

/**
 * A page of the portal failed: the message inside the portal's shell. When the layout's own loader
 * failed (not signed in as this portal's user), there is no menu to keep: the message alone.
 */
export function PortalErrorBoundary({ portal, search, menu }: ShellProps) {
  const data = useRouteLoaderData<PortalLayoutData>(`routes/${portal}/layout`);
  if (!data) {
    return (
      <main id="main">
        <ErrorMessage home="/" />
      </main>
    );
  }
  return (
    <Shell portal={portal} search={search} menu={menu} data={data}>
      <ErrorMessage home={portals[portal].home} />
    </Shell>
  );
}
