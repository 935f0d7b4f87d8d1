// The form of a scheduled report. Works without JavaScript (the server checks everything); with it,
// conform checks as the user types. What was typed stays in the form when the server says no.
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldErrors } from "../../ui/form-field.tsx";
import { reportFrequencies } from "./schedule.ts";
import { subscriptionSchema } from "./subscription-form.ts";

export interface SubscriptionDefaults {
  name: string;
  target: string;
  branch: string;
  frequency: string;
  weekday: string;
  monthDay: string;
  localTime: string;
  mode: string;
  alertDirection: string;
  alertThreshold: string;
  alertHysteresis: string;
  roles: string[];
  emails: string;
  emailLanguage: string;
}

interface Options {
  dashboards: { value: string; label: string }[];
  kpis: { value: string; label: string }[];
  branches: { id: string; name: string }[];
  allBranches: boolean;
  roles: string[];
}

export function SubscriptionForm({ options, zone, defaults, lastResult }: { options: Options; zone: string; defaults: (SubscriptionDefaults & { id: string }) | null; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation("reports");
  const [form, fields] = useForm({
    id: defaults ? `subscription-${defaults.id}` : "subscription-new",
    lastResult,
    constraint: getZodConstraint(subscriptionSchema),
    defaultValue: defaults ?? { frequency: "daily", weekday: "1", monthDay: "1", localTime: "07.00", mode: "digest", alertDirection: "above", alertHysteresis: "0", emailLanguage: "id", branch: options.allBranches ? "" : (options.branches[0]?.id ?? "") },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: subscriptionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const value = (name: keyof SubscriptionDefaults) => fields[name].initialValue as string | undefined;
  const chosenRoles = new Set((fields.roles.initialValue as string[] | undefined) ?? []);
  const field = (name: keyof typeof fields, label: string, control: React.ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={fields[name].id}>{label}</label>
      {control}
      {hint ? <p className="hint">{hint}</p> : null}
      <FieldErrors id={fields[name].errorId} errors={fields[name].errors} />
    </div>
  );
  const aria = (name: keyof typeof fields) => ({ id: fields[name].id, name: fields[name].name, "aria-invalid": fields[name].errors ? true : undefined, "aria-describedby": fields[name].errors ? fields[name].errorId : undefined });
  return (
    <Form method="post" {...getFormProps(form)}>
      {defaults ? <input type="hidden" name="id" value={defaults.id} /> : null}
      <FieldErrors id={form.errorId} errors={form.errors} />
      {field("name", t("schedule.fields.name"), <input {...aria("name")} defaultValue={value("name")} maxLength={120} required />)}
      {field(
        "target",
        t("schedule.fields.target"),
        <select {...aria("target")} defaultValue={value("target")}>
          <optgroup label={t("schedule.fields.targetDashboards")}>
            {options.dashboards.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label={t("schedule.fields.targetKpis")}>
            {options.kpis.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        </select>,
      )}
      {field(
        "branch",
        t("schedule.fields.branch"),
        <select {...aria("branch")} defaultValue={value("branch")}>
          {options.allBranches ? <option value="">{t("schedule.fields.branchAll")}</option> : null}
          {options.branches.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>,
      )}
      {field(
        "frequency",
        t("schedule.fields.frequency"),
        <select {...aria("frequency")} defaultValue={value("frequency")}>
          {reportFrequencies.map((f) => (
            <option key={f} value={f}>
              {t(`schedule.frequencies.${f}`)}
            </option>
          ))}
        </select>,
      )}
      {field(
        "weekday",
        t("schedule.fields.weekday"),
        <select {...aria("weekday")} defaultValue={value("weekday")}>
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <option key={d} value={d}>
              {t(`schedule.weekdays.${d}`)}
            </option>
          ))}
        </select>,
      )}
      {field("monthDay", t("schedule.fields.monthDay"), <input {...aria("monthDay")} type="number" min={1} max={28} defaultValue={value("monthDay")} />)}
      {field("localTime", t("schedule.fields.localTime"), <input {...aria("localTime")} inputMode="numeric" defaultValue={value("localTime")} required />, t("schedule.fields.localTimeHint", { zone }))}
      {field(
        "mode",
        t("schedule.fields.mode"),
        <select {...aria("mode")} defaultValue={value("mode")}>
          {["digest", "alert"].map((m) => (
            <option key={m} value={m}>
              {t(`schedule.modes.${m}`)}
            </option>
          ))}
        </select>,
      )}
      <fieldset>
        <legend>{t("schedule.modes.alert")}</legend>
        {field(
          "alertDirection",
          t("schedule.fields.alertDirection"),
          <select {...aria("alertDirection")} defaultValue={value("alertDirection")}>
            {["above", "below"].map((d) => (
              <option key={d} value={d}>
                {t(`schedule.directions.${d}`)}
              </option>
            ))}
          </select>,
        )}
        {field("alertThreshold", t("schedule.fields.alertThreshold"), <input {...aria("alertThreshold")} inputMode="decimal" defaultValue={value("alertThreshold")} />, t("schedule.fields.alertThresholdHint"))}
        {field("alertHysteresis", t("schedule.fields.alertHysteresis"), <input {...aria("alertHysteresis")} inputMode="decimal" defaultValue={value("alertHysteresis")} />, t("schedule.fields.alertHysteresisHint"))}
      </fieldset>
      <fieldset>
        <legend>{t("schedule.fields.roles")}</legend>
        {options.roles.map((role) => (
          <label key={role} className="checkbox">
            <input type="checkbox" name={fields.roles.name} value={role} defaultChecked={chosenRoles.has(role)} /> {role}
          </label>
        ))}
        <FieldErrors id={fields.roles.errorId} errors={fields.roles.errors} />
      </fieldset>
      {field("emails", t("schedule.fields.emails"), <textarea {...aria("emails")} rows={3} defaultValue={value("emails")} />, t("schedule.fields.emailsHint"))}
      {field(
        "emailLanguage",
        t("schedule.fields.emailLanguage"),
        <select {...aria("emailLanguage")} defaultValue={value("emailLanguage")}>
          {["id", "en"].map((l) => (
            <option key={l} value={l}>
              {t(`schedule.languages.${l}`)}
            </option>
          ))}
        </select>,
      )}
      <button type="submit" name="intent" value="save" className="button">
        {t("schedule.fields.save")}
      </button>
    </Form>
  );
}
