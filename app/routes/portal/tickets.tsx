import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer } from "../../core/auth/guards.server.ts";
import { formatDate } from "../../core/i18n/format.ts";
import { pendingSurveysOf } from "../../core/surveys/surveys.server.ts";
import { listOwnTickets } from "../../core/tickets/tickets.server.ts";
import { RequesterTicketList } from "../../ui/requester-ticket-list.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const after = new URL(request.url).searchParams.get("after") ?? undefined;
  const list = await listOwnTickets(context.runtime.db, actor, { after });
  const surveys = await pendingSurveysOf(context.runtime.db, actor);
  return { title: pageTitle(context.language, "portal:tickets.title"), ...list, surveys, language: context.language };
}

export default function PortalTickets() {
  const { tickets, next, surveys, language } = useLoaderData<typeof loader>();
  const { t } = useTranslation("portal");
  return (
    <>
      {surveys.length ? (
        <section className="card alert info" aria-labelledby="pending-surveys">
          <h2 id="pending-surveys">{t("surveys.pending.title")}</h2>
          <ul className="plain-list">
            {surveys.map((s) => (
              <li key={s.id}>
                <Link to={`/portal/surveys/${s.id}`}>{t(`surveys.about.${s.about.kind}`, s.about)}</Link>{" "}
                <span className="muted">{t("surveys.pending.until", { date: formatDate(s.expiresAt, language) })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <RequesterTicketList ns="portal" base="/portal/tickets" tickets={tickets} next={next} language={language} showOpener={false} />
    </>
  );
}
