import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { forbidden, hasPermission, requireStaff } from "../../core/auth/guards.server.ts";
import { isLocalDate } from "../../core/time/local-time.ts";
import { ChartFigure } from "../../core/charts/chart-figure.tsx";
import { analyticsScoresPermission, currentWindowDays, requestRfmSnapshot } from "../../core/analytics/rfm-snapshots.server.ts";
import { MovementTable, RfmGridTable, SegmentTotalsTable } from "../../core/analytics/rfm-view.tsx";
import { rfmOverview } from "../../core/analytics/rfm-views.server.ts";
import { AnalyticsTabs, analyticsTabPermissions } from "../../core/analytics/analytics-tabs.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;
export const handle = { i18n: ["analytics", "reports"] };

/** Who may compute a snapshot on demand: the admins (settings). */
const recomputePermission = "core.settings.manage";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, analyticsScoresPermission);
  const { db } = context.runtime;
  const asked = new URL(request.url).searchParams.get("date");
  const overview = await rfmOverview(db, actor, { date: isLocalDate(asked) ? asked : asked ? "invalid" : null, language: context.language });
  return {
    title: pageTitle(context.language, "analytics:rfm.title"),
    overview,
    windowDays: await currentWindowDays(db),
    can: { recompute: hasPermission(context.auth, recomputePermission), export: hasPermission(context.auth, "core.contact.export") },
    tabs: analyticsTabPermissions(actor.permissions),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, analyticsScoresPermission);
  if (!actor.permissions.has(recomputePermission)) forbidden();
  const form = await request.formData();
  const windowDays = String(form.get("windowDays") ?? "").slice(0, 20);
  const result = await requestRfmSnapshot(context.runtime.db, context.runtime.jobs, actor, { windowDays, ip: context.clientIp });
  if (!result.ok) return data({ ok: false as const, error: `rfm.recompute.errors.${result.error}`, windowDays }, { status: 400 });
  return { ok: true as const, queued: result.queued, windowDays };
}

export default function AnalyticsPage() {
  const { overview, windowDays, can, tabs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("analytics");
  const { t: tr } = useTranslation("reports");
  const { run } = overview;
  return (
    <>
      <PageHeader title={t("rfm.title")}>
        {run && can.export ? (
          <a className="button secondary" href={`/staff/analytics/export?date=${run.snapshotDate}`} download>
            {t("rfm.export.link")}
          </a>
        ) : null}
      </PageHeader>
      <AnalyticsTabs permissions={tabs} />
      {overview.notice ? (
        <div className="alert warn" role="status">
          {overview.notice}
        </div>
      ) : null}
      {!run ? (
        <p className="card muted">{t("rfm.none")}</p>
      ) : (
        <>
          <p>{run.intro}</p>
          {overview.snapshots.length > 1 ? (
            <form method="get" className="report-filters card">
              <label>
                {t("rfm.pickSnapshot")}
                <select name="date" defaultValue={run.snapshotDate}>
                  {overview.snapshots.map((s) => (
                    <option key={s.date} value={s.date}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="secondary">
                {t("rfm.show")}
              </button>
            </form>
          ) : null}
          <p className="muted">{run.heading}</p>
          {run.problem ? (
            <div className="alert warn" role="status">
              {run.problem}
            </div>
          ) : null}
          {run.customers === 0 ? <p className="card muted">{t("rfm.noCustomers", { days: windowDays, date: run.snapshotDate })}</p> : null}
          <section aria-labelledby="grid-title">
            <h2 id="grid-title">{t("rfm.grid.title")}</h2>
            {overview.grid ? <RfmGridTable grid={overview.grid} /> : null}
          </section>
          <section aria-labelledby="totals-title">
            <h2 id="totals-title">{t("rfm.totals.title")}</h2>
            <SegmentTotalsTable totals={overview.totals} />
          </section>
          <section aria-labelledby="movement-title">
            <h2 id="movement-title">{t("rfm.movement.title")}</h2>
            {overview.movement ? <MovementTable movement={overview.movement} /> : <p className="muted">{overview.movementMissing}</p>}
          </section>
          <section className="card" aria-label={t("rfm.clv.title")}>
            {overview.clvChart ? <ChartFigure chart={overview.clvChart} tableLabel={tr("viewAsTable")} /> : <p className="muted">{overview.clvMissing}</p>}
          </section>
        </>
      )}
      {can.recompute ? (
        <section className="card" aria-labelledby="recompute-title">
          <h2 id="recompute-title">{t("rfm.recompute.title")}</h2>
          <p className="hint muted">{t("rfm.recompute.hint")}</p>
          {actionData?.ok ? (
            <div className="alert success" role="status">
              {t(actionData.queued ? "rfm.recompute.queued" : "rfm.recompute.alreadyQueued")}
            </div>
          ) : null}
          <Form method="post" className="stack">
            <div className="field">
              <label htmlFor="windowDays">{t("rfm.recompute.window")}</label>
              <input
                id="windowDays"
                name="windowDays"
                type="number"
                inputMode="numeric"
                min={30}
                max={1095}
                defaultValue={actionData?.windowDays ?? String(windowDays)}
                aria-invalid={actionData && !actionData.ok ? true : undefined}
                aria-describedby={actionData && !actionData.ok ? "windowDays-error" : undefined}
              />
              {actionData && !actionData.ok ? (
                <p className="error" id="windowDays-error" role="alert">
                  {t(actionData.error)}
                </p>
              ) : null}
            </div>
            <button type="submit" disabled={busy}>
              {t("rfm.recompute.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
