import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requirePartnerOfType } from "../../../app/plugin-api/server.ts";
import { referringPartnerTypes } from "../plugin.ts";
import { PageHeader, withAppName } from "../../../app/plugin-api/ui.ts";
import { availableActions, ReferralDetail } from "../referral-detail.tsx";
import { referralActionSchema } from "../referral-forms.ts";
import { actOnReferral, referralDetail } from "../referrals.server.ts";
import { servicesOf } from "../route-helpers.server.ts";

export const handle = { i18n: ["hospital-referrals"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.referral.number) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = await requirePartnerOfType(context, request, referringPartnerTypes);
  const found = await referralDetail(context.runtime.db, actor, params.referralId ?? "");
  if (!found) notFound();
  return { ...found, language: context.language };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requirePartnerOfType(context, request, referringPartnerTypes);
  const submission = parseWithZod(await request.formData(), { schema: referralActionSchema });
  if (submission.status !== "success") return data({ error: "invalid" }, { status: 400 });
  const result = await actOnReferral(context.runtime.db, servicesOf(context), actor, { referralId: submission.value.referralId, action: submission.value.intent, note: submission.value.note });
  if (!result.ok) return data({ error: result.error }, { status: result.error === "notFound" ? 404 : 400 });
  return { error: null };
}

export default function PartnerReferral() {
  const { referral, history, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("hospital-referrals");
  return (
    <>
      <PageHeader title={referral.number}>
        <Link to="/partner/referrals">{t("list.title")}</Link>
      </PageHeader>
      <ReferralDetail referral={referral} history={history} actions={availableActions("partner", referral.direction, referral.status)} language={language} error={actionData?.error} viewer="partner" />
    </>
  );
}
