// Global search results (issue 15): the shell's box submits here as a plain GET form. Results grouped
// by kind, each a heading with its count, real links, and "Lihat semua" to the kind's own list.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { forbidden, requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { withAppName } from "../../core/i18n/page-title.ts";
import { canSearch, globalSearch, type SearchGroup } from "../../core/search/global-search.server.ts";
import { cleanSearchQuery, searchQueryMaxLength, searchQueryMinLength } from "../../core/search/search-query.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";

export const handle = { i18n: ["common", "staff"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.title) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // each kind asks for its own permission; who may search no kind at all is refused
  const { actor } = requireStaff(context, request);
  if (!(await canSearch(context.runtime, actor))) forbidden();
  const { query, cut, tooShort } = cleanSearchQuery(new URL(request.url).searchParams.get("q"));
  const t = fixedT(context.language, "staff");
  const groups = query && !tooShort ? await globalSearch(context.runtime, actor, { query, language: context.language }) : null;
  return {
    query,
    cut,
    tooShort: Boolean(query) && tooShort,
    groups,
    title: groups ? t("search.resultsFor", { query }) : t("search.title"),
  };
}

function Group({ group, query }: { group: SearchGroup; query: string }) {
  const { t } = useTranslation("staff");
  const id = `kind-${group.kind.replace(/[^a-z0-9-]/gi, "-")}`;
  const count = group.more ? t("search.countMore", { count: group.results.length }) : t("search.count", { count: group.results.length });
  return (
    <section className="card search-group" aria-labelledby={id}>
      <h2 id={id}>
        {group.label} <span className="muted search-count">({count})</span>
      </h2>
      {group.failed ? <p className="alert error">{t("search.failed")}</p> : null}
      <ul className="search-results">
        {group.results.map((r) => (
          <li key={r.id}>
            {r.href ? <a href={r.href}>{r.title}</a> : <span className="search-title">{r.title}</span>}
            {r.subtitle ? <span className="muted search-subtitle">{r.subtitle}</span> : null}
          </li>
        ))}
      </ul>
      {group.listHref ? (
        <p className="search-more">
          <a href={group.listHref} aria-label={t("search.moreLabel", { kind: group.label, query })}>
            {t("search.more")}
          </a>
        </p>
      ) : null}
    </section>
  );
}

export default function GlobalSearch() {
  const { query, cut, tooShort, groups } = useLoaderData<typeof loader>();
  const { t } = useTranslation("staff");
  const found = groups?.filter((g) => g.results.length > 0 || g.failed) ?? [];
  return (
    <>
      <PageHeader title={groups ? t("search.resultsFor", { query }) : t("search.title")} />
      <Form method="get" className="toolbar search-page-form" role="search">
        <div className="field wide-field">
          <label htmlFor="search-q">{t("search.label")}</label>
          <input
            id="search-q"
            name="q"
            type="search"
            defaultValue={query}
            key={query}
            maxLength={searchQueryMaxLength}
            placeholder={t("search.placeholder")}
            autoFocus={!query}
            enterKeyHint="search"
          />
        </div>
        <button type="submit" className="primary">
          {t("search.submit")}
        </button>
      </Form>
      {cut ? <p className="alert info" role="status">{t("search.cut", { count: searchQueryMaxLength })}</p> : null}
      {tooShort ? <p className="alert info" role="status">{t("search.tooShort", { count: searchQueryMinLength })}</p> : null}
      {!groups ? (
        <div className="muted">
          <p>{t("search.hint")}</p>
          <p>{t("search.shortcut")}</p>
        </div>
      ) : groups.length === 0 ? (
        <p className="muted">{t("search.noKinds")}</p>
      ) : found.length === 0 ? (
        <p className="muted">{t("search.none", { query })}</p>
      ) : (
        found.map((group) => <Group key={group.kind} group={group} query={query} />)
      )}
    </>
  );
}
