// /portal/loyalty — the member's balance, tier progress, expiring points, history, rewards and vouchers.
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer, pageTitle } from "../../../app/plugin-api/server.ts";
import { FormAlert, PageHeader, formatDate, formatDateTime, formatNumber, formatRupiah, titleMeta } from "../../../app/plugin-api/ui.ts";
import { LoyaltyError, listRewards, memberOverview, redeemReward } from "../ledger.server.ts";
import { redeemSchema } from "../loyalty-forms.ts";

export const handle = { i18n: ["common", "portal", "retail-loyalty"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const member = await memberOverview(context.runtime.db, actor.contactId);
  return { title: pageTitle(context.language, "retail-loyalty:portal.title"), member, rewards: member ? await listRewards(context.runtime.db) : [] };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const submission = parseWithZod(await request.formData(), { schema: redeemSchema });
  if (submission.status !== "success") return data({ errors: ["retail-loyalty:errors.rewardUnavailable"], code: null }, { status: 400 });
  try {
    const voucher = await redeemReward(context.runtime.db, actor, submission.value.rewardId);
    return { errors: null, code: voucher.code };
  } catch (error) {
    if (error instanceof LoyaltyError) return data({ errors: [`retail-loyalty:errors.${error.code}`], code: null }, { status: 400 });
    throw error;
  }
}

export default function MyPoints() {
  const { member, rewards } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retail-loyalty");
  const lang = i18n.language === "en" ? "en" : "id";
  const pts = (n: number) => t("points", { count: n, formatted: formatNumber(n, lang) });
  if (!member) {
    return (
      <>
        <PageHeader title={t("portal.title")} />
        <p className="card">{t("portal.notMember")}</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t("portal.title")} />
      {result?.code ? (
        <p className="alert success" role="status">
          {t("portal.redeemed", { code: result.code })}
        </p>
      ) : null}
      <FormAlert errors={result?.errors ?? undefined} />
      <div className="grid two">
        <section className="card">
          <p className="stat-label">{t("portal.balance")}</p>
          <p className="stat">{pts(member.balance)}</p>
          <p className="muted">
            {t("portal.worth", { value: formatRupiah(member.balance * member.pointValueIdr, lang) })} · {t("portal.memberNo", { memberNo: member.memberNo })}
          </p>
          {member.expiring.points > 0 && member.expiring.first ? <p className="alert warn">{t("portal.expiring", { points: pts(member.expiring.points), date: formatDate(member.expiring.first, lang) })}</p> : null}
        </section>
        <section className="card">
          <p className="stat-label">{t("portal.tier", { tier: member.tier?.name ?? "—" })}</p>
          <p>{member.tier ? member.tier.benefits[lang] : null}</p>
          <p className="muted">{t("portal.spend", { amount: formatRupiah(member.spend12m, lang) })}</p>
          {member.next ? (
            <>
              <progress className="tier-progress" max={100} value={member.next.progressPct} aria-label={t("portal.progress", { missing: formatRupiah(member.next.missing, lang), next: member.next.name })} />
              <p>{t("portal.progress", { missing: formatRupiah(member.next.missing, lang), next: member.next.name })}</p>
            </>
          ) : (
            <p>{t("portal.top")}</p>
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="rewards">
        <h2 id="rewards">{t("portal.rewards")}</h2>
        <ul className="rewards">
          {rewards.map((r) => (
            <li key={r.id}>
              <span>
                <strong>{r.name[lang]}</strong>
                <br />
                <span className="muted">{pts(r.pointsCost)}</span>
              </span>
              <Form method="post">
                <input type="hidden" name="intent" value="redeem" />
                <input type="hidden" name="rewardId" value={r.id} />
                <button type="submit" className="primary" disabled={member.balance < r.pointsCost}>
                  {member.balance < r.pointsCost ? t("portal.notEnough") : t("portal.redeem")}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      </section>
      {member.vouchers.length ? (
        <section className="card" aria-labelledby="vouchers">
          <h2 id="vouchers">{t("portal.vouchers")}</h2>
          <ul className="rewards">
            {member.vouchers.map((v) => (
              <li key={v.code}>
                <span>
                  <strong className="voucher-code">{v.code}</strong>
                  <br />
                  <span className="muted">{v.name[lang]}</span>
                </span>
                <span className={v.status === "issued" ? "badge" : "badge off"}>{t(`portal.voucherStatus.${v.status}`, { date: formatDate(v.expiresAt, lang) })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card" aria-labelledby="history">
        <h2 id="history">{t("portal.history")}</h2>
        {member.history.length === 0 ? (
          <p className="muted">{t("portal.noHistory")}</p>
        ) : (
          <table className="data">
            <tbody>
              {member.history.map((h) => (
                <tr key={h.id}>
                  <td>
                    {t(`kinds.${h.kind}`)}
                    <br />
                    <span className="muted">{formatDateTime(h.occurredAt, lang)}</span>
                  </td>
                  <td className="num">
                    {h.points > 0 ? "+" : ""}
                    {formatNumber(h.points, lang)}
                  </td>
                  <td className="num muted">{formatNumber(h.balanceAfter, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
