import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireCustomer } from "../../core/auth/guards.server.ts";
import { surveyAnswerSchema } from "../../core/surveys/survey-forms.ts";
import { answerOwnSurvey, getOwnSurvey } from "../../core/surveys/surveys.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { SurveyAnswerForm } from "../../ui/survey-form.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const survey = await getOwnSurvey(context.runtime.db, actor, params.surveyId ?? "");
  if (!survey) notFound();
  return { title: pageTitle(context.language, "portal:surveys.form.title"), survey, constraint: getZodConstraint(surveyAnswerSchema) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const submission = parseWithZod(await request.formData(), { schema: surveyAnswerSchema });
  if (submission.status !== "success") return data({ state: "open" as const, result: submission.reply() }, { status: 400 });
  const answered = await answerOwnSurvey(context.runtime.db, actor, params.surveyId ?? "", submission.value);
  if (!answered.ok && answered.state === "invalid") notFound();
  if (!answered.ok) return data({ state: answered.state, result: submission.reply() }, { status: 409 });
  return { state: "thanks" as const, result: submission.reply() };
}

export default function PortalSurvey() {
  const { survey, constraint } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("portal");
  const state = actionData && actionData.state !== "open" ? actionData.state : survey.state;
  return (
    <>
      <p>
        <Link to="/portal/tickets">← {t("tickets.title")}</Link>
      </p>
      <PageHeader title={t("surveys.form.title")} />
      <section className="card narrow-card">
        {state === "open" ? (
          <SurveyAnswerForm about={survey.about} lastResult={actionData?.result} constraint={constraint} />
        ) : (
          <>
            <h2>{t(`surveys.states.${state}.title`)}</h2>
            <p>{t(`surveys.states.${state}.body`)}</p>
          </>
        )}
      </section>
    </>
  );
}
