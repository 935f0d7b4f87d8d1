// /staff/loyalty — programme KPIs and rules, find a member, enrol, adjust points with a reason.
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { sql } from "drizzle-orm";
import { contactsVisibleTo, hasPermission, requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { FormAlert, PageHeader, formatNumber, formatRupiah, titleMeta } from "../../../app/plugin-api/ui.ts";
import { LoyaltyError, activeProgram, adjustPoints, enrol, memberOverview, programKpis } from "../ledger.server.ts";
import { staffMemberSchema } from "../loyalty-forms.ts";
import { findContactForStaff } from "../member-queries.server.ts";

export const handle = { i18n: ["common", "staff", "retail-loyalty"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "retail-loyalty.member.read");
  const db = context.runtime.db;
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? url.searchParams.get("contact") ?? "";
  const contact = q ? await findContactForStaff(db, q, await contactsVisibleTo(context.runtime, actor, sql`c.id`)) : null;
  const [program, kpis] = await Promise.all([activeProgram(db), hasPermission(context.auth, "retail-loyalty.program.read") ? programKpis(db) : null]);
  return {
    title: pageTitle(context.language, "retail-loyalty:staff.title"),
    q,
    searched: Boolean(q),
    contact: contact ? { id: contact.id, name: contact.full_name, member: await memberOverview(db, contact.id) } : null,
    program: program ? { idrPerPoint: program.idrPerPoint, expiryMonths: program.expiryMonths, pointValueIdr: program.pointValueIdr, tiers: program.tiers.map((t) => ({ code: t.code, name: t.name, minSpendIdr: t.minSpendIdr, multiplier: t.earnMultiplierPct / 100, benefits: t.benefits })) } : null,
    kpis,
    canEnrol: hasPermission(context.auth, "retail-loyalty.member.manage"),
    canAdjust: hasPermission(context.auth, "retail-loyalty.points.adjust"),
    canManageProgram: hasPermission(context.auth, "retail-loyalty.program.manage"),
  };
}

type Result = { errors?: string[]; enrolled?: string; balance?: number };

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: staffMemberSchema });
  if (submission.status !== "success") {
    requireStaff(context, request, "retail-loyalty.member.manage");
    const errors = Object.values(submission.error ?? {}).flat().filter((e): e is string => typeof e === "string");
    return data<Result>({ errors: errors.length ? errors : ["validation.invalid"] }, { status: 400 });
  }
  const v = submission.value;
  try {
    if (v.intent === "enrol") {
      const { actor } = requireStaff(context, request, "retail-loyalty.member.manage");
      const result = await enrol(context.runtime.db, actor, v.contactId);
      return data<Result>({ enrolled: result.memberNo });
    }
    const { actor } = requireStaff(context, request, "retail-loyalty.points.adjust");
    const entry = await adjustPoints(context.runtime.db, actor, v);
    return data<Result>({ balance: entry.balanceAfter });
  } catch (error) {
    if (error instanceof LoyaltyError) return data<Result>({ errors: [`retail-loyalty:errors.${error.code}`] }, { status: 400 });
    throw error;
  }
}

export default function LoyaltyProgramme() {
  const { q, searched, contact, program, kpis, canEnrol, canAdjust, canManageProgram } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retail-loyalty");
  const lang = i18n.language === "en" ? "en" : "id";
  const pts = (n: number) => t("points", { count: n, formatted: formatNumber(n, lang) });
  return (
    <>
      <PageHeader title={t("staff.title")} />
      {canManageProgram ? (
        <p>
          <a href="/staff/loyalty-settings">{t("staff.settingsLink")}</a>
        </p>
      ) : null}
      {kpis ? (
        <div className="grid four">
          <section className="card">
            <p className="stat-label">{t("staff.kpi.active")}</p>
            <p className="stat">{formatNumber(kpis.activeMembers, lang)}</p>
            <p className="muted">
              {t("staff.kpi.members")}: {formatNumber(kpis.members, lang)}
            </p>
          </section>
          <section className="card">
            <p className="stat-label">{t("staff.kpi.outstanding")}</p>
            <p className="stat">{formatNumber(kpis.pointsOutstanding, lang)}</p>
          </section>
          <section className="card">
            <p className="stat-label">{t("staff.kpi.liability")}</p>
            <p className="stat">{formatRupiah(kpis.liabilityIdr, lang)}</p>
          </section>
          <section className="card">
            <p className="stat-label">{t("staff.kpi.redemption")}</p>
            <p className="stat">{formatNumber(kpis.redemptionRatePct, lang)}%</p>
          </section>
        </div>
      ) : null}
      <section className="card" aria-labelledby="find-member">
        <h2 id="find-member">{t("staff.find.title")}</h2>
        <Form method="get" className="inline-form">
          <div className="field">
            <label htmlFor="q">{t("staff.find.label")}</label>
            <input id="q" name="q" defaultValue={q} required />
          </div>
          <button type="submit" className="primary">
            {t("staff.find.submit")}
          </button>
        </Form>
        {searched && !contact ? <p className="muted">{t("staff.find.none")}</p> : null}
      </section>
      <FormAlert errors={result?.errors} />
      {result?.enrolled ? <p className="alert success" role="status">{t("staff.member.enrolled", { memberNo: result.enrolled })}</p> : null}
      {result?.balance !== undefined ? <p className="alert success" role="status">{t("staff.adjust.done", { balance: pts(result.balance) })}</p> : null}
      {contact ? (
        <section className="card" aria-labelledby="member">
          <h2 id="member">
            <a href={`/staff/contacts/${contact.id}`}>{contact.name}</a>
          </h2>
          {contact.member ? (
            <dl className="details">
              <dt>{t("panel.memberNo")}</dt>
              <dd>{contact.member.memberNo}</dd>
              <dt>{t("panel.tier")}</dt>
              <dd>{contact.member.tier?.name ?? "—"}</dd>
              <dt>{t("panel.balance")}</dt>
              <dd>{pts(contact.member.balance)}</dd>
              <dt>{t("panel.spend12m")}</dt>
              <dd>{formatRupiah(contact.member.spend12m, lang)}</dd>
            </dl>
          ) : (
            <>
              <p>{t("staff.member.notMember", { name: contact.name })}</p>
              {canEnrol ? (
                <Form method="post">
                  <input type="hidden" name="contactId" value={contact.id} />
                  <button type="submit" name="intent" value="enrol" className="primary">
                    {t("staff.member.enrol")}
                  </button>
                </Form>
              ) : null}
            </>
          )}
          {contact.member && canAdjust ? (
            <Form method="post" className="stack adjust-form">
              <h3>{t("staff.adjust.title")}</h3>
              <input type="hidden" name="contactId" value={contact.id} />
              <div className="grid two">
                <div className="field">
                  <label htmlFor="points">{t("staff.adjust.points")}</label>
                  <input id="points" name="points" type="number" step={1} required inputMode="numeric" />
                </div>
                <div className="field">
                  <label htmlFor="reason">{t("staff.adjust.reason")}</label>
                  <input id="reason" name="reason" required minLength={3} maxLength={300} />
                </div>
              </div>
              <button type="submit" name="intent" value="adjust" className="primary">
                {t("staff.adjust.submit")}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
      {program ? (
        <section className="card" aria-labelledby="tiers">
          <h2 id="tiers">{t("staff.tiers.title")}</h2>
          <p className="muted">{t("staff.earnRule", { idr: formatRupiah(program.idrPerPoint, lang), months: program.expiryMonths, value: formatRupiah(program.pointValueIdr, lang) })}</p>
          <ul className="rewards">
            {program.tiers.map((tier) => (
              <li key={tier.code}>
                <span>
                  <strong>{tier.name}</strong> · {t("staff.tiers.min", { amount: formatRupiah(tier.minSpendIdr, lang) })}
                  <br />
                  <span className="muted">{tier.benefits[lang]}</span>
                </span>
                <span className="badge">{t("staff.tiers.multiplier", { value: formatNumber(tier.multiplier, lang) })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
