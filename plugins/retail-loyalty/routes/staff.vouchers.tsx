// /staff/loyalty-vouchers — the cashier checks a shopper's voucher and marks it used, once.
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { FormAlert, PageHeader, formatDate, formatRupiah, titleMeta } from "../../../app/plugin-api/ui.ts";
import { burnVoucher, checkVoucher } from "../ledger.server.ts";
import { voucherSchema } from "../loyalty-forms.ts";

export const handle = { i18n: ["common", "staff", "retail-loyalty"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "retail-loyalty.voucher.burn");
  return { title: pageTitle(context.language, "retail-loyalty:vouchers.title") };
}

type Result = { errors?: string[]; valid?: { code: string; valueIdr: number; holder: string; reward: { id: string; en: string }; expiresAt: string }; burned?: { code: string; valueIdr: number } };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "retail-loyalty.voucher.burn");
  const submission = parseWithZod(await request.formData(), { schema: voucherSchema });
  if (submission.status !== "success") return data<Result>({ errors: ["retail-loyalty:errors.voucherNotFound"] }, { status: 400 });
  const { intent, code, receiptNo } = submission.value;
  const check = await checkVoucher(context.runtime.db, code);
  if (!check.ok) return data<Result>({ errors: [`retail-loyalty:errors.${check.error}`] }, { status: 400 });
  if (intent === "check") return data<Result>({ valid: check.voucher });
  const burned = await burnVoucher(context.runtime.db, actor, { code, receiptNo: receiptNo || null });
  if (!burned.ok) return data<Result>({ errors: [`retail-loyalty:errors.${burned.error}`] }, { status: 409 });
  return data<Result>({ burned: { code, valueIdr: check.voucher.valueIdr } });
}

export default function TillVouchers() {
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retail-loyalty");
  const lang = i18n.language === "en" ? "en" : "id";
  return (
    <>
      <PageHeader title={t("vouchers.title")} />
      <FormAlert errors={result?.errors} />
      {result?.valid ? (
        <p className="alert success" role="status">
          {t("vouchers.valid", { reward: result.valid.reward[lang], value: formatRupiah(result.valid.valueIdr, lang), holder: result.valid.holder, until: formatDate(result.valid.expiresAt, lang) })}
        </p>
      ) : null}
      {result?.burned ? (
        <p className="alert success" role="status">
          {t("vouchers.burned", { code: result.burned.code, value: formatRupiah(result.burned.valueIdr, lang) })}
        </p>
      ) : null}
      <Form method="post" className="card stack">
        <div className="grid two">
          <div className="field">
            <label htmlFor="code">{t("vouchers.code")}</label>
            <input id="code" name="code" required minLength={4} maxLength={40} autoComplete="off" defaultValue={result?.valid?.code ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="receiptNo">{t("vouchers.receipt")}</label>
            <input id="receiptNo" name="receiptNo" maxLength={64} />
          </div>
        </div>
        <div className="row-actions">
          <button type="submit" name="intent" value="check" className="secondary">
            {t("vouchers.check")}
          </button>
          <button type="submit" name="intent" value="burn" className="primary">
            {t("vouchers.burn")}
          </button>
        </div>
      </Form>
    </>
  );
}
