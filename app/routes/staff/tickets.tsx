import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff } from "../../core/auth/guards.server.ts";
import { defaultTimeZone, formatDateTime } from "../../core/i18n/format.ts";
import { ticketCategories, ticketFilterSchema, ticketPriorities, ticketStatuses } from "../../core/tickets/ticket-forms.ts";
import { assignableStaff, listTicketsForStaff, ticketFilterSubjects } from "../../core/tickets/tickets.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { PriorityBadge, StatusBadge } from "../../ui/tickets.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.ticket.read");
  const filters = ticketFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, subjects, staff] = await Promise.all([
    listTicketsForStaff(context.runtime.db, actor, filters),
    ticketFilterSubjects(context.runtime.db, filters),
    assignableStaff(context.runtime.db),
  ]);
  return {
    title: pageTitle(context.language, "staff:tickets.title"),
    ...list,
    subjects,
    staff,
    canManage: hasPermission(context.auth, "core.ticket.manage"),
    language: context.language,
  };
}

export default function StaffTickets() {
  const { tickets, next, subjects, staff, canManage, language } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  const nextParams = new URLSearchParams(params);
  if (next) nextParams.set("after", next);
  const firstParams = new URLSearchParams(params);
  firstParams.delete("after");
  const filtered = [...params.keys()].some((k) => k !== "after");
  // the list without one of the partner/contact filters, every other filter kept
  const without = (key: "partner" | "contact") => {
    const rest = new URLSearchParams(params);
    rest.delete(key);
    rest.delete("after");
    const query = rest.toString();
    return query ? `?${query}` : "/staff/tickets";
  };
  const scopes = [
    subjects.partner ? { key: "partner" as const, label: t("tickets.filters.partnerScope", { name: subjects.partner.name ?? t("tickets.filters.unknown") }) } : null,
    subjects.contact ? { key: "contact" as const, label: t("tickets.filters.contactScope", { name: subjects.contact.name ?? t("tickets.filters.unknown") }) } : null,
  ].filter((scope) => scope !== null);
  return (
    <>
      <PageHeader title={t("tickets.title")}>
        {canManage ? (
          <Link to="/staff/tickets/new" className="button">
            {t("tickets.newButton")}
          </Link>
        ) : null}
      </PageHeader>
      {scopes.length ? (
        <ul className="active-filters" aria-label={t("tickets.filters.activeLabel")}>
          {scopes.map((scope) => (
            <li key={scope.key} data-filter={scope.key}>
              <span className="badge info">{scope.label}</span>{" "}
              <Link to={without(scope.key)} aria-label={t("tickets.filters.clearScope", { filter: scope.label })}>
                {t("tickets.filters.clear")}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <Form method="get" className="toolbar filters" role="search" aria-label={t("tickets.filters.label")}>
        {subjects.partner ? <input type="hidden" name="partner" value={subjects.partner.id} /> : null}
        {subjects.contact ? <input type="hidden" name="contact" value={subjects.contact.id} /> : null}
        <div className="field">
          <label htmlFor="f-q">{t("tickets.filters.search")}</label>
          <input id="f-q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder={t("tickets.filters.searchPlaceholder")} />
        </div>
        <div className="field">
          <label htmlFor="f-status">{t("tickets.columns.status")}</label>
          <select id="f-status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">{t("tickets.filters.all")}</option>
            <option value="active">{t("tickets.filters.active")}</option>
            {ticketStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`tickets.statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-priority">{t("tickets.columns.priority")}</label>
          <select id="f-priority" name="priority" defaultValue={params.get("priority") ?? ""}>
            <option value="">{t("tickets.filters.all")}</option>
            {ticketPriorities.map((p) => (
              <option key={p} value={p}>
                {t(`tickets.priorities.${p}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-category">{t("tickets.columns.category")}</label>
          <select id="f-category" name="category" defaultValue={params.get("category") ?? ""}>
            <option value="">{t("tickets.filters.all")}</option>
            {ticketCategories.map((c) => (
              <option key={c} value={c}>
                {t(`tickets.categories.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-assignee">{t("tickets.columns.assignee")}</label>
          <select id="f-assignee" name="assignee" defaultValue={params.get("assignee") ?? ""}>
            <option value="">{t("tickets.filters.anyone")}</option>
            <option value="me">{t("tickets.filters.me")}</option>
            <option value="none">{t("tickets.filters.unassigned")}</option>
            {staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <label className="checkbox">
          <input type="checkbox" name="overdue" value="1" defaultChecked={params.get("overdue") === "1"} />
          {t("tickets.filters.overdue")}
        </label>
        <button type="submit" className="secondary">
          {t("tickets.filters.apply")}
        </button>
        {filtered ? <Link to="/staff/tickets">{t("tickets.filters.reset")}</Link> : null}
      </Form>
      {tickets.length === 0 ? (
        <p className="card muted">{t(filtered ? "tickets.emptyFiltered" : "tickets.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("tickets.columns.subject")}</th>
              <th>{t("tickets.columns.requester")}</th>
              <th>{t("tickets.columns.status")}</th>
              <th>{t("tickets.columns.priority")}</th>
              <th>{t("tickets.columns.assignee")}</th>
              <th>{t("tickets.columns.due")}</th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((ticket) => (
              <tr key={ticket.id}>
                <td data-label={t("tickets.columns.subject")}>
                  <Link to={`/staff/tickets/${ticket.id}`}>{ticket.subject}</Link>
                  <br />
                  <span className="muted">
                    {ticket.number} · {t(`tickets.categories.${ticket.category}`)} · {t(`tickets.channels.${ticket.channel}`)}
                  </span>
                </td>
                <td data-label={t("tickets.columns.requester")}>{ticket.partnerName ?? ticket.contactName ?? "—"}</td>
                <td data-label={t("tickets.columns.status")}>
                  <StatusBadge status={ticket.status} t={t} />
                </td>
                <td data-label={t("tickets.columns.priority")}>
                  <PriorityBadge priority={ticket.priority} t={t} />
                </td>
                <td data-label={t("tickets.columns.assignee")}>{ticket.assigneeName ?? <span className="muted">{t("tickets.filters.unassigned")}</span>}</td>
                <td data-label={t("tickets.columns.due")}>
                  {formatDateTime(ticket.slaDueAt, language, ticket.timeZone ?? defaultTimeZone)}
                  {ticket.overdue ? (
                    <>
                      {" "}
                      <span className="badge danger">{t("tickets.overdue")}</span>
                    </>
                  ) : null}
                  {ticket.escalatedAt ? (
                    <>
                      {" "}
                      <span className="badge warn">{t("tickets.escalated")}</span>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("tickets.pager")}>
        {params.get("after") ? <Link to={`?${firstParams.toString()}`}>{t("common:pager.first")}</Link> : <span />}
        {next ? <Link to={`?${nextParams.toString()}`}>{t("common:pager.next")}</Link> : null}
      </nav>
    </>
  );
}
