import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { decisionSchema, identityCheckMethods, identityCheckSchema, privacyRequestDecisions, requestClock } from "../../core/privacy/request-desk-forms.ts";
import { checkIdentity, decideRequest, getRequest, requestManagePermission } from "../../core/privacy/request-desk.server.ts";
import { formatDateTime } from "../../core/time/format-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { Countdown, FieldError, FormError, typed } from "../../ui/privacy-desk.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, requestManagePermission);
  const db = context.runtime.db;
  const row = await getRequest(db, actor, params.requestId ?? "");
  if (!row) notFound();
  const timeZone = await staffTimeZone(db, actor);
  const at = (d: Date | null) => (d ? formatDateTime(d, context.language, timeZone) : null);
  return {
    title: pageTitle(context.language, `privacy:desk.kinds.${row.kind}`),
    request: {
      ...row,
      created: at(row.createdAt),
      due: at(row.dueAt),
      decided: at(row.decidedAt),
      identityChecked: at(row.identityCheckedAt),
      escalated: at(row.escalatedAt),
    },
    clock: requestClock(row, new Date()),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, requestManagePermission);
  const requestId = params.requestId ?? "";
  const formData = await request.formData();
  const intent = formData.get("intent") === "decide" ? "decide" : "identity";
  const submission = parseWithZod(formData, { schema: intent === "decide" ? decisionSchema : identityCheckSchema });
  if (submission.status !== "success") return data({ intent, result: submission.reply() }, { status: 400 });
  const value = submission.value;
  let result;
  if (value.intent === "decide") {
    // erasing someone's data is a sensitive act: a proof of identity within the last five minutes
    if (value.erasure !== "none") requireRecentAuth(context, request);
    result = await decideRequest(context.runtime, actor, requestId, value);
  } else {
    result = await checkIdentity(context.runtime.db, actor, requestId, { method: value.method, note: value.note });
  }
  if (!result.ok && result.error === "notFound") notFound();
  if (!result.ok) return data({ intent, result: submission.reply({ formErrors: [`privacy:desk.errors.${result.error}`] }) }, { status: 400 });
  return data({ intent, result: submission.reply({ resetForm: true }) }, { status: 200 });
}

export default function PrivacyRequest() {
  const { request: r, clock } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("privacy");
  const resultFor = (intent: string) => (navigation.state === "idle" && actionData?.intent === intent ? actionData.result : undefined);
  const identity = resultFor("identity");
  const decision = resultFor("decide");
  const open = r.status === "open" || r.status === "identity_verified";
  type ErasureShown = { mode: string; tables: { table: string; deleted: number; anonymised: number; held: number }[]; holds: string[] };
  const erasure = ((r.outcome as { erasure?: unknown } | null)?.erasure ?? null) as ErasureShown | null;
  return (
    <>
      <p>
        <Link to="/staff/privacy/requests">← {t("desk.title")}</Link>
      </p>
      <PageHeader title={t(`desk.kinds.${r.kind}`)}>
        <span className="badge info">{t(`desk.statuses.${r.status}`)}</span>
        <Countdown clock={clock} />
      </PageHeader>
      {decision?.status === "success" || identity?.status === "success" ? (
        <div className="alert success" role="status">
          {t(decision ? "desk.saved.decided" : "desk.saved.identity")}
        </div>
      ) : null}
      <div className="grid two">
        <section className="card">
          <h2>{t("desk.detail.request")}</h2>
          <dl className="details">
            <dt>{t("desk.columns.person")}</dt>
            <dd>
              {r.contactId ? <Link to={`/staff/contacts/${r.contactId}`}>{r.contactName ?? "—"}</Link> : (r.userName ?? "—")}
              {r.userKind ? <small className="muted"> · {t(`desk.accountKinds.${r.userKind}`)}</small> : null}
            </dd>
            <dt>{t("desk.detail.address")}</dt>
            <dd>{r.userEmail ?? r.contactEmail ?? "—"}</dd>
            <dt>{t("desk.detail.language")}</dt>
            <dd>{t(`desk.languages.${r.language}`)}</dd>
            <dt>{t("desk.columns.received")}</dt>
            <dd>{r.created}</dd>
            <dt>{t("desk.columns.due")}</dt>
            <dd>{r.due}</dd>
            {r.escalated ? (
              <>
                <dt>{t("desk.escalated")}</dt>
                <dd>{r.escalated}</dd>
              </>
            ) : null}
            <dt>{t("desk.detail.details")}</dt>
            <dd style={{ whiteSpace: "pre-wrap" }}>{r.details ?? "—"}</dd>
          </dl>
        </section>
        <section className="card">
          <h2>{t("desk.identity.title")}</h2>
          {r.identityChecked ? (
            <p>
              {t("desk.identity.done", { when: r.identityChecked, method: t(`desk.identity.methods.${r.identityMethod}`) })}
              {r.identityNote ? (
                <>
                  <br />
                  <small className="muted">{r.identityNote}</small>
                </>
              ) : null}
            </p>
          ) : (
            <p className="muted">{t("desk.identity.pending")}</p>
          )}
          {open ? (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="identity" />
              <FormError result={identity} />
              <div className="field">
                <label htmlFor="identity-method">{t("desk.identity.method")}</label>
                <select id="identity-method" name="method" defaultValue={typed(identity, "method") ?? (r.userId ? "signed_in_account" : "id_card_in_person")}>
                  {identityCheckMethods.map((m) => (
                    <option key={m} value={m}>
                      {t(`desk.identity.methods.${m}`)}
                    </option>
                  ))}
                </select>
                <FieldError result={identity} name="method" />
              </div>
              <div className="field">
                <label htmlFor="identity-note">{t("desk.identity.note")}</label>
                <input id="identity-note" name="note" maxLength={500} defaultValue={typed(identity, "note")} />
                <FieldError result={identity} name="note" />
              </div>
              <button type="submit">{t("desk.identity.submit")}</button>
            </Form>
          ) : null}
        </section>
      </div>
      <section className="card">
        <h2>{t("desk.decision.title")}</h2>
        {r.decision ? (
          <>
            <p>
              <strong>{t(`desk.decision.options.${r.decision}`)}</strong> · {r.decided}
            </p>
            <p style={{ whiteSpace: "pre-wrap" }}>{r.decisionReason}</p>
          </>
        ) : null}
        {erasure ? (
          <>
            <h3>{t("desk.erasure.title")}</h3>
            <table className="data">
              <thead>
                <tr>
                  <th>{t("desk.erasure.table")}</th>
                  <th>{t("desk.erasure.deleted")}</th>
                  <th>{t("desk.erasure.anonymised")}</th>
                  <th>{t("desk.erasure.held")}</th>
                </tr>
              </thead>
              <tbody>
                {erasure.tables.map((row) => (
                  <tr key={row.table}>
                    <td>{row.table}</td>
                    <td>{row.deleted}</td>
                    <td>{row.anonymised}</td>
                    <td>{row.held}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {erasure.holds.length ? <p className="alert info">{t("desk.erasure.holds", { laws: erasure.holds.join("; ") })}</p> : null}
          </>
        ) : null}
        {open ? (
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="decide" />
            <FormError result={decision} />
            {!r.identityChecked ? <p className="alert warn">{t("desk.decision.identityFirst")}</p> : null}
            <fieldset>
              <legend>{t("desk.decision.label")}</legend>
              {privacyRequestDecisions.map((d) => (
                <label key={d} className="choice">
                  <input type="radio" name="decision" value={d} defaultChecked={(typed(decision, "decision") ?? "approved") === d} />{" "}
                  {t(`desk.decision.options.${d}`)}
                </label>
              ))}
              <FieldError result={decision} name="decision" />
            </fieldset>
            {r.kind === "deletion" ? (
              <div className="field">
                <label htmlFor="decision-erasure">{t("desk.erasure.mode")}</label>
                <select id="decision-erasure" name="erasure" defaultValue={typed(decision, "erasure") ?? "anonymise"}>
                  {(["anonymise", "delete", "none"] as const).map((m) => (
                    <option key={m} value={m}>
                      {t(`desk.erasure.modes.${m}`)}
                    </option>
                  ))}
                </select>
                <p className="hint">{t("desk.erasure.hint")}</p>
                <FieldError result={decision} name="erasure" />
              </div>
            ) : (
              <input type="hidden" name="erasure" value="none" />
            )}
            <div className="field">
              <label htmlFor="decision-reason">{t("desk.decision.reason")}</label>
              <textarea id="decision-reason" name="reason" rows={4} maxLength={2000} required defaultValue={typed(decision, "reason")} />
              <p className="hint">{t("desk.decision.reasonHint", { language: t(`desk.languages.${r.language}`) })}</p>
              <FieldError result={decision} name="reason" />
            </div>
            <button type="submit">{t("desk.decision.submit")}</button>
          </Form>
        ) : null}
      </section>
    </>
  );
}
