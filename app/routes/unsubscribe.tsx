import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { fixedT } from "../core/i18n/i18n.server.ts";
import { unsubscribeMarketing, verifyUnsubscribeLink } from "../core/messaging/unsubscribe.server.ts";
import { AuthCard } from "../ui/auth-card.tsx";
import { withAppName } from "../core/i18n/page-title.ts";

// The link in marketing e-mail (List-Unsubscribe, RFC 8058). GET shows a confirmation in the
// recipient's language; POST (the button, or a mail provider's one-click) withdraws the marketing
// consent. No sign-in: the signed link is the authority.
export const handle = { i18n: ["common", "security"] };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.text.title) }];

async function linkOf(request: Request, context: LoaderFunctionArgs["context"]) {
  const url = new URL(request.url);
  const contact = await verifyUnsubscribeLink(context.runtime.db, { c: url.searchParams.get("c"), s: url.searchParams.get("s") });
  const t = fixedT(contact?.language ?? context.language, "security");
  return { contact, t };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { contact, t } = await linkOf(request, context);
  const text = { title: t("unsubscribe.title"), intro: t("unsubscribe.intro", { email: contact?.email ?? "" }), submit: t("unsubscribe.submit"), invalid: t("unsubscribe.invalid") };
  return data({ valid: Boolean(contact), lang: contact?.language ?? context.language, text }, { status: contact ? 200 : 400 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { contact, t } = await linkOf(request, context);
  if (!contact) return data({ done: false, message: t("unsubscribe.invalid") }, { status: 400 });
  await unsubscribeMarketing(context.runtime.db, contact.id);
  return { done: true, message: t("unsubscribe.done") };
}

export default function Unsubscribe() {
  const { valid, lang, text } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div lang={lang}>
      <AuthCard title={text.title}>
        {result ? (
          <div className={result.done ? "alert success" : "alert error"} role="status">
            {result.message}
          </div>
        ) : valid ? (
          <>
            <p>{text.intro}</p>
            <Form method="post">
              <button type="submit" className="primary wide">
                {text.submit}
              </button>
            </Form>
          </>
        ) : (
          <div className="alert error" role="alert">
            {text.invalid}
          </div>
        )}
      </AuthCard>
    </div>
  );
}
