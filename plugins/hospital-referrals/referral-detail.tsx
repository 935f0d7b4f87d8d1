// The referral page body, shared by staff and partner routes; actions are passed in by the route.
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../app/plugin-api/ui.ts";

export interface ReferralView {
  id: string;
  number: string;
  direction: "incoming" | "outgoing";
  status: string;
  urgency: string;
  serviceType: string;
  reason: string;
  icd10Code: string;
  icd10Text: string;
  targetService: string;
  notes: string | null;
  rejectionReason: string | null;
  backReferralSummary: string | null;
  scheduledFor: string | Date | null;
  patientName: string;
  partnerName: string;
  hospitalName?: string | null;
}

export function ReferralDetail({
  referral,
  history,
  actions,
  language,
  error,
  extra,
  viewer = "staff",
}: {
  referral: ReferralView;
  history: { status: string; actorKind: string; actorName: string | null; note: string | null; at: string | Date }[];
  actions: string[];
  language: "id" | "en";
  error?: string | null;
  extra?: React.ReactNode;
  /** Whose point of view the labels take: the hospital's, or the referring partner's ("Rujukan dari Anda"). */
  viewer?: "staff" | "partner";
}) {
  const { t } = useTranslation("hospital-referrals");
  return (
    <div className="stack">
      <section className="card stack-sm">
        <div className="row-between">
          <strong>{t(viewer === "partner" ? `partnerDirection.${referral.direction}` : `direction.${referral.direction}`)}</strong>
          <span className={`badge referral-${referral.status}`}>{t(`status.${referral.status}`)}</span>
        </div>
        <dl className="facts">
          <dt>{t("form.patient")}</dt>
          <dd>{referral.patientName}</dd>
          {viewer === "partner" ? (
            referral.hospitalName ? (
              <>
                <dt>{t("detail.hospital")}</dt>
                <dd>{referral.hospitalName}</dd>
              </>
            ) : null
          ) : (
            <>
              <dt>{t("list.columns.partner")}</dt>
              <dd>{referral.partnerName}</dd>
            </>
          )}
          <dt>{t("form.icd10Text")}</dt>
          <dd>
            <span className="mono">{referral.icd10Code}</span> {referral.icd10Text}
          </dd>
          <dt>{t("form.reason")}</dt>
          <dd>{referral.reason}</dd>
          <dt>{t("form.targetService")}</dt>
          <dd>
            {referral.targetService} · {t(`serviceType.${referral.serviceType}`)}
          </dd>
          <dt>{t("form.urgency")}</dt>
          <dd>{t(`urgency.${referral.urgency}`)}</dd>
          {referral.notes ? (
            <>
              <dt>{t("form.notes")}</dt>
              <dd>{referral.notes}</dd>
            </>
          ) : null}
          {referral.scheduledFor ? (
            <>
              <dt>{t("detail.scheduledFor")}</dt>
              <dd>{formatDateTime(referral.scheduledFor, language)}</dd>
            </>
          ) : null}
          {referral.rejectionReason ? (
            <>
              <dt>{t("detail.rejection")}</dt>
              <dd>{referral.rejectionReason}</dd>
            </>
          ) : null}
          {referral.backReferralSummary ? (
            <>
              <dt>{t("detail.backSummary")}</dt>
              <dd>{referral.backReferralSummary}</dd>
            </>
          ) : null}
        </dl>
      </section>
      {error ? (
        <div className="alert error" role="alert">
          {t(`errors.${error}`)}
        </div>
      ) : null}
      {extra}
      {actions.length ? (
        <Form method="post" className="card stack">
          <input type="hidden" name="referralId" value={referral.id} />
          <div className="field">
            <label htmlFor="referral-note">{t("detail.note")}</label>
            <textarea id="referral-note" name="note" rows={3} />
          </div>
          <div className="actions">
            {actions.map((a) => (
              <button key={a} type="submit" name="intent" value={a} className={a === "accept" || a === "send" || a === "backRefer" ? "primary" : "button"}>
                {t(`detail.actions.${a}`)}
              </button>
            ))}
          </div>
        </Form>
      ) : null}
      <section className="card stack-sm" aria-labelledby="history-title">
        <h2 id="history-title">{t("detail.history")}</h2>
        <ol className="plain-list">
          {history.map((h, i) => (
            <li key={i}>
              <span className="muted small">{formatDateTime(h.at, language)}</span> · {t(`status.${h.status}`)} · {h.actorName ?? t(`detail.by.${h.actorKind}`)}
              {h.note ? <p className="small">{h.note}</p> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

/** Which buttons a side sees for a referral in a status. */
export function availableActions(side: "staff" | "partner", direction: "incoming" | "outgoing", status: string): string[] {
  const receiver = direction === "incoming" ? "staff" : "partner";
  if (side !== receiver) return status === "draft" ? ["send"] : [];
  if (status === "sent") return ["accept", "reject"];
  if (status === "accepted" || status === "scheduled") return ["complete", "backRefer"];
  if (status === "completed") return ["backRefer"];
  return [];
}
