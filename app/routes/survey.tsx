// The survey link from the e-mail: answered without signing in. The token is checked on every
// request and used up by the answer; a second answer is refused politely.
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { surveyAnswerSchema, satisfactionRatings } from "../core/surveys/survey-forms.ts";
import { answerSurveyByToken, surveyByToken } from "../core/surveys/surveys.server.ts";
import { AuthCard } from "../ui/auth-card.tsx";
import { SurveyAnswerForm } from "../ui/survey-form.tsx";
import { titleMeta } from "../core/i18n/page-title.ts";
import { pageTitle } from "../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "portal"] };
export const meta: MetaFunction = (args) => [...titleMeta(args), { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = url.searchParams.get("token") ?? "";
  const survey = await surveyByToken(context.runtime.db, token);
  const rating = url.searchParams.get("rating");
  return {
    title: pageTitle(context.language, "portal:surveys.form.title"),
    state: survey.state,
    about: survey.about,
    token,
    preselected: (satisfactionRatings as readonly string[]).includes(rating ?? "") ? rating : null,
    constraint: getZodConstraint(surveyAnswerSchema),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const token = String(formData.get("token") ?? new URL(request.url).searchParams.get("token") ?? "");
  const submission = parseWithZod(formData, { schema: surveyAnswerSchema });
  if (submission.status !== "success") return data({ state: "open" as const, result: submission.reply() }, { status: 400 });
  const answered = await answerSurveyByToken(context.runtime.db, token, submission.value);
  if (!answered.ok) return data({ state: answered.state, result: submission.reply() }, { status: 409 });
  return { state: "thanks" as const, result: submission.reply() };
}

export default function PublicSurvey() {
  const { state: loaded, about, token, preselected, constraint } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("portal");
  const state = actionData && actionData.state !== "open" ? actionData.state : loaded;
  if (state !== "open" || !about) {
    return (
      <AuthCard title={t(`surveys.states.${state}.title`)}>
        <p>{t(`surveys.states.${state}.body`)}</p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("surveys.form.title")}>
      <SurveyAnswerForm about={about} defaultRating={preselected} lastResult={actionData?.result} hiddenFields={{ token }} constraint={constraint} />
    </AuthCard>
  );
}
