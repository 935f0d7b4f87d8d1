// The staff shell's menu: entries grouped by area of work, a sidebar on wide screens and, on a
// phone, a "Menu" button that opens the same list above the page. The button is a link to the
// list, which CSS shows as the link's target: without JavaScript, the menu still opens.
import { useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLinks, type NavItem } from "./portal-shell.tsx";

interface Group {
  heading?: string;
  items: NavItem[];
}

/** Consecutive entries of one area under one heading (the server sends them ordered by area). */
function byArea(nav: NavItem[]): Group[] {
  const groups: Group[] = [];
  for (const item of nav) {
    const last = groups.at(-1);
    if (last && last.heading === item.group) last.items.push(item);
    else groups.push({ heading: item.group, items: [item] });
  }
  return groups;
}

export function StaffSidebar({ nav }: { nav: NavItem[] }) {
  const { t } = useTranslation();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <nav className="sidebar" aria-label={t("shell.mainNav")} data-open={open}>
      <a
        href="#staff-menu"
        role="button"
        className="sidebar-toggle"
        aria-expanded={open}
        aria-controls="staff-menu"
        onClick={(event) => {
          event.preventDefault();
          setOpen(!open);
        }}
        onKeyDown={(event) => {
          if (event.key !== " ") return;
          event.preventDefault();
          setOpen(!open);
        }}
      >
        <span aria-hidden="true">☰</span> {t("shell.menu")}
      </a>
      <div id="staff-menu" className="sidebar-menu">
        {byArea(nav).map((group, index) => (
          <div key={group.heading ?? ""} className="sidebar-group">
            {group.heading ? (
              <p className="sidebar-heading" id={`menu-area-${index}`}>
                {group.heading}
              </p>
            ) : null}
            <NavLinks items={group.items} labelledBy={group.heading ? `menu-area-${index}` : undefined} />
          </div>
        ))}
      </div>
    </nav>
  );
}
