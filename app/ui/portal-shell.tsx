import { Form, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "./language-switcher.tsx";

export interface NavItem {
  to: string;
  label: string;
  end?: boolean;
  /** The area of work it is listed under (the staff sidebar), translated. */
  group?: string;
}

/** Header, navigation and main area shared by the three portals. */
export function PortalShell({
  portalName,
  home,
  userName,
  nav,
  accountHref,
  search,
  navigation,
  children,
}: {
  portalName: string;
  home: string;
  userName: string;
  nav: NavItem[];
  /** The user's own sign-in security page (second factors), linked from their name. */
  accountHref?: string;
  /** A search box for the header (the staff portal's global search). */
  search?: ReactNode;
  /** The navigation in place of the bar of links (the staff sidebar), beside the page. */
  navigation?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("shell.skipToContent")}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <a className="brand" href={home}>
            Nusa CRM<small>{portalName}</small>
          </a>
          {search}
          <span className="spacer" />
          {accountHref ? (
            <a className="who" href={accountHref} title={t("shell.accountSecurity")}>
              {userName}
            </a>
          ) : (
            <span className="who">{userName}</span>
          )}
          <LanguageSwitcher />
          <Form method="post" action="/logout">
            <button type="submit" className="link-button">
              {t("shell.signOut")}
            </button>
          </Form>
        </div>
      </header>
      <div className={navigation ? "with-sidebar" : undefined}>
        {navigation ?? (
          <nav className="nav" aria-label={t("shell.mainNav")}>
            <NavLinks items={nav} />
          </nav>
        )}
        <main className="page" id="main">
          {children}
        </main>
      </div>
    </>
  );
}

/** A list of menu links, the current page marked (aria-current) by NavLink. */
export function NavLinks({ items, labelledBy }: { items: NavItem[]; labelledBy?: string }) {
  return (
    <ul aria-labelledby={labelledBy}>
      {items.map((item) => (
        <li key={item.to}>
          <NavLink to={item.to} end={item.end} prefetch="intent">
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="actions">{children}</div> : null}
    </div>
  );
}
