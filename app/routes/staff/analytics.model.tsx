import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { AnalyticsTabs, analyticsTabPermissions } from "../../core/analytics/analytics-tabs.tsx";
import { defaultModelCheckForm, latestModelCheck, latestModelCheckResult, requestModelCheck, type ModelCheckRequestProblem } from "../../core/analytics/model-check.server.ts";
import { modelCheckView } from "../../core/analytics/model-check-view.server.ts";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { ChartFigure } from "../../core/charts/chart-figure.tsx";
import { formatDateTime } from "../../core/i18n/format.ts";
import { numberLocale } from "../../core/i18n/languages.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "staff", "reports", "analytics"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.scores.view");
  const { db } = context.runtime;
  const timeZone = await staffTimeZone(db, actor);
  const [latest, done] = await Promise.all([latestModelCheck(db), latestModelCheckResult(db)]);
  return {
    title: pageTitle(context.language, "analytics:model.title"),
    latest: latest ? { status: latest.status, problem: latest.problem, requestedAt: latest.requestedAt.toISOString() } : null,
    done: done?.result ? { result: done.result, finishedAt: (done.finishedAt ?? done.requestedAt).toISOString(), view: modelCheckView(done.result, context.language) } : null,
    defaults: defaultModelCheckForm(timeZone, new Date()),
    timeZone,
    language: context.language,
    tabs: analyticsTabPermissions(actor.permissions),
  };
}

const runSchema = z.object({ calibrationEnd: z.string().trim().max(20), holdoutEnd: z.string().trim().max(20) });

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.scores.view");
  const parsed = runSchema.safeParse(Object.fromEntries(await request.formData()));
  const values = parsed.success ? parsed.data : { calibrationEnd: "", holdoutEnd: "" };
  if (!parsed.success) return data({ problem: "invalidDate" as ModelCheckRequestProblem, values }, { status: 400 });
  const timeZone = await staffTimeZone(context.runtime.db, actor);
  const result = await requestModelCheck(context.runtime, actor, { ...values, timeZone, now: new Date(), ip: context.clientIp });
  if (!result.ok) return data({ problem: result.problem, values }, { status: result.problem === "alreadyRunning" ? 409 : 400 });
  return redirect("/staff/analytics/model?queued=1");
}

export default function ModelCheckPage() {
  const { latest, done, defaults, timeZone, language, tabs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t } = useTranslation("analytics");
  const number = new Intl.NumberFormat(numberLocale(language), { maximumFractionDigits: 2 });
  const estimate = (v: number | null | undefined) => (v == null ? t("model.params.notAvailable") : new Intl.NumberFormat(numberLocale(language), { maximumSignificantDigits: 4 }).format(v));
  const values = actionData?.values ?? defaults;
  const inProgress = latest && (latest.status === "queued" || latest.status === "running");
  const result = done?.result;
  return (
    <>
      <PageHeader title={t("model.title")} />
      <AnalyticsTabs permissions={tabs} />
      <p>{t("model.intro")}</p>
      {params.get("queued") === "1" && inProgress ? (
        <div className="alert info" role="status">
          {t("model.queued")}
        </div>
      ) : null}
      <section className="card">
        <h2>{t("model.form.heading")}</h2>
        {actionData?.problem ? (
          <div className="alert error" role="alert">
            {t(`model.problems.${actionData.problem}`)}
          </div>
        ) : null}
        <Form method="post" className="report-filters">
          <label>
            {t("model.form.calibrationEnd")}
            <input type="date" name="calibrationEnd" defaultValue={values.calibrationEnd} required />
          </label>
          <label>
            {t("model.form.holdoutEnd")}
            <input type="date" name="holdoutEnd" defaultValue={values.holdoutEnd} required />
          </label>
          <button type="submit" disabled={navigation.state === "submitting" || Boolean(inProgress)}>
            {latest ? t("model.form.runAgain") : t("model.form.run")}
          </button>
        </Form>
        <p className="muted">{t("model.form.help")}</p>
        {latest ? (
          <p>
            {t("model.requestedAt", { date: formatDateTime(latest.requestedAt, language, timeZone) })}
            {" · "}
            {latest.status === "done" ? null : latest.status === "failed" ? <strong>{t("model.status.failed")}</strong> : t(`model.status.${latest.status}`)}
            {inProgress ? (
              <>
                {" "}
                <a href="/staff/analytics/model">{t("model.refresh")}</a>
              </>
            ) : null}
          </p>
        ) : (
          <p className="muted">{t("model.never")}</p>
        )}
        {latest?.status === "failed" && latest.problem ? (
          <div className="alert error" role="status">
            {t(`model.problems.${latest.problem}`)}
          </div>
        ) : null}
        {latest && latest.status !== "done" && result ? <p className="muted">{t("model.showingPrevious")}</p> : null}
      </section>

      {done && result ? (
        <>
          {done.view.poorFit ? (
            <div className="alert warn" role="alert">
              <strong>{t("model.poorFit")}</strong>
              {result.warnings
                .filter((w) => w === "holdoutError" || w === "noHoldoutTransactions")
                .map((w) => (
                  <p key={w}>{t(`model.warnings.${w}`, { error: done.view.relativeError ?? "" })}</p>
                ))}
            </div>
          ) : (
            <div className="alert success" role="status">
              {t("model.fitGood", { error: done.view.relativeError ?? "" })}
            </div>
          )}
          {result.warnings
            .filter((w) => w === "spendNotFitted" || w === "standardErrorsMissing")
            .map((w) => (
              <div key={w} className="alert warn" role="status">
                {t(`model.warnings.${w}`)}
              </div>
            ))}
          <section className="card">
            <h2>{t("model.data.heading")}</h2>
            <p className="muted">{t("model.fittedAt", { date: formatDateTime(done.finishedAt, language, timeZone) })}</p>
            <dl>
              <dt>{t("model.data.calibration")}</dt>
              <dd>{t("model.data.calibrationRange", { from: done.view.calibrationFrom, to: done.view.calibrationTo })}</dd>
              <dt>{t("model.data.holdout")}</dt>
              <dd>{t("model.data.holdoutRange", { from: done.view.holdoutFrom, to: done.view.holdoutTo, weeks: number.format(result.holdout.weeks) })}</dd>
              <dt>{t("model.data.transactions")}</dt>
              <dd>{number.format(result.data.transactions)}</dd>
              <dt>{t("model.data.customers")}</dt>
              <dd>{number.format(result.data.customers)}</dd>
              <dt>{t("model.data.repeatCustomers")}</dt>
              <dd>{number.format(result.data.repeatCustomers)}</dd>
              <dt>{t("model.data.amounts")}</dt>
              <dd>{result.data.hasAmounts ? t("model.data.amountsYes") : t("model.data.amountsNo")}</dd>
            </dl>
          </section>
          <section className="card">
            <ChartFigure chart={done.view.chart} tableLabel={t("reports:viewAsTable")} />
          </section>
          <section className="card">
            <h2>{t("model.holdout.heading")}</h2>
            <dl>
              <dt>{t("model.holdout.predicted")}</dt>
              <dd>{number.format(result.holdout.predicted)}</dd>
              <dt>{t("model.holdout.actual")}</dt>
              <dd>{number.format(result.holdout.actual)}</dd>
              <dt>{t("model.holdout.error")}</dt>
              <dd>{done.view.relativeError ?? "–"}</dd>
              <dt>{t("model.holdout.mae")}</dt>
              <dd>{number.format(result.holdout.meanAbsoluteError)}</dd>
            </dl>
            <h3>{t("model.bins.heading")}</h3>
            <p className="muted">{t("model.bins.note")}</p>
            <div className="table-scroll">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("model.bins.frequency")}</th>
                    <th scope="col">{t("model.bins.customers")}</th>
                    <th scope="col">{t("model.bins.meanActual")}</th>
                    <th scope="col">{t("model.bins.meanPredicted")}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.bins.map((b) => (
                    <tr key={b.frequency}>
                      <th scope="row">{b.atLeast ? t("model.bins.atLeast", { frequency: b.frequency }) : b.frequency}</th>
                      <td>{number.format(b.customers)}</td>
                      <td>{number.format(b.meanActual)}</td>
                      <td>{number.format(b.meanPredicted)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card">
            <h2>{t("model.params.heading")}</h2>
            <div className="table-scroll">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("model.params.model")}</th>
                    <th scope="col">{t("model.params.parameter")}</th>
                    <th scope="col">{t("model.params.estimate")}</th>
                    <th scope="col">{t("model.params.standardError")}</th>
                  </tr>
                </thead>
                <tbody>
                  {(["r", "alpha", "a", "b"] as const).map((k) => (
                    <tr key={`bg-${k}`}>
                      <td>{t("model.params.bgNbd")}</td>
                      <th scope="row">{k === "alpha" ? "α" : k}</th>
                      <td>{estimate(result.bgNbd.params[k])}</td>
                      <td>{estimate(result.bgNbd.standardErrors?.[k])}</td>
                    </tr>
                  ))}
                  <tr>
                    <td>{t("model.params.bgNbd")}</td>
                    <th scope="row">{t("model.params.logLikelihood")}</th>
                    <td>{number.format(result.bgNbd.logLikelihood)}</td>
                    <td>–</td>
                  </tr>
                  {result.gammaGamma
                    ? (["p", "q", "gamma"] as const).map((k) => (
                        <tr key={`gg-${k}`}>
                          <td>{t("model.params.gammaGamma")}</td>
                          <th scope="row">{k === "gamma" ? "γ" : k}</th>
                          <td>{estimate(result.gammaGamma?.params[k])}</td>
                          <td>{estimate(result.gammaGamma?.standardErrors?.[k])}</td>
                        </tr>
                      ))
                    : null}
                  {result.gammaGamma ? (
                    <tr>
                      <td>{t("model.params.gammaGamma")}</td>
                      <th scope="row">{t("model.params.logLikelihood")}</th>
                      <td>{number.format(result.gammaGamma.logLikelihood)}</td>
                      <td>–</td>
                    </tr>
                  ) : null}
                </tbody>
              </table>
            </div>
          </section>
        </>
      ) : null}
    </>
  );
}
