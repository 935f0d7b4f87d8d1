import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { requireCustomer } from "../../core/auth/guards.server.ts";
import { myPrivacyAction, myPrivacyView } from "../../core/privacy/my-privacy.server.ts";
import { MyPrivacyPage } from "../../ui/privacy/my-privacy-page.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  return { title: pageTitle(context.language, "privacy:mine.title"), ...(await myPrivacyView(context.runtime, actor, context.language)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const { status, ...result } = await myPrivacyAction(context.runtime, actor, Object.fromEntries(await request.formData()), context.language);
  return status === 200 ? result : data(result, { status });
}

export default function MyPrivacy() {
  return <MyPrivacyPage view={useLoaderData<typeof loader>()} result={useActionData<typeof action>()} exportHref="/portal/privacy/export" />;
}
