import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePartnerOfType, pageTitle } from "../../../app/plugin-api/server.ts";
import { referringPartnerTypes } from "../plugin.ts";
import { formatDate, PageHeader, translateError, titleMeta } from "../../../app/plugin-api/ui.ts";
import { incomingSchema } from "../referral-forms.ts";
import { ClinicalFields } from "../referral-fields.tsx";
import { listForPartner, submitIncoming } from "../referrals.server.ts";
import { servicesOf } from "../route-helpers.server.ts";

export const handle = { i18n: ["hospital-referrals"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requirePartnerOfType(context, request, referringPartnerTypes);
  return { title: pageTitle(context.language, "hospital-referrals:list.title"), referrals: await listForPartner(context.runtime.db, actor), language: context.language };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requirePartnerOfType(context, request, referringPartnerTypes);
  const submission = parseWithZod(await request.formData(), { schema: incomingSchema });
  if (submission.status !== "success") {
    const errors = Object.values(submission.error ?? {}).flat().filter(Boolean) as string[];
    return data({ errors }, { status: 400 });
  }
  const result = await submitIncoming(context.runtime.db, servicesOf(context), actor, submission.value);
  if (!result.ok) return data({ errors: [`hospital-referrals:errors.${result.error}`] }, { status: 400 });
  return redirect(`/partner/referrals/${result.id}`);
}

export default function PartnerReferrals() {
  const { referrals, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("hospital-referrals");
  return (
    <>
      <PageHeader title={t("list.title")} />
      {referrals.length === 0 ? (
        <p className="card muted">{t("list.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("list.columns.number")}</th>
              <th>{t("list.columns.patient")}</th>
              <th>{t("list.columns.diagnosis")}</th>
              <th>{t("list.columns.status")}</th>
              <th>{t("list.columns.date")}</th>
            </tr>
          </thead>
          <tbody>
            {referrals.map((r) => (
              <tr key={r.id}>
                <td data-label={t("list.columns.number")}>
                  <Link to={r.id}>{r.number}</Link>
                  <div className="muted small">{t(`partnerDirection.${r.direction}`)}</div>
                </td>
                <td data-label={t("list.columns.patient")}>{r.contactName}</td>
                <td data-label={t("list.columns.diagnosis")}>
                  <span className="mono">{r.icd10Code}</span> {r.icd10Text}
                </td>
                <td data-label={t("list.columns.status")}>
                  <span className={`badge referral-${r.status}`}>{t(`status.${r.status}`)}</span>
                </td>
                <td data-label={t("list.columns.date")}>{formatDate(r.createdAt, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="card stack" aria-labelledby="new-referral" id="new">
        <h2 id="new-referral">{t("form.newIncoming")}</h2>
        <p className="muted small">{t("form.patientHint")}</p>
        {actionData?.errors?.length ? (
          <div className="alert error" role="alert">
            {actionData.errors.map((e) => translateError(t, e)).join(" ")}
          </div>
        ) : null}
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="submit" />
          <div className="grid two">
            <div className="field">
              <label htmlFor="ref-name">{t("form.fullName")}</label>
              <input id="ref-name" name="fullName" required autoComplete="off" />
            </div>
            <div className="field">
              <label htmlFor="ref-birth">{t("form.birthDate")}</label>
              <input id="ref-birth" name="birthDate" type="date" />
            </div>
            <div className="field">
              <label htmlFor="ref-nik">{t("form.nik")}</label>
              <input id="ref-nik" name="nik" inputMode="numeric" pattern="\d{16}" />
            </div>
            <div className="field">
              <label htmlFor="ref-bpjs">{t("form.bpjs")}</label>
              <input id="ref-bpjs" name="bpjs" inputMode="numeric" pattern="\d{13}" />
            </div>
            <div className="field">
              <label htmlFor="ref-phone">{t("form.phone")}</label>
              <input id="ref-phone" name="phone" type="tel" />
            </div>
          </div>
          <ClinicalFields />
          <button type="submit" className="primary">
            {t("form.send")}
          </button>
        </Form>
      </section>
    </>
  );
}
