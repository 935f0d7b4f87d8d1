// The clinical part of a referral form, shared by the partner and the staff forms.
import { useTranslation } from "react-i18next";

export function ClinicalFields() {
  const { t } = useTranslation("hospital-referrals");
  return (
    <>
      <div className="field">
        <label htmlFor="ref-reason">{t("form.reason")}</label>
        <textarea id="ref-reason" name="reason" rows={3} required />
      </div>
      <div className="grid two">
        <div className="field">
          <label htmlFor="ref-icd">{t("form.icd10Code")}</label>
          <input id="ref-icd" name="icd10Code" required placeholder="J18.9" />
        </div>
        <div className="field">
          <label htmlFor="ref-icdtext">{t("form.icd10Text")}</label>
          <input id="ref-icdtext" name="icd10Text" required />
        </div>
        <div className="field">
          <label htmlFor="ref-target">{t("form.targetService")}</label>
          <input id="ref-target" name="targetService" required placeholder="Poli Penyakit Dalam" />
        </div>
        <div className="field">
          <label htmlFor="ref-urgency">{t("form.urgency")}</label>
          <select id="ref-urgency" name="urgency" defaultValue="routine">
            {(["routine", "urgent", "emergency"] as const).map((u) => (
              <option key={u} value={u}>
                {t(`urgency.${u}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ref-type">{t("form.serviceType")}</label>
          <select id="ref-type" name="serviceType" defaultValue="outpatient">
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
        <textarea id="ref-notes" name="notes" rows={2} />
      </div>
    </>
  );
}
