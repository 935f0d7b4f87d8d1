// "Privasi & data saya": the one page body /portal and /partner both render (their loaders and
// actions go through core/privacy/my-privacy.server.ts).
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../core/i18n/format.ts";
import type { MyPrivacyResult, myPrivacyView } from "../../core/privacy/my-privacy.server.ts";
import { PageHeader } from "../portal-shell.tsx";

type View = Awaited<ReturnType<typeof myPrivacyView>>;

/** The audit action as words ("contact.viewed" → "Record viewed"); an action without words shows as it is. */
export function useTrailAction() {
  const { t } = useTranslation("privacy");
  return (action: string) => t(`actions.${action.replace(/[.-]/g, "_")}`, { defaultValue: action });
}

export function MyPrivacyPage({ view, result, exportHref }: { view: View; result?: Omit<MyPrivacyResult, "status">; exportHref: string }) {
  const { language, hasContact, consents, otherPurposes, objected, requestKinds, requests, trail } = view;
  const { t } = useTranslation("privacy");
  const actionWords = useTrailAction();
  return (
    <>
      <PageHeader title={t("mine.title")} />
      <p className="muted">{hasContact ? t("mine.intro") : t("partner.intro")}</p>
      {result ? (
        <div className={`alert ${result.ok ? "success" : "error"}`} role={result.ok ? "status" : "alert"}>
          {t(result.message, result.due ? { due: formatDateTime(result.due, language) } : undefined)}
        </div>
      ) : null}

      {hasContact ? (
        <section className="card">
          <h2>{t("mine.consents.title")}</h2>
          <p className="muted">{t("mine.consents.intro")}</p>
          <table className="data">
            <tbody>
              {consents.map((c) => (
                <tr key={c.purpose}>
                  <td>
                    <strong>{c.name}</strong>
                    <br />
                    <small>{c.description}</small>
                  </td>
                  <td>
                    {c.granted === null ? t("mine.consents.never") : c.granted ? t("mine.consents.granted") : t("mine.consents.withdrawn")}
                    {c.updatedAt ? (
                      <>
                        <br />
                        <small className="muted">{t("mine.consents.since", { when: formatDateTime(c.updatedAt, language) })}</small>
                      </>
                    ) : null}
                  </td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="consent" />
                      <input type="hidden" name="purpose" value={c.purpose} />
                      <input type="hidden" name="granted" value={c.granted ? "false" : "true"} />
                      <button type="submit">{c.granted ? t("mine.consents.withdraw") : t("mine.consents.allow")}</button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : (
        <section className="card">
          <h2>{t("mine.consents.title")}</h2>
          <p className="muted">{t("partner.noConsents")}</p>
        </section>
      )}

      {objected !== null ? (
        <section className="card">
          <h2>{t("mine.profiling.title")}</h2>
          <p>{objected ? t("mine.profiling.objected") : t("mine.profiling.active")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="profiling" />
            <input type="hidden" name="object" value={objected ? "false" : "true"} />
            <button type="submit">{objected ? t("mine.profiling.withdraw") : t("mine.profiling.object")}</button>
          </Form>
        </section>
      ) : null}

      <section className="card">
        <h2>{t("mine.download.title")}</h2>
        <p>{hasContact ? t("mine.download.introPatient") : t("mine.download.intro")}</p>
        <a className="button" href={exportHref} download>
          {t("mine.download.button")}
        </a>
      </section>

      <section className="card">
        <h2>{t("mine.request.title")}</h2>
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="request" />
          <div className="field">
            <label htmlFor="privacy-kind">{t("mine.request.kind")}</label>
            <select id="privacy-kind" name="kind">
              {requestKinds.map((k) => (
                <option key={k} value={k}>
                  {t(`requestKinds.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="privacy-details">{t("mine.request.details")}</label>
            <textarea id="privacy-details" name="details" maxLength={2000} rows={3} aria-describedby="privacy-details-hint" />
            <p className="hint" id="privacy-details-hint">
              {t("mine.request.detailsHint")}
            </p>
          </div>
          <button type="submit" className="primary">
            {t("mine.request.submit")}
          </button>
        </Form>
        <h3>{t("mine.requests.title")}</h3>
        {requests.length ? (
          <table className="data">
            <thead>
              <tr>
                <th>{t("mine.requests.kind")}</th>
                <th>{t("mine.requests.status")}</th>
                <th>{t("mine.requests.due")}</th>
                <th>{t("mine.requests.decision")}</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id}>
                  <td data-label={t("mine.requests.kind")}>{t(`requestKinds.${r.kind}`)}</td>
                  <td data-label={t("mine.requests.status")}>{t(`requestStatuses.${r.status}`)}</td>
                  <td data-label={t("mine.requests.due")}>{formatDateTime(r.dueAt, language)}</td>
                  <td data-label={t("mine.requests.decision")}>{r.decisionReason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{t("mine.requests.empty")}</p>
        )}
      </section>

      <section className="card">
        <h2>{t("mine.purposes.title")}</h2>
        <p className="muted">{t("mine.purposes.intro")}</p>
        <ul>
          {otherPurposes.map((p) => (
            <li key={p.id}>
              <strong>{p.name}</strong> — {p.description}
              <br />
              <small>
                {t("mine.purposes.basis")}: {t(`legalBases.${p.legalBasis}`)} · {t("mine.purposes.retention")}: {t("ropa.retentionDays", { count: p.retentionDays })}
              </small>
            </li>
          ))}
        </ul>
      </section>

      <section className="card">
        <h2>{t("mine.trail.title")}</h2>
        <p className="muted">{t("mine.trail.intro")}</p>
        {trail.length ? (
          <table className="data">
            <thead>
              <tr>
                <th>{t("mine.trail.when")}</th>
                <th>{t("mine.trail.who")}</th>
                <th>{t("mine.trail.what")}</th>
                <th>{t("mine.trail.why")}</th>
              </tr>
            </thead>
            <tbody>
              {trail.map((e, i) => (
                <tr key={i}>
                  <td data-label={t("mine.trail.when")}>{formatDateTime(e.at, language)}</td>
                  <td data-label={t("mine.trail.who")}>
                    {e.actorKind === "staff"
                      ? e.actorRoles.length
                        ? t("actors.staff", { roles: e.actorRoles.join(", ") })
                        : t("actors.staffNoRole")
                      : t(`actors.${e.actorKind}`)}
                  </td>
                  <td data-label={t("mine.trail.what")}>{actionWords(e.action)}</td>
                  <td data-label={t("mine.trail.why")}>{e.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{t("mine.trail.empty")}</p>
        )}
      </section>
    </>
  );
}
