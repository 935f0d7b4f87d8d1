import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { formatDate, formatPhone, PageHeader, translateError, titleMeta } from "../../../app/plugin-api/ui.ts";
import { outgoingSchema } from "../referral-forms.ts";
import { ClinicalFields, clinicalFieldNames, type ClinicalDefaults } from "../referral-fields.tsx";
import { findPatients, patientChoice, type PatientChoice } from "../patient-picker.server.ts";
import { createOutgoing, listForStaff, partnerOptions, type ReferralStatus } from "../referrals.server.ts";
import { servicesOf } from "../route-helpers.server.ts";
import { referralStatuses } from "../schema.ts";

export const handle = { i18n: ["hospital-referrals"] };

export const meta = titleMeta;

/** What was typed in the outgoing form, carried through a patient search (a GET of the same form). */
function draftOf(params: URLSearchParams | FormData): ClinicalDefaults & { partnerOrgId?: string } {
  const draft: Record<string, string> = {};
  for (const name of [...clinicalFieldNames, "partnerOrgId"]) {
    const value = params.get(name);
    if (typeof value === "string" && value) draft[name] = value.slice(0, 4000);
  }
  return draft;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-referrals.referral.read");
  const url = new URL(request.url);
  const box = url.searchParams.get("box") === "out" ? "out" : "in";
  const rawStatus = url.searchParams.get("status");
  const status = (referralStatuses as readonly string[]).includes(rawStatus ?? "") ? (rawStatus as ReferralStatus) : null;
  const partnerOrgId = url.searchParams.get("partner");
  const [rows, partners] = await Promise.all([
    listForStaff(context.runtime.db, { direction: box === "in" ? "incoming" : "outgoing", status, partnerOrgId }),
    partnerOptions(context.runtime.db),
  ]);
  const canManage = hasPermission(context.auth, "hospital-referrals.referral.manage");
  // the patient search belongs to the outgoing form: only those who may write a referral use it
  const q = canManage ? (url.searchParams.get("q") ?? "").trim().slice(0, 100) : "";
  const contactId = canManage ? (url.searchParams.get("contactId") ?? "") : "";
  const [matches, selected] = canManage
    ? await Promise.all([findPatients(context.runtime.db, actor, q), patientChoice(context.runtime.db, actor, contactId)])
    : [[] as PatientChoice[], null];
  return { title: pageTitle(context.language, "hospital-referrals:list.title"), box, status, partnerOrgId, referrals: rows, partners, q, matches, selected, draft: canManage ? draftOf(url.searchParams) : {}, canManage, language: context.language };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-referrals.referral.manage");
  const form = await request.formData();
  const submission = parseWithZod(form, { schema: outgoingSchema });
  if (submission.status !== "success") {
    const errors = Object.values(submission.error ?? {}).flat().filter(Boolean) as string[];
    return data({ errors, draft: draftOf(form) }, { status: 400 });
  }
  const result = await createOutgoing(context.runtime.db, servicesOf(context), actor, submission.value);
  if (!result.ok) return data({ errors: [`hospital-referrals:errors.${result.error}`], draft: draftOf(form) }, { status: 400 });
  return redirect(`/staff/referrals/${result.id}`);
}

export default function StaffReferrals() {
  const { box, status, partnerOrgId, referrals, partners, q, matches, selected, draft, canManage, language } = useLoaderData<typeof loader>();
  const { t } = useTranslation("hospital-referrals");
  // someone writing a referral (searching a patient, or sent here from a contact's page) sees the form first
  const composing = canManage && Boolean(q || selected);
  const form = canManage ? <OutgoingForm box={box} language={language} partners={partners} q={q} matches={matches} selected={selected} draft={draft} /> : null;
  return (
    <>
      <PageHeader title={t("list.title")}>
        <Link to="/staff/referrals/reports">{t("reports.title")}</Link>
      </PageHeader>
      {composing ? form : null}
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
      {composing ? null : form}
    </>
  );
}

/**
 * The outgoing referral. Finding the patient is a GET of this same form (the "Find" button), so it
 * works without JavaScript and every field typed so far comes back filled in with the matches.
 */
function OutgoingForm({
  box,
  language,
  partners,
  q,
  matches,
  selected,
  draft,
}: {
  box: string;
  language: "id" | "en";
  partners: { id: string; name: string }[];
  q: string;
  matches: PatientChoice[];
  selected: PatientChoice | null;
  draft: ClinicalDefaults & { partnerOrgId?: string };
}) {
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("hospital-referrals");
  const values = actionData?.draft ?? draft;
  const choices = selected ? [selected, ...matches.filter((m) => m.id !== selected.id)] : matches;
  const checked = selected?.id ?? (choices.length === 1 ? choices[0].id : null);
  return (
    <section className="card stack" aria-labelledby="new-outgoing" id="new">
      <h2 id="new-outgoing">{t("form.newOutgoing")}</h2>
      {actionData?.errors?.length ? (
        <div className="alert error" role="alert">
          {actionData.errors.map((e) => translateError(t, e)).join(" ")}
        </div>
      ) : null}
      {/* the key re-mounts the fields when a search or a contact page brings other values */}
      <Form method="post" className="stack" key={`${q}|${selected?.id ?? ""}`}>
        <input type="hidden" name="box" value={box} />
        <fieldset className="stack">
          <legend>{t("form.patient")}</legend>
          <div className="toolbar">
            <div className="field">
              <label htmlFor="ref-q">{t("form.findPatient")}</label>
              <input id="ref-q" name="q" type="search" defaultValue={q} maxLength={100} autoComplete="off" aria-describedby="ref-q-hint" />
              <small id="ref-q-hint" className="muted">
                {t("form.findHint")}
              </small>
            </div>
            <button type="submit" formMethod="get" formNoValidate className="button">
              {t("form.find")}
            </button>
          </div>
          {choices.length ? (
            <div role="radiogroup" aria-label={t("form.pickPatient")} className="stack">
              {choices.map((c) => (
                <label key={c.id} className="choice">
                  <input type="radio" name="contactId" value={c.id} defaultChecked={c.id === checked} required />
                  <span>
                    <strong>{c.fullName}</strong>
                    <br />
                    <span className="muted small">{[c.birthDate ? formatDate(c.birthDate, language) : null, ...c.identifiers, c.phone?.startsWith("+") ? formatPhone(c.phone) : c.phone, c.branchName].filter(Boolean).join(" · ")}</span>
                  </span>
                </label>
              ))}
            </div>
          ) : q ? (
            <p className="muted" role="status">
              {q.length < 2 ? t("form.findTooShort") : t("form.noMatches", { q })}
            </p>
          ) : (
            <p className="muted small">{t("form.findFirst")}</p>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor="ref-to">{t("form.partner")}</label>
          <select id="ref-to" name="partnerOrgId" defaultValue={values.partnerOrgId}>
            {partners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <ClinicalFields defaults={values} />
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
  );
}
