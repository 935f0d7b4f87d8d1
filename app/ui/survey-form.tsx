import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { satisfactionRatings } from "../core/tickets/ticket-vocabulary.ts";
import { FormAlert, type FormConstraint } from "./form-field.tsx";
import { RatingChoices, TextAreaField } from "./tickets.tsx";
import { useServerForm } from "./server-form.ts";

export type SurveyAbout = { kind: "ticket" | "branch" | "service"; number: string; branch: string };

/**
 * One survey, answered in one tap plus an optional comment; texts from the `portal` namespace.
 * Validated by the route's action (surveyAnswerSchema); `constraint` is its HTML constraints.
 */
export function SurveyAnswerForm({
  about,
  defaultRating,
  lastResult,
  hiddenFields = {},
  constraint,
}: {
  about: SurveyAbout;
  defaultRating?: string | null;
  lastResult?: SubmissionResult<string[]> | null;
  hiddenFields?: Record<string, string>;
  constraint: FormConstraint;
}) {
  const { t } = useTranslation("portal");
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    lastResult,
    constraint,
  });
  const labels = Object.fromEntries(satisfactionRatings.map((r) => [r, t(`surveys.ratings.${r}`)])) as Record<(typeof satisfactionRatings)[number], string>;
  return (
    <>
      <p>{t("surveys.form.intro", { about: t(`surveys.about.${about.kind}`, about) })}</p>
      <FormAlert errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        {Object.entries(hiddenFields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <RatingChoices
          legend={t("surveys.form.question")}
          labels={labels}
          defaultValue={defaultRating}
          errors={fields.rating.errors}
          errorId={fields.rating.errorId}
        />
        <TextAreaField field={fields.comment} label={t("surveys.form.comment")} hint={t("surveys.form.commentHint")} rows={3} />
        <button type="submit" className="primary wide" disabled={navigation.state === "submitting"}>
          {t("surveys.form.submit")}
        </button>
      </Form>
    </>
  );
}
