// The booking picker: clinic -> doctor (or any) -> date -> a free time. Plain GET forms, so it works
// before hydration and on slow phones; the final choice is a POST.
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export interface PickerData {
  services: { id: string; name: string; nameEn: string | null; branchName: string }[];
  serviceId: string | null;
  doctors: { id: string; name: string; specialty: string | null }[];
  practitionerId: string;
  date: string | null;
  minDate: string;
  maxDate: string;
  slots: { startAt: string; time: string; free: number; practitioners: string[] }[];
}

export function BookingPicker({
  picker,
  hidden,
  language,
  waitlist,
}: {
  picker: PickerData;
  hidden: Record<string, string>;
  language: "id" | "en";
  /** Offer the waitlist when the date has no free slot (texts of the patient or the front-desk page). */
  waitlist?: "portal" | "staff";
}) {
  const { t } = useTranslation("hospital-appointments");
  const keep = Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />);
  return (
    <div className="stack booking-picker">
      <Form method="get" className="card stack">
        {keep}
        <div className="field">
          <label htmlFor="pick-service">{t("portal.steps.service")}</label>
          <select id="pick-service" name="service" defaultValue={picker.serviceId ?? ""} required>
            <option value="" disabled>
              —
            </option>
            {picker.services.map((s) => (
              <option key={s.id} value={s.id}>
                {(language === "en" && s.nameEn) || s.name} · {s.branchName}
              </option>
            ))}
          </select>
        </div>
        {picker.serviceId ? (
          <>
            <div className="field">
              <label htmlFor="pick-doctor">{t("portal.steps.doctor")}</label>
              <select id="pick-doctor" name="doctor" defaultValue={picker.practitionerId}>
                <option value="any">{t("portal.anyDoctor")}</option>
                {picker.doctors.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="pick-date">{t("portal.steps.date")}</label>
              <input id="pick-date" type="date" name="date" min={picker.minDate} max={picker.maxDate} defaultValue={picker.date ?? picker.minDate} required />
            </div>
          </>
        ) : null}
        <button type="submit" className="primary">
          {t("portal.next")}
        </button>
      </Form>
      {picker.serviceId && picker.date ? (
        <section className="card stack" aria-labelledby="slot-title">
          <h2 id="slot-title">{t("portal.steps.slot")}</h2>
          {picker.slots.length === 0 ? <p className="muted">{t("portal.noSlots")}</p> : null}
          <Form method="post" className="slot-grid">
            {keep}
            <input type="hidden" name="intent" value="book" />
            <input type="hidden" name="serviceId" value={picker.serviceId} />
            <input type="hidden" name="practitionerId" value={picker.practitionerId} />
            {picker.slots.map((s) => (
              <button key={s.startAt} type="submit" name="startAt" value={s.startAt} className="slot-button" aria-label={t("portal.confirm", { time: s.time })}>
                <strong>{s.time}</strong>
                <span className="small muted">{t("portal.free", { count: s.free })}</span>
              </button>
            ))}
          </Form>
        </section>
      ) : null}
      {waitlist && picker.serviceId && picker.date && picker.slots.length === 0 ? (
        <section className="card stack" aria-labelledby="waitlist-title">
          <h2 id="waitlist-title">{t(`${waitlist}.waitlist.joinTitle`)}</h2>
          <p className="muted">{t(`${waitlist}.waitlist.joinHint`)}</p>
          <Form method="post" className="stack">
            {keep}
            <input type="hidden" name="intent" value="waitlist" />
            <input type="hidden" name="serviceId" value={picker.serviceId} />
            <input type="hidden" name="practitionerId" value={picker.practitionerId} />
            <input type="hidden" name="dateFrom" value={picker.date} />
            <div className="field">
              <label htmlFor="waitlist-to">{t("portal.waitlist.dateTo")}</label>
              <input id="waitlist-to" type="date" name="dateTo" min={picker.date} max={picker.maxDate} defaultValue={picker.date} />
            </div>
            <button type="submit" className="secondary">
              {t(`${waitlist}.waitlist.join`)}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
