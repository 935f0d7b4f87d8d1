// The requester's ticket list, apart from the ticket forms (requester-tickets.tsx), so that the list
// page does not load the form components. `ns` is "portal" or "partner".
import { Link, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { defaultTimeZone, formatDateTime, type TimeZone } from "../core/i18n/format.ts";
import type { Language } from "../core/i18n/languages.ts";
import { PageHeader } from "./portal-shell.tsx";
import { StatusBadge } from "./tickets.tsx";

type Ns = "portal" | "partner";

export interface OwnTicketRow {
  id: string;
  number: string;
  subject: string;
  status: string;
  category: string;
  createdAt: string | Date;
  updatedAt: string | Date;
  satisfaction: string | null;
  openedByName: string | null;
  timeZone: TimeZone | null;
}

export function RequesterTicketList({
  ns,
  base,
  tickets,
  next,
  language,
  showOpener,
}: {
  ns: Ns;
  base: string;
  tickets: OwnTicketRow[];
  next: string | null;
  language: Language;
  showOpener: boolean;
}) {
  const { t } = useTranslation(ns);
  const [params] = useSearchParams();
  return (
    <>
      <PageHeader title={t("tickets.title")}>
        <Link to={`${base}/new`} className="button">
          {t("tickets.newButton")}
        </Link>
      </PageHeader>
      <p className="muted">{t("tickets.intro")}</p>
      {tickets.length === 0 ? (
        <p className="card muted">{t("tickets.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("tickets.columns.subject")}</th>
              <th>{t("tickets.columns.status")}</th>
              <th>{t("tickets.columns.category")}</th>
              {showOpener ? <th>{t("tickets.columns.openedBy")}</th> : null}
              <th>{t("tickets.columns.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((ticket) => (
              <tr key={ticket.id}>
                <td data-label={t("tickets.columns.subject")}>
                  <Link to={`${base}/${ticket.id}`}>{ticket.subject}</Link> <span className="muted">{ticket.number}</span>
                </td>
                <td data-label={t("tickets.columns.status")}>
                  <StatusBadge status={ticket.status} t={t} />
                </td>
                <td data-label={t("tickets.columns.category")}>{t(`tickets.categories.${ticket.category}`)}</td>
                {showOpener ? <td data-label={t("tickets.columns.openedBy")}>{ticket.openedByName ?? "—"}</td> : null}
                <td data-label={t("tickets.columns.updated")}>{formatDateTime(ticket.updatedAt, language, ticket.timeZone ?? defaultTimeZone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("common:pager.next")}>
        {params.get("after") ? <Link to={base}>{t("common:pager.first")}</Link> : <span />}
        {next ? <Link to={`${base}?after=${encodeURIComponent(next)}`}>{t("common:pager.next")}</Link> : null}
      </nav>
    </>
  );
}
