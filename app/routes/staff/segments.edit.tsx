import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT, pageTitle } from "../../core/i18n/i18n.server.ts";
import {
  multiValueOps,
  normaliseRule,
  operatorsByType,
  readSegmentForm,
  type RuleDraft,
  type SegmentDraft,
  type SegmentFieldView,
} from "../../core/segments/segment-rules.ts";
import {
  availableSegmentFields,
  createSegment,
  deleteSegment,
  getSegment,
  pluginNameOf,
  updateSegment,
  validateSegmentDraft,
  type SegmentFormErrors,
} from "../../core/segments/segments.server.ts";
import { translateError } from "../../ui/translate-error.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";

export const meta = titleMeta;

const emptyRule: RuleDraft = { field: "", op: "", values: [] };

async function builderContext(context: LoaderFunctionArgs["context"], request: Request, segmentId: string | undefined) {
  const { actor } = requireStaff(context, request, "core.segment.manage");
  const { db, registry } = context.runtime;
  const segment = segmentId === undefined ? null : await getSegment(db, segmentId);
  if (segmentId !== undefined && !segment) notFound();
  const t = fixedT(context.language, "staff");
  const fields = await availableSegmentFields(db, registry, actor, t);
  return { actor, db, registry, segment, t, fields };
}

type Builder = Awaited<ReturnType<typeof builderContext>>;

/** What the builder needs to draw a draft: field views (no functions) and why missing fields are missing. */
function view(b: Builder, draft: SegmentDraft) {
  const fieldViews = [...b.fields.values()].map(({ condition: _c, ...f }) => f);
  const rules = draft.rules.map((r) => normaliseRule(r, b.fields.get(r.field)));
  const missing = Object.fromEntries(
    rules.flatMap((r) =>
      r.field && !b.fields.has(r.field)
        ? [[r.field, r.field.startsWith("core.") ? "" : pluginNameOf(b.registry, b.t, r.field)] as const]
        : [],
    ),
  );
  return { fields: fieldViews, draft: { ...draft, rules }, missing };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const b = await builderContext(context, request, params.segmentId);
  const draft: SegmentDraft = b.segment
    ? { name: b.segment.name, description: b.segment.description ?? "", match: b.segment.match, rules: b.segment.rules }
    : { name: "", description: "", match: "all", rules: [emptyRule] };
  return { title: pageTitle(context.language, b.segment ? "staff:segments.editTitle" : "staff:segments.newTitle"), ...view(b, draft), segmentId: b.segment?.id ?? null };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const b = await builderContext(context, request, params.segmentId);
  const { intent, draft } = readSegmentForm(await request.formData());
  if (intent === "delete" && b.segment) {
    await deleteSegment(b.db, b.actor, b.segment.id);
    return redirect("/staff/segments?deleted=1");
  }
  if (intent === "add") return { ...view(b, { ...draft, rules: [...draft.rules, emptyRule] }), errors: null };
  const remove = /^remove:(\d{1,2})$/.exec(intent);
  if (remove) return { ...view(b, { ...draft, rules: draft.rules.filter((_, i) => i !== Number(remove[1])) }), errors: null };
  if (intent !== "save") return { ...view(b, draft), errors: null };

  const rules = draft.rules.map((r) => normaliseRule(r, b.fields.get(r.field)));
  const checked = validateSegmentDraft({ ...draft, rules }, b.fields);
  if (!checked.ok) return data({ ...view(b, draft), errors: checked.errors }, { status: 400 });
  const saved = b.segment ? await updateSegment(b.db, b.actor, b.segment.id, checked.value) : await createSegment(b.db, b.actor, checked.value);
  if (!saved.ok) {
    const errors: SegmentFormErrors = saved.error === "nameTaken" ? { name: "segments.errors.nameTaken", rules: [] } : { form: "segments.errors.notFound", rules: [] };
    return data({ ...view(b, draft), errors }, { status: saved.error === "nameTaken" ? 400 : 404 });
  }
  return redirect(`/staff/segments/${saved.id}?saved=1`);
}

function RuleRow({
  rule,
  index,
  fields,
  missing,
  error,
  t,
}: {
  rule: RuleDraft;
  index: number;
  fields: SegmentFieldView[];
  missing: Record<string, string>;
  error: string | null | undefined;
  t: TFunction;
}) {
  const field = fields.find((f) => f.key === rule.field);
  const id = `rule-${index}`;
  const name = (part: string) => `rule.${index}.${part}`;
  const errorId = `${id}-error`;
  const invalid = error ? { "aria-invalid": true as const, "aria-describedby": errorId } : {};
  const multi = multiValueOps.has(rule.op);
  return (
    <fieldset className="stack-sm">
      <legend>{t("segments.rule", { number: index + 1 })}</legend>
      {rule.field && !field ? (
        <>
          <input type="hidden" name={name("field")} value={rule.field} />
          <input type="hidden" name={name("op")} value={rule.op} />
          {rule.values.map((v, i) => (
            <input key={i} type="hidden" name={name("values")} value={v} />
          ))}
          <p className="alert warn">
            {missing[rule.field]
              ? t("segments.unavailableField", { number: index + 1, field: rule.field, plugin: missing[rule.field] })
              : t("segments.unavailableCoreField", { number: index + 1, field: rule.field })}
          </p>
        </>
      ) : (
        <div className="grid three">
          <div className="field">
            <label htmlFor={`${id}-field`}>{t("segments.field")}</label>
            <select
              id={`${id}-field`}
              name={name("field")}
              defaultValue={rule.field}
              {...(error === "segments.errors.fieldRequired" ? invalid : {})}
              onChange={(e) => {
                // with JavaScript the conditions follow the field at once; without it, "Update choices"
                const form = e.currentTarget.form;
                const refresh = form?.querySelector<HTMLButtonElement>('button[value="refresh"]');
                if (form && refresh) form.requestSubmit(refresh);
              }}
            >
              <option value="">{t("segments.chooseField")}</option>
              {fields.map((f) => (
                <option key={f.key} value={f.key}>
                  {f.label}
                </option>
              ))}
            </select>
          </div>
          {field ? (
            <>
              <div className="field">
                <label htmlFor={`${id}-op`}>{t("segments.operator")}</label>
                <select id={`${id}-op`} name={name("op")} defaultValue={rule.op}>
                  {operatorsByType[field.type].map((op) => (
                    <option key={op} value={op}>
                      {t(`segments.ops.${op}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${id}-value`}>{t("segments.value")}</label>
                {field.type === "enum" || field.type === "tags" ? (
                  <>
                    <select
                      id={`${id}-value`}
                      name={name("values")}
                      multiple={multi}
                      size={multi ? Math.min(5, Math.max(2, field.options?.length ?? 2)) : undefined}
                      defaultValue={multi ? rule.values : rule.values[0] ?? ""}
                      {...invalid}
                    >
                      {multi ? null : <option value="">{t("segments.chooseValue")}</option>}
                      {(field.options ?? []).map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                    {multi ? <p className="hint">{t("segments.multiHint")}</p> : null}
                  </>
                ) : field.type === "date" && rule.op !== "withinDays" && rule.op !== "moreThanDaysAgo" ? (
                  <input id={`${id}-value`} type="date" name={name("values")} defaultValue={rule.values[0] ?? ""} {...invalid} />
                ) : (
                  <div className="actions">
                    <input id={`${id}-value`} name={name("values")} inputMode="numeric" defaultValue={rule.values[0] ?? ""} {...invalid} />
                    {rule.op === "between" ? (
                      <>
                        <span>{t("segments.valueTo")}</span>
                        <input aria-label={`${t("segments.value")} 2`} name={name("values")} inputMode="numeric" defaultValue={rule.values[1] ?? ""} {...invalid} />
                      </>
                    ) : null}
                    {rule.op === "withinDays" ? <span>{t("segments.days")}</span> : null}
                    {rule.op === "moreThanDaysAgo" ? <span>{t("segments.daysAgo")}</span> : null}
                  </div>
                )}
              </div>
            </>
          ) : (
            <input type="hidden" name={name("op")} value="" />
          )}
        </div>
      )}
      {error ? (
        <div className="field">
          <p className="error" id={errorId} role="alert">
            {translateError(t, `staff:${error}`)}
          </p>
        </div>
      ) : null}
      <button type="submit" name="intent" value={`remove:${index}`} className="link-button" formNoValidate>
        {t("segments.removeRule", { number: index + 1 })}
      </button>
    </fieldset>
  );
}

export default function StaffSegmentBuilder() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const { fields, draft, missing } = acted ?? loaded;
  const errors = acted?.errors ?? null;
  const segmentId = loaded.segmentId;
  // a new key after each round trip, so the uncontrolled inputs show the returned draft
  const formKey = JSON.stringify(draft);
  const nameError = errors?.name ? translateError(t, errors.name.startsWith("validation.") ? errors.name : `staff:${errors.name}`) : null;
  return (
    <>
      <p>
        <Link to={segmentId ? `/staff/segments/${segmentId}` : "/staff/segments"}>← {t("segments.back")}</Link>
      </p>
      <PageHeader title={t(segmentId ? "segments.editTitle" : "segments.newTitle")} />
      {errors && (errors.form || errors.rules.some(Boolean)) ? (
        <div className="alert error" role="alert">
          {t(errors.form ?? "segments.errors.fix")}
        </div>
      ) : null}
      <Form method="post" className="card stack" key={formKey} noValidate>
        {/* Enter in a text box presses the form's first button: let that be "update", never "remove rule 1" */}
        <button type="submit" name="intent" value="refresh" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
        <div className="field">
          <label htmlFor="segment-name">{t("segments.name")}</label>
          <input
            id="segment-name"
            name="name"
            defaultValue={draft.name}
            maxLength={120}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? "segment-name-error" : undefined}
          />
          {nameError ? (
            <p className="error" id="segment-name-error" role="alert">
              {nameError}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="segment-description">{t("segments.description")}</label>
          <textarea id="segment-description" name="description" defaultValue={draft.description} rows={2} maxLength={1000} />
        </div>
        <div className="field">
          <label htmlFor="segment-match">{t("segments.match.label")}</label>
          <select id="segment-match" name="match" defaultValue={draft.match}>
            <option value="all">{t("segments.match.all")}</option>
            <option value="any">{t("segments.match.any")}</option>
          </select>
        </div>
        <h2>{t("segments.rules")}</h2>
        <p className="hint muted">{t("segments.refreshHint")}</p>
        {draft.rules.map((rule, i) => (
          <RuleRow key={i} rule={rule} index={i} fields={fields} missing={missing} error={errors?.rules[i]} t={t} />
        ))}
        <div className="actions">
          <button type="submit" name="intent" value="add" className="secondary" formNoValidate>
            {t("segments.addRule")}
          </button>
          <button type="submit" name="intent" value="refresh" className="secondary" formNoValidate>
            {t("segments.refresh")}
          </button>
          <button type="submit" name="intent" value="save" className="primary" disabled={navigation.state === "submitting"}>
            {t("segments.save")}
          </button>
        </div>
      </Form>
      {segmentId ? (
        <Form method="post" className="card" onSubmit={(e) => (window.confirm(t("segments.deleteConfirm")) ? undefined : e.preventDefault())}>
          <button type="submit" name="intent" value="delete" className="danger">
            {t("segments.delete")}
          </button>
        </Form>
      ) : null}
    </>
  );
}
