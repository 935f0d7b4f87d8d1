import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { requirePartner } from "../../core/auth/guards.server.ts";
import { fixedT, pageTitle } from "../../core/i18n/i18n.server.ts";
import { partnerOpenTicketSchema } from "../../core/tickets/ticket-forms.ts";
import { openTicketAsPartner } from "../../core/tickets/tickets.server.ts";
import { RequesterNewTicket } from "../../ui/requester-tickets.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePartner(context, request);
  return { title: pageTitle(context.language, "partner:tickets.new.title"), constraint: getZodConstraint(partnerOpenTicketSchema) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requirePartner(context, request);
  const submission = parseWithZod(await request.formData(), { schema: partnerOpenTicketSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const referenceLabel = fixedT(context.language, "partner")("tickets.new.referenceLabel");
  const ticket = await openTicketAsPartner(context.runtime, actor, { ...submission.value, referenceLabel });
  return redirect(`/partner/tickets/${ticket.id}?created=1`);
}

export default function PartnerNewTicket() {
  const { constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return <RequesterNewTicket ns="partner" base="/partner/tickets" lastResult={lastResult} constraint={constraint} />;
}
