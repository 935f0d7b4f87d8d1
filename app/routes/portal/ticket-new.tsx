import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { requireCustomer } from "../../core/auth/guards.server.ts";
import { portalOpenTicketSchema } from "../../core/tickets/ticket-forms.ts";
import { openTicketAsCustomer } from "../../core/tickets/tickets.server.ts";
import { RequesterNewTicket } from "../../ui/requester-tickets.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireCustomer(context, request);
  return { title: pageTitle(context.language, "portal:tickets.new.title"), constraint: getZodConstraint(portalOpenTicketSchema) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const submission = parseWithZod(await request.formData(), { schema: portalOpenTicketSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const ticket = await openTicketAsCustomer(context.runtime, actor, submission.value);
  return redirect(`/portal/tickets/${ticket.id}?created=1`);
}

export default function PortalNewTicket() {
  const { constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return <RequesterNewTicket ns="portal" base="/portal/tickets" lastResult={lastResult} constraint={constraint} />;
}
