import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff } from "../../../app/plugin-api/server.ts";
import { formatDate, PageHeader, translateError } from "../../../app/plugin-api/ui.ts";
import { outgoingSchema } from "../referral-forms.ts";
import { ClinicalFields } from "../referral-fields.tsx";
import { createOutgoing, listForStaff, partnerOptions, type ReferralStatus } from "../referrals.server.ts";
import { servicesOf } from "../route-helpers.server.ts";
import { referralStatuses } from "../schema.ts";

export const handle = { i18n: ["hospital-referrals"] };

export const meta: MetaFunction = () => [{ title: "Rujukan · Referrals · Nusa CRM" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "hospital-referrals.referral.read");
  const url = new URL(request.url);
  const box = url.searchParams.get("box") === "out" ? "out" : "in";
  const rawStatus = url.searchParams.get("status");
  const status = (referralStatuses as readonly string[]).includes(rawStatus ?? "") ? (rawStatus as ReferralStatus) : null;
  const partnerOrgId = url.searchParams.get("partner");
  const [rows, partners] = await Promise.all([
    listForStaff(context.runtime.db, { direction: box === "in" ? "incoming" : "outgoing", status, partnerOrgId }),
    partnerOptions(context.runtime.db),
  ]);
  return { box, status, partnerOrgId, referrals: rows, partners, contactId: url.searchParams.get("contactId") ?? "", canManage: hasPermission(context.auth, "hospital-referrals.referral.manage"), language: context.language };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-referrals.referral.manage");
  const submission = parseWithZod(await request.formData(), { schema: outgoingSchema });
  if (submission.status !== "success") {
    const errors = Object.values(submission.error ?? {}).flat().filter(Boolean) as string[];
    return data({ errors }, { status: 400 });
  }
  const result = await createOutgoing(context.runtime.db, servicesOf(context), actor, submission.value);
  if (!result.ok) return data({ errors: [`hospital-referrals:errors.${result.error}`] }, { status: 400 });
  return redirect(`/staff/referrals/${result.id}`);
}

export default function StaffReferrals() {
  const { box, status, partnerOrgId, referrals, partners, contactId, canManage, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("hospital-referrals");
  return (
    <>
      <PageHeader title={t("list.title")}>
        <Link to="/staff/referrals/reports">{t("reports.title")}</Link>
      </PageHeader>
      <nav className="tabs" aria-label={t("list.title")}>
        <Link to="?box=in" aria-current={box === "in" ? "page" : undefined}>
          {t("list.inbox")}
        </Link>
        <Link to="?box=out" aria-current={box === "out" ? "page" : undefined}>
          {t("list.outbox")}
        </Link>
      </nav>
      <Form method="get" className="toolbar filters">
        <input type="hidden" name="box" value={box} />
        <div className="field">
          <label htmlFor="ref-status">{t("list.columns.status")}</label>
          <select id="ref-status" name="status" defaultValue={status ?? ""}>
            <option value="">{t("list.allStatuses")}</option>
            {referralStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ref-partner">{t("list.columns.partner")}</label>
          <select id="ref-partner" name="partner" defaultValue={partnerOrgId ?? ""}>
            <option value="">{t("list.allPartners")}</option>
            {partners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">{t("list.filter")}</button>
      </Form>
      {referrals.length === 0 ? (
        <p className="card muted">{t("list.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("list.columns.number")}</th>
              <th>{t("list.columns.patient")}</th>
              <th>{t("list.columns.partner")}</th>
              <th>{t("list.columns.diagnosis")}</th>
              <th>{t("list.columns.urgency")}</th>
              <th>{t("list.columns.status")}</th>
              <th>{t("list.columns.date")}</th>
            </tr>
          </thead>
          <tbody>
            {referrals.map((r) => (
              <tr key={r.id} className={r.overdue ? "overdue-row" : undefined}>
                <td data-label={t("list.columns.number")}>
                  <Link to={r.id}>{r.number}</Link>
                  {r.overdue ? <span className="badge danger">{t("list.overdue")}</span> : null}
                </td>
                <td data-label={t("list.columns.patient")}>{r.contactName}</td>
                <td data-label={t("list.columns.partner")}>{r.partnerName}</td>
                <td data-label={t("list.columns.diagnosis")}>
                  <span className="mono">{r.icd10Code}</span> {r.icd10Text}
                </td>
                <td data-label={t("list.columns.urgency")}>
                  <span className={`badge ${r.urgency === "routine" ? "off" : "warn"}`}>{t(`urgency.${r.urgency}`)}</span>
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
      {canManage ? (
        <section className="card stack" aria-labelledby="new-outgoing" id="new">
          <h2 id="new-outgoing">{t("form.newOutgoing")}</h2>
          {actionData?.errors?.length ? (
            <div className="alert error" role="alert">
              {actionData.errors.map((e) => translateError(t, e)).join(" ")}
            </div>
          ) : null}
          <Form method="post" className="stack">
            <div className="grid two">
              <div className="field">
                <label htmlFor="ref-contact">{t("form.contactId")}</label>
                <input id="ref-contact" name="contactId" defaultValue={contactId} required />
              </div>
              <div className="field">
                <label htmlFor="ref-to">{t("form.partner")}</label>
                <select id="ref-to" name="partnerOrgId">
                  {partners.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <ClinicalFields />
            <div className="actions">
              <button type="submit" name="intent" value="send" className="primary">
                {t("form.send")}
              </button>
              <button type="submit" name="intent" value="draft" className="button">
                {t("form.saveDraft")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}
