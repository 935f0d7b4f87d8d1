import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePartner } from "../../core/auth/guards.server.ts";
import { listOwnTickets } from "../../core/tickets/tickets.server.ts";
import { RequesterTicketList } from "../../ui/requester-ticket-list.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

/** Every ticket of the partner's organisation (colleagues see each other's), never another's. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requirePartner(context, request);
  const after = new URL(request.url).searchParams.get("after") ?? undefined;
  return { title: pageTitle(context.language, "partner:tickets.title"), ...(await listOwnTickets(context.runtime.db, actor, { after })), language: context.language };
}

export default function PartnerTickets() {
  const { tickets, next, language } = useLoaderData<typeof loader>();
  return <RequesterTicketList ns="partner" base="/partner/tickets" tickets={tickets} next={next} language={language} showOpener />;
}
