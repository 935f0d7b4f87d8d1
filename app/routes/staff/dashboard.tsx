import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { dashboardCounts } from "../../core/dashboard/dashboard.server.ts";
import { formatNumber } from "../../core/i18n/format.ts";
import { fixedT, pageTitle } from "../../core/i18n/i18n.server.ts";
import type { WidgetView } from "../../core/plugins/contract.ts";
import { roleDashboard } from "../../core/reports/dashboard.server.ts";
import { ChartGrid, KpiTiles, ReportFilters, ReportProblems } from "../../core/reports/report-view.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff", "reports"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.dashboard.read");
  const { runtime, language } = context;
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const widgets = runtime.registry.dashboardWidgets(enabled, actor.permissions);
  // the staff home is the user's role dashboard (issue 9), above the counts and plugin widgets
  const report = actor.permissions.has("core.report.read") ? await roleDashboard(runtime, actor, { url: new URL(request.url), language, now: new Date() }) : null;
  const [counts, widgetViews] = await Promise.all([
    dashboardCounts(runtime.db),
    Promise.all(
      widgets.map(async (w) => ({
        id: `${w.pluginId}:${w.id}`,
        view: await w.load({ db: runtime.db, actor, language, t: fixedT(language, w.pluginId) }),
      })),
    ),
  ]);
  return { title: pageTitle(context.language, "staff:dashboard.title"), counts, widgets: widgetViews, language, report };
}

function Widget({ view }: { view: WidgetView }) {
  if (view.kind === "stat") {
    return (
      <div className="card">
        <p className="stat-label">{view.title}</p>
        <p className="stat">{view.value}</p>
        {view.hint ? <p className="muted">{view.hint}</p> : null}
      </div>
    );
  }
  return (
    <div className="card">
      <h2>{view.title}</h2>
      {view.items.length === 0 ? (
        <p className="muted">{view.empty}</p>
      ) : (
        <dl className="details">
          {view.items.map((item) => (
            <div key={item.label}>
              <dt>{item.href ? <a href={item.href}>{item.label}</a> : item.label}</dt>
              <dd>{item.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export default function Dashboard() {
  const { counts, widgets, language, report } = useLoaderData<typeof loader>();
  const { t } = useTranslation("staff");
  const { t: tr } = useTranslation("reports");
  const stats = [
    { key: "contacts", value: counts.contacts },
    { key: "newContacts30d", value: counts.newContacts30d },
    { key: "customers", value: counts.customers },
    { key: "partners", value: counts.partners },
  ] as const;
  return (
    <>
      <PageHeader title={t("dashboard.title")} />
      {report ? (
        <>
          <ReportFilters
            request={report.request}
            branches={report.branches}
            allBranches={report.allBranches}
            dashboards={{ current: report.dashboardId, ids: report.dashboardIds }}
          />
          <ReportProblems problems={report.problems} />
          <h2>
            {tr(`dashboards.${report.dashboardId}`)} · <span className="muted">{report.periodText}</span>
          </h2>
          <p className="muted">
            {report.previousText} · <span data-testid="dashboard-freshness">{report.freshnessText}</span>
          </p>
          <KpiTiles tiles={report.tiles} label={tr(`dashboards.${report.dashboardId}`)} />
          <ChartGrid charts={report.charts} />
        </>
      ) : null}
      <section className="grid four" aria-label={t("dashboard.countsLabel")}>
        {stats.map((s) => (
          <div className="card" key={s.key}>
            <p className="stat-label">{t(`dashboard.counts.${s.key}`)}</p>
            <p className="stat">{formatNumber(s.value, language)}</p>
          </div>
        ))}
      </section>
      {counts.messagesFailed > 0 ? (
        <div className="alert warn" role="status">
          {t("dashboard.messagesFailed", { count: counts.messagesFailed })}
        </div>
      ) : null}
      {widgets.length ? (
        <section className="grid three" aria-label={t("dashboard.widgetsLabel")}>
          {widgets.map((w) => (
            <Widget key={w.id} view={w.view} />
          ))}
        </section>
      ) : null}
    </>
  );
}
