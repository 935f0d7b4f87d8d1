import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { forbidden, notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime, formatNumber } from "../../core/i18n/format.ts";
import { fixedT, pageTitle } from "../../core/i18n/i18n.server.ts";
import { campaignSchema, campaignsOf, countConsenting, startCampaign } from "../../core/segments/segment-campaigns.server.ts";
import { availableSegmentFields, countSegmentMembers, describeRules, getSegment, segmentCondition } from "../../core/segments/segments.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { translateError } from "../../ui/translate-error.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";

export const meta = titleMeta;

async function campaignContext(context: LoaderFunctionArgs["context"], request: Request, segmentId: string | undefined) {
  const { actor } = requireStaff(context, request, "core.segment.manage");
  if (!actor.permissions.has("core.campaign.send")) forbidden();
  const { db, registry } = context.runtime;
  const segment = await getSegment(db, segmentId ?? "");
  if (!segment) notFound();
  const t = fixedT(context.language, "staff");
  const fields = await availableSegmentFields(db, registry, actor, t);
  return { actor, db, registry, segment, t, fields, condition: segmentCondition(segment, fields) };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const c = await campaignContext(context, request, params.segmentId);
  const counts = c.condition.ok
    ? { members: await countSegmentMembers(c.db, c.condition.where), consenting: await countConsenting(c.db, c.condition.where) }
    : null;
  const campaigns = await campaignsOf(c.db, c.segment.id);
  return {
    title: pageTitle(context.language, "staff:segments.campaign.title", { name: c.segment.name }),
    segment: { id: c.segment.id, name: c.segment.name },
    unavailable: c.condition.ok ? [] : describeRules(c.segment, c.fields, c.registry, c.t, context.language).flatMap((r) => (r.unavailable ? [r.unavailable] : [])),
    counts,
    campaigns: campaigns.map((x) => ({ ...x, createdAt: x.createdAt.toISOString(), finishedAt: x.finishedAt?.toISOString() ?? null })),
    language: context.language,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const c = await campaignContext(context, request, params.segmentId);
  const form = Object.fromEntries(await request.formData());
  const parsed = campaignSchema.safeParse(form);
  const values = { title: String(form.title ?? "").slice(0, 200), message: String(form.message ?? "").slice(0, 3000) };
  if (!parsed.success) {
    // the first problem per field is the one to show
    const errors = Object.fromEntries(parsed.error.issues.reverse().map((i) => [String(i.path[0] ?? "form"), i.message]));
    return data({ errors, values }, { status: 400 });
  }
  if (!c.condition.ok) return data({ errors: { form: "segments.unavailableTitle" }, values }, { status: 409 });
  const started = await startCampaign(c.db, context.runtime.jobs, c.actor, c.segment, c.condition.where, parsed.data);
  if (!started.recipients) return data({ errors: { form: "segments.campaign.errors.empty" }, values }, { status: 400 });
  return redirect(`/staff/segments/${c.segment.id}/campaign?started=1`);
}

export default function StaffSegmentCampaign() {
  const { segment, unavailable, counts, campaigns, language } = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  const errors: Record<string, string> = acted?.errors ?? {};
  const err = (key: string) => (errors[key] ? translateError(t, errors[key].startsWith("validation.") ? errors[key] : `staff:${errors[key]}`) : null);
  const counters = ["recipients", "pending", "queued", "sent", "failed", "skippedNoConsent", "skippedOther"] as const;
  return (
    <>
      <p>
        <Link to={`/staff/segments/${segment.id}`}>← {segment.name}</Link>
      </p>
      <PageHeader title={t("segments.campaign.title", { name: segment.name })} />
      {params.get("started") ? (
        <div className="alert success" role="status">
          {t("segments.campaign.started")}
        </div>
      ) : null}
      {errors.form ? (
        <div className="alert error" role="alert">
          {err("form")}
        </div>
      ) : null}
      {!counts ? (
        <div className="alert error" role="alert">
          <strong>{t("segments.unavailableTitle")}</strong>
          <ul>
            {unavailable.map((u, i) => (
              <li key={i}>{u}</li>
            ))}
          </ul>
        </div>
      ) : (
        <section className="card stack">
          <p>{t("segments.campaign.intro")}</p>
          <p>
            <strong>{t("segments.campaign.members", { count: counts.members, formatted: formatNumber(counts.members, language) })}</strong>
            {" · "}
            {t("segments.campaign.consenting", { count: counts.consenting, formatted: formatNumber(counts.consenting, language) })}
          </p>
          {/* a fresh form once a campaign has started, so a second click cannot resend it */}
          <Form method="post" className="stack" noValidate key={campaigns.length}>
            <input type="hidden" name="intent" value="send" />
            <div className="field">
              <label htmlFor="campaign-title">{t("segments.campaign.messageTitle")}</label>
              <input id="campaign-title" name="title" maxLength={120} defaultValue={acted?.values.title ?? ""} aria-invalid={errors.title ? true : undefined} aria-describedby={errors.title ? "campaign-title-error" : undefined} />
              {errors.title ? (
                <p className="error" id="campaign-title-error" role="alert">
                  {err("title")}
                </p>
              ) : null}
            </div>
            <div className="field">
              <label htmlFor="campaign-message">{t("segments.campaign.message")}</label>
              <textarea id="campaign-message" name="message" rows={5} maxLength={2000} defaultValue={acted?.values.message ?? ""} aria-invalid={errors.message ? true : undefined} aria-describedby={errors.message ? "campaign-message-error" : undefined} />
              {errors.message ? (
                <p className="error" id="campaign-message-error" role="alert">
                  {err("message")}
                </p>
              ) : null}
            </div>
            <div className="actions">
              <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
                {t("segments.campaign.send")}
              </button>
            </div>
          </Form>
        </section>
      )}
      <h2>{t("segments.campaign.history")}</h2>
      {campaigns.length === 0 ? (
        <p className="card muted">{t("segments.campaign.none")}</p>
      ) : (
        campaigns.map((c) => (
          <section key={c.id} className="card">
            <h3>{c.title}</h3>
            <p className="muted">
              {formatDateTime(c.createdAt, language)} · {t(`segments.campaign.statuses.${c.status}`)}
            </p>
            <dl className="facts">
              {counters.map((k) => (
                <Fragment key={k}>
                  <dt>{t(`segments.campaign.counts.${k}`)}</dt>
                  <dd>{formatNumber(k === "skippedOther" ? c.counts.skipped - c.counts.skippedNoConsent : c.counts[k], language)}</dd>
                </Fragment>
              ))}
            </dl>
          </section>
        ))
      )}
    </>
  );
}
