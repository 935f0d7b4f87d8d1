import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { countStaleResolvedTickets } from "../../core/tickets/ticket-auto-close.server.ts";
import { ticketPriorities } from "../../core/tickets/ticket-forms.ts";
import { readTicketAutoClose, readTicketFirstResponse, readTicketSla, saveTicketPolicy } from "../../core/tickets/ticket-sla.server.ts";
import { z } from "../../core/validation/validation.ts";
import { FormAlert, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { SettingsTabs, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.settings.manage";

// whole hours up to 90 days: what a service desk plans in
const hours = () => z.number().int().min(1).max(24 * 90);
// the first-response targets sit beside the resolution targets as flat fields, one per priority
const firstResponseField = { urgent: "firstResponseUrgent", high: "firstResponseHigh", normal: "firstResponseNormal", low: "firstResponseLow" } as const;
const policySchema = z.object({
  urgent: hours(),
  high: hours(),
  normal: hours(),
  low: hours(),
  firstResponseUrgent: hours(),
  firstResponseHigh: hours(),
  firstResponseNormal: hours(),
  firstResponseLow: hours(),
  autoCloseDays: z.number().int().min(0).max(90),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const [sla, firstResponse, autoClose] = await Promise.all([readTicketSla(db), readTicketFirstResponse(db), readTicketAutoClose(db)]);
  const t = fixedT(context.language, "staff");
  return {
    title: withAppName(t("settings.tickets.title")),
    tabs: settingsTabPermissions(actor.permissions),
    saved: new URL(request.url).searchParams.get("notice") === "saved",
    policy: {
      ...sla,
      ...Object.fromEntries(ticketPriorities.map((priority) => [firstResponseField[priority], firstResponse[priority]])),
      autoCloseDays: autoClose.afterDays,
    },
    waitingToClose: await countStaleResolvedTickets(db, autoClose.afterDays),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const submission = parseWithZod(await request.formData(), { schema: policySchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const { autoCloseDays, firstResponseUrgent, firstResponseHigh, firstResponseNormal, firstResponseLow, ...sla } = submission.value;
  const firstResponse = { urgent: firstResponseUrgent, high: firstResponseHigh, normal: firstResponseNormal, low: firstResponseLow };
  await saveTicketPolicy(context.runtime.db, actor, { sla, firstResponse, autoClose: { afterDays: autoCloseDays } });
  return redirect("/staff/settings/tickets?notice=saved");
}

export default function TicketSettings() {
  const { policy, tabs, saved, waitingToClose } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(policySchema),
    defaultValue: Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, String(v)])),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: policySchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <SettingsTabs permissions={tabs} />
      <PageHeader title={t("settings.tickets.title")} />
      {saved ? (
        <div className="alert success" role="status">
          {t("settings.tickets.saved")}
        </div>
      ) : null}
      <section className="card" aria-labelledby="ticket-policy">
        <h2 id="ticket-policy">{t("settings.tickets.sla.title")}</h2>
        <p className="muted">{t("settings.tickets.sla.intro")}</p>
        <FormAlert errors={form.errors} />
        <Form method="post" className="stack" {...getFormProps(form)}>
          <fieldset>
            <legend>{t("settings.tickets.sla.legend")}</legend>
            <div className="grid two">
              {ticketPriorities.map((priority) => (
                <TextField
                  key={priority}
                  field={fields[priority]}
                  type="number"
                  label={t("settings.tickets.sla.hours", { priority: t(`tickets.priorities.${priority}`) })}
                  inputProps={{ inputMode: "numeric", min: 1, max: 24 * 90, step: 1 }}
                />
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend>{t("settings.tickets.firstResponse.legend")}</legend>
            <p className="muted">{t("settings.tickets.firstResponse.intro")}</p>
            <div className="grid two">
              {ticketPriorities.map((priority) => (
                <TextField
                  key={priority}
                  field={fields[firstResponseField[priority]]}
                  type="number"
                  label={t("settings.tickets.firstResponse.hours", { priority: t(`tickets.priorities.${priority}`) })}
                  inputProps={{ inputMode: "numeric", min: 1, max: 24 * 90, step: 1 }}
                />
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend>{t("settings.tickets.autoClose.legend")}</legend>
            <TextField
              field={fields.autoCloseDays}
              type="number"
              label={t("settings.tickets.autoClose.days")}
              hint={t("settings.tickets.autoClose.hint")}
              inputProps={{ inputMode: "numeric", min: 0, max: 90, step: 1 }}
            />
            {waitingToClose > 0 ? <p className="muted">{t("settings.tickets.autoClose.waiting", { count: waitingToClose })}</p> : null}
          </fieldset>
          <div>
            <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
              {t("settings.tickets.save")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
