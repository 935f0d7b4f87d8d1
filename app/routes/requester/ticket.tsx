import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireCustomer, requirePartner } from "../../core/auth/guards.server.ts";
import { rateSchema, replySchema } from "../../core/tickets/ticket-forms.ts";
import { getOwnTicket, rateTicket, replyAsRequester } from "../../core/tickets/tickets.server.ts";
import { RequesterTicketDetail } from "../../ui/requester-tickets.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.ticket.number) }];

/** One ticket page for both requesters: a patient or shopper in /portal, a partner user in /partner. */
function requireRequester(context: LoaderFunctionArgs["context"], request: Request) {
  const partner = new URL(request.url).pathname.startsWith("/partner/");
  const { actor } = partner ? requirePartner(context, request) : requireCustomer(context, request);
  return { actor, ns: partner ? ("partner" as const) : ("portal" as const) };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, ns } = requireRequester(context, request);
  const found = await getOwnTicket(context.runtime.db, actor, params.ticketId ?? "");
  if (!found) notFound();
  return { ...found, language: context.language, ns, constraints: { reply: getZodConstraint(replySchema), rate: getZodConstraint(rateSchema) } };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor, ns } = requireRequester(context, request);
  const ticketId = params.ticketId ?? "";
  const formData = await request.formData();
  if (formData.get("intent") === "rate") {
    const submission = parseWithZod(formData, { schema: rateSchema });
    if (submission.status !== "success") return data({ intent: "rate" as const, result: submission.reply() }, { status: 400 });
    const result = await rateTicket(context.runtime.db, actor, ticketId, submission.value);
    if (!result.ok && result.error === "notFound") notFound();
    if (!result.ok) return data({ intent: "rate" as const, result: submission.reply({ formErrors: [`${ns}:tickets.errors.${result.error}`] }) }, { status: 409 });
    return { intent: "rate" as const, result: submission.reply({ resetForm: true }) };
  }
  const submission = parseWithZod(formData, { schema: replySchema });
  if (submission.status !== "success") return data({ intent: "reply" as const, result: submission.reply() }, { status: 400 });
  const result = await replyAsRequester(context.runtime, actor, ticketId, submission.value.body);
  if (!result.ok && result.error === "notFound") notFound();
  if (!result.ok) return data({ intent: "reply" as const, result: submission.reply({ formErrors: [`${ns}:tickets.errors.${result.error}`] }) }, { status: 409 });
  return { intent: "reply" as const, result: submission.reply({ resetForm: true }) };
}

export default function RequesterTicket() {
  const { ticket, messages, language, ns, constraints } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <RequesterTicketDetail
      ns={ns}
      base={`/${ns}/tickets`}
      ticket={ticket}
      messages={messages}
      language={language}
      actionData={actionData}
      created={params.get("created") === "1"}
      constraints={constraints}
    />
  );
}
