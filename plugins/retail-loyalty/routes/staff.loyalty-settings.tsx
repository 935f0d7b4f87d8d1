// /staff/loyalty-settings — the programme's rules: earn rate, expiry, tiers, category and product
// multipliers, bonus campaigns. Plain forms (no JavaScript needed); a refused form comes back with
// what was typed and translated errors. Changes apply to future earnings only.
import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { FieldErrors, FormAlert, PageHeader, SelectField, TextField, formatDate, formatNumber, titleMeta } from "../../../app/plugin-api/ui.ts";
import { deleteCampaign, programSettings, saveCampaign, saveEarning, saveMultipliers, type SettingsError } from "../program-settings.server.ts";
import { campaignDeleteSchema, campaignSchema, campaignScopeValues, earningSchema, multipliersSchema } from "../settings-forms.ts";

export const handle = { i18n: ["common", "staff", "retail-loyalty"] };
export const meta = titleMeta;

const PERMISSION = "retail-loyalty.program.manage";
const BLANK_ROWS = 3;
const notices = ["saved", "deleted"] as const;
const errorKey = (e: SettingsError) => `retail-loyalty:settings.errors.${e}`;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, PERMISSION);
  const settings = await programSettings(context.runtime.db);
  const url = new URL(request.url);
  const notice = url.searchParams.get("notice");
  const editId = url.searchParams.get("campaign");
  if (!settings) return { title: pageTitle(context.language, "retail-loyalty:settings.title"), program: null, tiers: [], campaigns: [], editing: null, notice: null };
  const { program, campaigns } = settings;
  return {
    title: pageTitle(context.language, "retail-loyalty:settings.title"),
    program: { idrPerPoint: program.idrPerPoint, expiryMonths: program.expiryMonths, categoryMultipliers: program.categoryMultipliers, productMultipliers: program.productMultipliers },
    tiers: program.tiers.map((t) => ({ id: t.id, code: t.code, name: t.name, minSpendIdr: t.minSpendIdr, earnMultiplierPct: t.earnMultiplierPct, benefits: t.benefits })),
    campaigns: campaigns.map((c) => ({ ...c, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() })),
    editing: campaigns.find((c) => c.id === editId)?.id ?? null,
    notice: notices.find((n) => n === notice) ?? null,
  };
}

type ActionData = { intent: "earning" | "multipliers" | "campaign" | "campaignDelete"; result: SubmissionResult<string[]> };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const formData = await request.formData();
  const intent = String(formData.get("intent"));
  if (intent === "earning") {
    const submission = parseWithZod(formData, { schema: earningSchema });
    if (submission.status !== "success") return data<ActionData>({ intent, result: submission.reply() }, { status: 400 });
    const saved = await saveEarning(db, actor, submission.value);
    if (!saved.ok) return data<ActionData>({ intent, result: submission.reply({ formErrors: [errorKey(saved.error)] }) }, { status: 400 });
    return redirect("/staff/loyalty-settings?notice=saved");
  }
  if (intent === "multipliers") {
    const submission = parseWithZod(formData, { schema: multipliersSchema });
    if (submission.status !== "success") return data<ActionData>({ intent, result: submission.reply() }, { status: 400 });
    const saved = await saveMultipliers(db, actor, submission.value);
    if (!saved.ok) return data<ActionData>({ intent, result: submission.reply({ formErrors: [errorKey(saved.error)] }) }, { status: 400 });
    return redirect("/staff/loyalty-settings?notice=saved#multipliers");
  }
  if (intent === "campaignDelete") {
    const submission = parseWithZod(formData, { schema: campaignDeleteSchema });
    if (submission.status !== "success") return data<ActionData>({ intent, result: submission.reply() }, { status: 400 });
    const deleted = await deleteCampaign(db, actor, submission.value.id);
    if (!deleted.ok) return data<ActionData>({ intent, result: submission.reply({ formErrors: [errorKey(deleted.error)] }) }, { status: 400 });
    return redirect("/staff/loyalty-settings?notice=deleted#campaigns");
  }
  const submission = parseWithZod(formData, { schema: campaignSchema });
  if (submission.status !== "success") return data<ActionData>({ intent: "campaign", result: submission.reply() }, { status: 400 });
  const saved = await saveCampaign(db, actor, submission.value);
  if (!saved.ok) {
    const reply = saved.error === "unknownTier" ? submission.reply({ fieldErrors: { scopeValues: [errorKey(saved.error)] } }) : submission.reply({ formErrors: [errorKey(saved.error)] });
    return data<ActionData>({ intent: "campaign", result: reply }, { status: 400 });
  }
  return redirect("/staff/loyalty-settings?notice=saved#campaigns");
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
// the forms' fields as the browser sends them (text); the action validates them with the zod
// schemas (settings-forms.ts) and answers a refused form with the typed values and the errors
type EarningFields = { idrPerPoint: string; expiryMonths: string; tiers: { id: string; minSpendIdr: string; earnMultiplierPct: string; benefitsId: string; benefitsEn: string }[] };
type MultiplierFields = { categories: { key: string; pct: string }[]; products: { key: string; pct: string }[] };
type CampaignFields = {
  id: string;
  nameId: string;
  nameEn: string;
  descriptionId: string;
  descriptionEn: string;
  startsOn: string;
  endsOn: string;
  kind: string;
  value: string;
  scope: string;
  scopeValues: string;
  active: boolean;
};

export default function LoyaltySettings() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retail-loyalty");
  const lang = i18n.language === "en" ? "en" : "id";
  const last = (intent: ActionData["intent"]) => (actionData?.intent === intent ? actionData.result : undefined);
  const editing = loaded.campaigns.find((c) => c.id === loaded.editing) ?? null;
  return (
    <>
      <PageHeader title={t("settings.title")} />
      <p>
        <Link to="/staff/loyalty">{t("settings.back")}</Link>
      </p>
      <p className="alert info">{t("settings.futureOnly")}</p>
      {loaded.notice ? (
        <p className="alert success" role="status">
          {t(`settings.${loaded.notice}`)}
        </p>
      ) : null}
      {loaded.program ? (
        <>
          <EarningForm loaded={loaded} lastResult={last("earning")} />
          <MultipliersForm loaded={loaded} lastResult={last("multipliers")} />
          <section className="card stack" id="campaigns" aria-labelledby="campaigns-title">
            <h2 id="campaigns-title">{t("settings.campaigns.title")}</h2>
            <p className="muted">{t("settings.campaigns.rule")}</p>
            <FormAlert errors={last("campaignDelete")?.error?.[""] ?? undefined} />
            {loaded.campaigns.length === 0 ? (
              <p className="muted">{t("settings.campaigns.empty")}</p>
            ) : (
              <table className="data">
                <caption className="visually-hidden">{t("settings.campaigns.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("settings.campaigns.name")}</th>
                    <th scope="col">{t("settings.campaigns.dates")}</th>
                    <th scope="col">{t("settings.campaigns.reward")}</th>
                    <th scope="col">{t("settings.campaigns.scope")}</th>
                    <th scope="col">{t("settings.campaigns.status")}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t("settings.campaigns.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {loaded.campaigns.map((c) => (
                    <tr key={c.id}>
                      <td data-label={t("settings.campaigns.name")}>
                        <span>
                          <strong>{c.name[lang]}</strong>
                          {c.description[lang] ? (
                            <>
                              <br />
                              <span className="muted">{c.description[lang]}</span>
                            </>
                          ) : null}
                        </span>
                      </td>
                      <td data-label={t("settings.campaigns.dates")}>
                        {formatDate(`${c.startsOn}T12:00:00Z`, lang)} – {formatDate(`${c.endsOn}T12:00:00Z`, lang)}
                      </td>
                      <td data-label={t("settings.campaigns.reward")}>
                        {c.multiplierPct !== null
                          ? t("settings.campaigns.multiplierValue", { value: formatNumber(c.multiplierPct / 100, lang) })
                          : t("settings.campaigns.bonusValue", { value: formatNumber(c.bonusPoints ?? 0, lang) })}
                      </td>
                      <td data-label={t("settings.campaigns.scope")}>
                        {t(`settings.campaigns.scopes.${c.scope}`)}
                        {c.scopeValues.length ? `: ${c.scopeValues.join(", ")}` : ""}
                      </td>
                      <td data-label={t("settings.campaigns.status")}>
                        <span className={`badge ${c.active ? "ok" : "off"}`}>{c.active ? t("settings.campaigns.active") : t("settings.campaigns.inactive")}</span>
                      </td>
                      <td data-label={t("settings.campaigns.actions")}>
                        <span className="actions">
                          <Link to={`?campaign=${c.id}#campaign-form`}>{t("settings.campaigns.edit")}</Link>
                          <Form method="post">
                            <input type="hidden" name="intent" value="campaignDelete" />
                            <input type="hidden" name="id" value={c.id} />
                            <button type="submit" className="link-button danger-text" aria-label={t("settings.campaigns.deleteLabel", { name: c.name[lang] })}>
                              {t("settings.campaigns.delete")}
                            </button>
                          </Form>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <CampaignForm key={editing?.id ?? "new"} loaded={loaded} campaign={editing} lastResult={last("campaign")} />
          </section>
        </>
      ) : (
        <p className="muted">{t("errors.noProgram")}</p>
      )}
    </>
  );
}

function SubmitButton({ intent, label }: { intent: string; label: string }) {
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className="primary" disabled={submitting}>
        {label}
      </button>
    </>
  );
}

function EarningForm({ loaded, lastResult }: { loaded: LoaderData; lastResult?: SubmissionResult<string[]> }) {
  const { t, i18n } = useTranslation("retail-loyalty");
  const lang = i18n.language === "en" ? "en" : "id";
  // amounts shown with thousands separators, as staff read and type them
  const rupiah = (amount: number | undefined) => (amount === undefined ? "" : formatNumber(amount, lang));
  const [form, fields] = useForm<EarningFields>({
    id: "loyalty-earning",
    lastResult,
    defaultValue: {
      idrPerPoint: rupiah(loaded.program?.idrPerPoint),
      expiryMonths: String(loaded.program?.expiryMonths ?? ""),
      tiers: loaded.tiers.map((tier) => ({ id: tier.id, minSpendIdr: rupiah(tier.minSpendIdr), earnMultiplierPct: String(tier.earnMultiplierPct), benefitsId: tier.benefits.id, benefitsEn: tier.benefits.en })),
    },
  });
  const tierFields = fields.tiers.getFieldList();
  return (
    <section className="card" aria-labelledby="earning-title">
      <h2 id="earning-title">{t("settings.earning.title")}</h2>
      <Form method="post" className="stack" {...getFormProps(form)}>
        <FormAlert errors={form.errors} />
        <div className="grid two">
          <TextField field={fields.idrPerPoint} label={t("settings.earning.idrPerPoint")} hint={t("settings.earning.idrPerPointHint")} inputProps={{ inputMode: "numeric" }} />
          <TextField field={fields.expiryMonths} label={t("settings.earning.expiryMonths")} type="number" inputProps={{ inputMode: "numeric", min: 1, max: 120, step: 1 }} />
        </div>
        <p className="hint">{t("settings.earning.tiersHint")}</p>
        {tierFields.map((tierField, i) => {
          const tier = tierField.getFieldset();
          const info = loaded.tiers[i];
          return (
            <fieldset key={tierField.key} className="stack">
              <legend>{info ? `${info.name} (${info.code})` : tierField.name}</legend>
              <input {...getInputProps(tier.id, { type: "hidden" })} key={tier.id.key} />
              <div className="grid two">
                <TextField field={tier.minSpendIdr} label={t("settings.earning.minSpend")} inputProps={{ inputMode: "numeric" }} />
                <TextField field={tier.earnMultiplierPct} label={t("settings.earning.tierMultiplier")} type="number" hint={t("settings.earning.tierMultiplierHint")} inputProps={{ inputMode: "numeric", min: 100, max: 1000, step: 1 }} />
                <TextField field={tier.benefitsId} label={t("settings.earning.benefitsId")} />
                <TextField field={tier.benefitsEn} label={t("settings.earning.benefitsEn")} />
              </div>
            </fieldset>
          );
        })}
        <div className="actions">
          <SubmitButton intent="earning" label={t("settings.earning.submit")} />
        </div>
      </Form>
    </section>
  );
}

function rowsOf(map: Record<string, number> | undefined) {
  const rows = Object.entries(map ?? {}).map(([key, pct]) => ({ key, pct: String(pct) }));
  return [...rows, ...Array.from({ length: BLANK_ROWS }, () => ({ key: "", pct: "" }))];
}

function MultipliersForm({ loaded, lastResult }: { loaded: LoaderData; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation("retail-loyalty");
  const [form, fields] = useForm<MultiplierFields>({
    id: "loyalty-multipliers",
    lastResult,
    defaultValue: { categories: rowsOf(loaded.program?.categoryMultipliers), products: rowsOf(loaded.program?.productMultipliers) },
  });
  const groups = [
    { name: "categories" as const, title: t("settings.multipliers.categories"), keyLabel: t("settings.multipliers.category") },
    { name: "products" as const, title: t("settings.multipliers.products"), keyLabel: t("settings.multipliers.sku") },
  ];
  return (
    <section className="card" id="multipliers" aria-labelledby="multipliers-title">
      <h2 id="multipliers-title">{t("settings.multipliers.title")}</h2>
      <p className="hint">{t("settings.multipliers.hint")}</p>
      <Form method="post" className="stack" {...getFormProps(form)}>
        <FormAlert errors={form.errors} />
        {groups.map((group) => (
          <fieldset key={group.name}>
            <legend>{group.title}</legend>
            {/* one grid for all rows: name | multiplier side by side on wide screens, evenly spaced on a phone */}
            <div className="grid two">
              {fields[group.name].getFieldList().map((rowField, i) => {
                const row = rowField.getFieldset();
                return (
                  <Fragment key={rowField.key}>
                    <TextField field={row.key} label={`${group.keyLabel} ${i + 1}`} inputProps={{ autoComplete: "off", maxLength: 64 }} />
                    <TextField field={row.pct} label={`${t("settings.multipliers.pct")} ${i + 1}`} type="number" inputProps={{ inputMode: "numeric", min: 0, max: 1000, step: 1 }} />
                  </Fragment>
                );
              })}
            </div>
          </fieldset>
        ))}
        <div className="actions">
          <SubmitButton intent="multipliers" label={t("settings.multipliers.submit")} />
        </div>
      </Form>
    </section>
  );
}

type Campaign = LoaderData["campaigns"][number];

function CampaignForm({ loaded, campaign, lastResult }: { loaded: LoaderData; campaign: Campaign | null; lastResult?: SubmissionResult<string[]> }) {
  const { t, i18n } = useTranslation("retail-loyalty");
  const lang = i18n.language === "en" ? "en" : "id";
  const [form, fields] = useForm<CampaignFields>({
    id: campaign ? `loyalty-campaign-${campaign.id}` : "loyalty-campaign-new",
    lastResult,
    defaultValue: campaign
      ? {
          id: campaign.id,
          nameId: campaign.name.id,
          nameEn: campaign.name.en,
          descriptionId: campaign.description.id,
          descriptionEn: campaign.description.en,
          startsOn: campaign.startsOn,
          endsOn: campaign.endsOn,
          kind: campaign.multiplierPct !== null ? "multiplier" : "bonus",
          value: String(campaign.multiplierPct ?? campaign.bonusPoints ?? ""),
          scope: campaign.scope,
          scopeValues: campaign.scopeValues.join(", "),
          active: campaign.active,
        }
      : { kind: "multiplier", scope: "all", active: true },
  });
  return (
    <div className="stack" id="campaign-form">
      <h3>{campaign ? t("settings.campaigns.editTitle", { name: campaign.name[lang] }) : t("settings.campaigns.newTitle")}</h3>
      <Form method="post" className="stack" action={campaign ? `?campaign=${campaign.id}` : undefined} {...getFormProps(form)}>
        <FormAlert errors={form.errors} />
        {campaign ? <input type="hidden" name="id" value={campaign.id} /> : null}
        <div className="grid two">
          <TextField field={fields.nameId} label={t("settings.campaigns.nameId")} inputProps={{ autoComplete: "off" }} />
          <TextField field={fields.nameEn} label={t("settings.campaigns.nameEn")} inputProps={{ autoComplete: "off" }} />
          <TextField field={fields.descriptionId} label={t("settings.campaigns.descriptionId")} inputProps={{ autoComplete: "off" }} />
          <TextField field={fields.descriptionEn} label={t("settings.campaigns.descriptionEn")} inputProps={{ autoComplete: "off" }} />
          <TextField field={fields.startsOn} label={t("settings.campaigns.startsOn")} type="date" />
          <TextField field={fields.endsOn} label={t("settings.campaigns.endsOn")} type="date" />
          <SelectField field={fields.kind} label={t("settings.campaigns.kind")} options={(["multiplier", "bonus"] as const).map((k) => ({ value: k, label: t(`settings.campaigns.kinds.${k}`) }))} />
          <TextField field={fields.value} label={t("settings.campaigns.value")} type="number" hint={t("settings.campaigns.valueHint")} inputProps={{ inputMode: "numeric", min: 1, step: 1 }} />
          <SelectField field={fields.scope} label={t("settings.campaigns.scopeLabel")} options={campaignScopeValues.map((s) => ({ value: s, label: t(`settings.campaigns.scopes.${s}`) }))} />
          <TextField
            field={fields.scopeValues}
            label={t("settings.campaigns.scopeValues")}
            hint={t("settings.campaigns.scopeValuesHint", { codes: loaded.tiers.map((tier) => tier.code).join(", ") })}
            inputProps={{ autoComplete: "off" }}
          />
        </div>
        <div className="field">
          <label className="checkbox" htmlFor={fields.active.id}>
            <input {...getInputProps(fields.active, { type: "checkbox", ariaAttributes: true })} key={fields.active.key} />
            <span>{t("settings.campaigns.activeLabel")}</span>
          </label>
          <FieldErrors id={fields.active.errorId} errors={fields.active.errors} />
        </div>
        <div className="actions">
          <SubmitButton intent="campaign" label={t("settings.campaigns.submit")} />
          {campaign ? <Link to="/staff/loyalty-settings#campaigns">{t("settings.campaigns.cancel")}</Link> : null}
        </div>
      </Form>
    </div>
  );
}
