import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AnalyticsTabs, analyticsTabPermissions } from "../../core/analytics/analytics-tabs.tsx";
import { AT_RISK_PAGE_LIMIT, atRiskList, createFollowUpTasks } from "../../core/analytics/at-risk.server.ts";
import { forbidden, requireStaff } from "../../core/auth/guards.server.ts";
import { formatRupiah } from "../../core/i18n/format.ts";
import { numberLocale } from "../../core/i18n/languages.ts";
import { formatLocalDate } from "../../core/time/format-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { isUuid } from "../../core/validation/ids.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "staff", "analytics"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.scores.view");
  const timeZone = await staffTimeZone(context.runtime.db, actor);
  const list = await atRiskList(context.runtime, actor, { timeZone, now: new Date() });
  return {
    title: pageTitle(context.language, "analytics:atRisk.title"),
    list: list.ok ? { ...list, rows: list.rows.slice(0, AT_RISK_PAGE_LIMIT) } : list,
    language: context.language,
    canCreateTasks: actor.permissions.has("core.task.manage"),
    canExport: actor.permissions.has("core.contact.export"),
    tabs: analyticsTabPermissions(actor.permissions),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.scores.view");
  if (!actor.permissions.has("core.task.manage")) forbidden();
  const form = await request.formData();
  const contactIds = form
    .getAll("contactId")
    .filter((v): v is string => typeof v === "string" && isUuid(v))
    .slice(0, AT_RISK_PAGE_LIMIT);
  const timeZone = await staffTimeZone(context.runtime.db, actor);
  const result = await createFollowUpTasks(context.runtime, actor, { contactIds, timeZone, now: new Date(), language: context.language, ip: context.clientIp });
  if (!result.ok) return data({ problem: result.problem }, { status: 400 });
  return redirect(`/staff/analytics/at-risk?created=${result.created}&skipped=${result.skipped}`);
}

export default function AtRiskPage() {
  const { list, language, canCreateTasks, canExport, tabs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t } = useTranslation("analytics");
  const percent = new Intl.NumberFormat(numberLocale(language), { style: "percent", maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(numberLocale(language), { maximumFractionDigits: 1 });
  const created = params.get("created");
  return (
    <>
      <PageHeader title={t("atRisk.title")} />
      <AnalyticsTabs permissions={tabs} />
      <p>{t("atRisk.intro")}</p>
      <p className="muted">
        {t("atRisk.profilingNote")} <Link to="/staff/analytics/model">{t("atRisk.modelLink")}</Link>
      </p>
      {created !== null && /^\d+$/.test(created) ? (
        <div className="alert success" role="status">
          {t("atRisk.created", { created: Number(created), skipped: Number(params.get("skipped") ?? 0) })}
        </div>
      ) : null}
      {actionData?.problem ? (
        <div className="alert error" role="alert">
          {t(`atRisk.problems.${actionData.problem}`)}
        </div>
      ) : null}
      {!list.ok ? (
        <div className="alert warn" role="status">
          {t(`atRisk.problems.${list.problem}`)}
        </div>
      ) : list.rows.length === 0 ? (
        <p className="muted">{t("atRisk.empty")}</p>
      ) : (
        <section className="card">
          <p>
            {t("atRisk.shownOf", { shown: list.rows.length, total: list.total })}{" "}
            {canExport ? <a href="/staff/analytics/at-risk/export">{t("atRisk.exportCsv")}</a> : null}
          </p>
          <p className="muted">
            {list.model.kind === "snapshot" ? t("atRisk.modelFromSnapshot", { date: formatLocalDate(list.model.date, language, "medium") }) : t("atRisk.modelFittedNow")}
          </p>
          <Form method="post">
            <div className="table-scroll">
              <table className="data">
                <thead>
                  <tr>
                    {canCreateTasks ? <th scope="col">{t("atRisk.columns.choose")}</th> : null}
                    <th scope="col">{t("atRisk.columns.name")}</th>
                    <th scope="col">{t("atRisk.columns.transactions")}</th>
                    <th scope="col">{t("atRisk.columns.lastTransaction")}</th>
                    <th scope="col">{t(list.hasAmounts ? "atRisk.columns.pastValueRupiah" : "atRisk.columns.pastVisits")}</th>
                    <th scope="col">{t("atRisk.columns.pAlive")}</th>
                    <th scope="col">{t(list.hasAmounts ? "atRisk.columns.lostValueRupiah" : "atRisk.columns.lostVisits")}</th>
                    <th scope="col">{t("atRisk.columns.followUp")}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.rows.map((r) => (
                    <tr key={r.contactId}>
                      {canCreateTasks ? (
                        <td>
                          <input type="checkbox" name="contactId" value={r.contactId} defaultChecked={!r.hasOpenTask} aria-label={r.name} />
                        </td>
                      ) : null}
                      <th scope="row">
                        <Link to={`/staff/contacts/${r.contactId}`}>{r.name}</Link>
                      </th>
                      <td>{r.transactions}</td>
                      <td>{formatLocalDate(r.lastDate, language, "medium")}</td>
                      <td>{list.hasAmounts ? formatRupiah(Math.round(r.pastValue), language) : r.pastValue}</td>
                      <td>{percent.format(r.pAlive)}</td>
                      <td>{list.hasAmounts ? formatRupiah(Math.round(r.expectedLostValue), language) : decimal.format(r.expectedLostValue)}</td>
                      <td>{r.hasOpenTask ? t("atRisk.openTask") : "–"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {canCreateTasks ? (
              <p>
                <button type="submit" disabled={navigation.state === "submitting"}>
                  {t("atRisk.createTasks")}
                </button>
              </p>
            ) : null}
          </Form>
        </section>
      )}
    </>
  );
}
