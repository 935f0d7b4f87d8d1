// The clinical part of a referral form, shared by the partner and the staff forms.
import { useTranslation } from "react-i18next";

export type ClinicalDefaults = Partial<Record<(typeof clinicalFieldNames)[number], string>>;

/** The clinical fields' names, to carry what was typed through a patient search or a refused submit. */
export const clinicalFieldNames = ["reason", "icd10Code", "icd10Text", "targetService", "urgency", "serviceType", "notes"] as const;

export function ClinicalFields({ defaults = {} }: { defaults?: ClinicalDefaults }) {
  const { t } = useTranslation("hospital-referrals");
  return (
    <>
      <div className="field">
        <label htmlFor="ref-reason">{t("form.reason")}</label>
        <textarea id="ref-reason" name="reason" rows={3} required defaultValue={defaults.reason} />
      </div>
      <div className="grid two">
        <div className="field">
          <label htmlFor="ref-icd">{t("form.icd10Code")}</label>
          <input id="ref-icd" name="icd10Code" required placeholder="J18.9" defaultValue={defaults.icd10Code} />
        </div>
        <div className="field">
          <label htmlFor="ref-icdtext">{t("form.icd10Text")}</label>
          <input id="ref-icdtext" name="icd10Text" required defaultValue={defaults.icd10Text} />
        </div>
        <div className="field">
          <label htmlFor="ref-target">{t("form.targetService")}</label>
          <input id="ref-target" name="targetService" required placeholder="Poli Penyakit Dalam" defaultValue={defaults.targetService} />
        </div>
        <div className="field">
          <label htmlFor="ref-urgency">{t("form.urgency")}</label>
          <select id="ref-urgency" name="urgency" defaultValue={defaults.urgency ?? "routine"}>
            {(["routine", "urgent", "emergency"] as const).map((u) => (
              <option key={u} value={u}>
                {t(`urgency.${u}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ref-type">{t("form.serviceType")}</label>
          <select id="ref-type" name="serviceType" defaultValue={defaults.serviceType ?? "outpatient"}>
            {(["outpatient", "inpatient"] as const).map((u) => (
              <option key={u} value={u}>
                {t(`serviceType.${u}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor="ref-notes">{t("form.notes")}</label>
        <textarea id="ref-notes" name="notes" rows={2} defaultValue={defaults.notes} />
      </div>
    </>
  );
}
