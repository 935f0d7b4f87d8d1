import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { formatNumber } from "../../core/i18n/format.ts";
import type { Language } from "../../core/i18n/languages.ts";
import { presetRange } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { satisfactionRatings, surveyResultsFilterSchema } from "../../core/surveys/survey-forms.ts";
import { surveyResults, type RatingCounts } from "../../core/surveys/survey-results.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { ratingFaces } from "../../ui/tickets.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.survey.read");
  const filter = surveyResultsFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const timeZone = await staffTimeZone(context.runtime.db, actor);
  const last30 = presetRange("30d", timeZone);
  let from = filter.from ?? last30.from;
  let to = filter.to ?? last30.to;
  if (from > to) [from, to] = [to, from];
  return {
    title: pageTitle(context.language, "staff:surveys.results.title"),
    from,
    to,
    timeZone,
    results: await surveyResults(context.runtime.db, actor, { from, to, timeZone }),
    language: context.language,
  };
}

const pct = (value: number, language: Language) => `${formatNumber(value, language)}%`;

function BreakdownTable({ rows, nameLabel, empty, language }: { rows: (RatingCounts & { id: string | null; name: string | null })[]; nameLabel: string; empty: string; language: Language }) {
  const { t } = useTranslation("staff");
  if (!rows.length) return <p className="muted">{t("surveys.results.none")}</p>;
  return (
    <table className="data">
      <thead>
        <tr>
          <th>{nameLabel}</th>
          <th>{t("surveys.results.answers")}</th>
          {satisfactionRatings.map((r) => (
            <th key={r}>{t(`surveys.ratings.${r}`)}</th>
          ))}
          <th>{t("surveys.results.csat")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id ?? "none"}>
            <td data-label={nameLabel}>{row.name ?? <span className="muted">{empty}</span>}</td>
            <td data-label={t("surveys.results.answers")}>{formatNumber(row.total, language)}</td>
            {satisfactionRatings.map((r) => (
              <td key={r} data-label={t(`surveys.ratings.${r}`)}>
                {formatNumber(row[r], language)} <span className="muted">({pct(row[`${r}Pct`], language)})</span>
              </td>
            ))}
            <td data-label={t("surveys.results.csat")}>
              <strong>{pct(row.csatPct, language)}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function StaffSurveys() {
  const { from, to, results, language, timeZone } = useLoaderData<typeof loader>();
  const { t } = useTranslation("staff");
  const { overall } = results;
  return (
    <>
      <PageHeader title={t("surveys.results.title")} />
      <Form method="get" className="toolbar" aria-label={t("surveys.results.period")}>
        <div className="field">
          <label htmlFor="from">{t("surveys.results.from")}</label>
          <input id="from" name="from" type="date" defaultValue={from} />
        </div>
        <div className="field">
          <label htmlFor="to">{t("surveys.results.to")}</label>
          <input id="to" name="to" type="date" defaultValue={to} />
        </div>
        <button type="submit" className="secondary">
          {t("surveys.results.apply")}
        </button>
      </Form>
      <p className="muted">{t("surveys.results.zoneNote", { zone: t(`tasks.zones.${timeZone}`) })}</p>
      <div className="grid four">
        <section className="card">
          <p className="stat">{formatNumber(overall.total, language)}</p>
          <p className="stat-label">{t("surveys.results.answers")}</p>
        </section>
        <section className="card">
          <p className="stat">{pct(overall.csatPct, language)}</p>
          <p className="stat-label">{t("surveys.results.csatLong")}</p>
        </section>
        <section className="card">
          <p className="stat">{formatNumber(results.sent, language)}</p>
          <p className="stat-label">{t("surveys.results.sent")}</p>
        </section>
        <section className="card">
          <p className="stat">{pct(results.responseRatePct, language)}</p>
          <p className="stat-label">{t("surveys.results.responseRate")}</p>
        </section>
      </div>
      <section className="card" aria-labelledby="distribution">
        <h2 id="distribution">{t("surveys.results.distribution")}</h2>
        <ul className="rating-bars">
          {satisfactionRatings.map((r) => (
            <li key={r}>
              <span className="rating-bar-label">
                <span aria-hidden="true">{ratingFaces[r]}</span> {t(`surveys.ratings.${r}`)}
              </span>
              <progress max={100} value={overall[`${r}Pct`]} aria-label={t(`surveys.ratings.${r}`)} />
              <span className="rating-bar-value">
                {formatNumber(overall[r], language)} · {pct(overall[`${r}Pct`], language)}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="by-branch">
        <h2 id="by-branch">{t("surveys.results.byBranch")}</h2>
        <BreakdownTable rows={results.byBranch} nameLabel={t("surveys.results.branch")} empty={t("surveys.results.noBranch")} language={language} />
      </section>
      <section className="card" aria-labelledby="by-staff">
        <h2 id="by-staff">{t("surveys.results.byStaff")}</h2>
        <BreakdownTable rows={results.byStaff} nameLabel={t("surveys.results.staff")} empty={t("surveys.results.noStaff")} language={language} />
      </section>
    </>
  );
}
