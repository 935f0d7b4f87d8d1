import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { formatNumber } from "../../core/i18n/format.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import {
  availableSegmentFields,
  countSegmentMembers,
  describeRules,
  getSegment,
  segmentCondition,
  segmentMembers,
} from "../../core/segments/segments.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.segment.name) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.segment.manage");
  const { db, registry } = context.runtime;
  const segment = await getSegment(db, params.segmentId ?? "");
  if (!segment) notFound();
  const t = fixedT(context.language, "staff");
  const fields = await availableSegmentFields(db, registry, actor, t);
  const rules = describeRules(segment, fields, registry, t, context.language);
  const condition = segmentCondition(segment, fields);
  const after = new URL(request.url).searchParams.get("after");
  const members = condition.ok
    ? { count: await countSegmentMembers(db, condition.where), ...(await segmentMembers(db, condition.where, { after })) }
    : null;
  return {
    segment: { id: segment.id, name: segment.name, description: segment.description, match: segment.match },
    rules,
    members: members && { ...members, contacts: members.contacts.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })) },
    canExport: actor.permissions.has("core.contact.export"),
    canSend: actor.permissions.has("core.campaign.send"),
    language: context.language,
  };
}

export default function StaffSegment() {
  const { segment, rules, members, canExport, canSend, language } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  return (
    <>
      <p>
        <Link to="/staff/segments">← {t("segments.back")}</Link>
      </p>
      <PageHeader title={segment.name}>
        <Link to={`/staff/segments/${segment.id}/edit`} className="button secondary">
          {t("segments.edit")}
        </Link>
        {canExport && members ? (
          <a href={`/staff/segments/${segment.id}/export`} className="button secondary" download>
            {t("segments.exportCsv")}
          </a>
        ) : null}
        {canSend && members ? (
          <Link to={`/staff/segments/${segment.id}/campaign`} className="button">
            {t("segments.campaign.button")}
          </Link>
        ) : null}
      </PageHeader>
      {params.get("saved") ? (
        <div className="alert success" role="status">
          {t("segments.saved")}
        </div>
      ) : null}
      {segment.description ? <p className="muted">{segment.description}</p> : null}
      <section className="card">
        <h2>{t("segments.rulesSummary")}</h2>
        <p className="muted">
          {t("segments.match.label")} {t(`segments.match.${segment.match}`)}
        </p>
        <ol>
          {rules.map((r, i) => (
            <li key={i}>
              {r.unavailable ? <s>{r.text}</s> : r.text}
            </li>
          ))}
        </ol>
      </section>
      {!members ? (
        <div className="alert error" role="alert">
          <strong>{t("segments.unavailableTitle")}</strong>
          <p>{t("segments.unavailableIntro")}</p>
          <ul>
            {rules
              .filter((r) => r.unavailable)
              .map((r, i) => (
                <li key={i}>{r.unavailable}</li>
              ))}
          </ul>
        </div>
      ) : (
        <>
          <p className="segment-count">
            <strong>{t("segments.members", { count: members.count, formatted: formatNumber(members.count, language) })}</strong>
          </p>
          {members.contacts.length === 0 ? (
            <p className="card muted">{t("segments.noMembers")}</p>
          ) : (
            <table className="data">
              <thead>
                <tr>
                  <th>{t("contacts.export.columns.name")}</th>
                  <th>{t("contacts.export.columns.phone")}</th>
                  <th className="hide-phone">{t("contacts.export.columns.city")}</th>
                  <th className="hide-phone">{t("contacts.export.columns.branch")}</th>
                </tr>
              </thead>
              <tbody>
                {members.contacts.map((c) => (
                  <tr key={c.id}>
                    <td data-label={t("contacts.export.columns.name")}>
                      <Link to={`/staff/contacts/${c.id}`}>{c.fullName}</Link>
                    </td>
                    <td data-label={t("contacts.export.columns.phone")}>{c.phone ?? "—"}</td>
                    <td className="hide-phone" data-label={t("contacts.export.columns.city")}>
                      {c.city ?? "—"}
                    </td>
                    <td className="hide-phone" data-label={t("contacts.export.columns.branch")}>
                      {c.branchName ?? "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <nav className="pager" aria-label={t("segments.pager")}>
            {params.get("after") ? <Link to="?">{t("segments.firstPage")}</Link> : <span />}
            {members.next ? <Link to={`?after=${encodeURIComponent(members.next)}`}>{t("segments.moreMembers")}</Link> : null}
          </nav>
        </>
      )}
    </>
  );
}
