// /staff/pos/products — the catalogue (keyset pages by SKU) and, for managers, adding a product.
import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { FormAlert, PageHeader, SelectField, TextField, formatRupiah, titleMeta } from "../../../app/plugin-api/ui.ts";
import { createProduct, listProducts, listSuppliers } from "../products.server.ts";
import { productSchema } from "../report-forms.ts";

export const handle = { i18n: ["common", "staff", "retail-pos"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "retail-pos.sale.read");
  const url = new URL(request.url);
  const q = url.searchParams.get("q");
  const page = await listProducts(context.runtime.db, { after: url.searchParams.get("after"), q });
  const canManage = hasPermission(context.auth, "retail-pos.product.manage");
  return { title: pageTitle(context.language, "retail-pos:products.title"), ...page, q: q ?? "", canManage, suppliers: canManage ? await listSuppliers(context.runtime.db) : [] };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "retail-pos.product.manage");
  const submission = parseWithZod(await request.formData(), { schema: productSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const v = submission.value;
  const result = await createProduct(context.runtime.db, actor, { sku: v.sku, name: v.name, category: v.category, priceIdr: v.price, supplierOrgId: v.supplier ?? null });
  if (!result.ok) return data(submission.reply({ fieldErrors: { sku: ["retail-pos:products.errors.skuTaken"] } }), { status: 400 });
  return redirect(`/staff/pos/products?q=${encodeURIComponent(v.sku)}`);
}

export default function Products() {
  const { products, next, q, canManage, suppliers } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retail-pos");
  const lang = i18n.language === "en" ? "en" : "id";
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(productSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: productSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <>
      <PageHeader title={t("products.title")}>
        <Form method="get" role="search" className="inline-search">
          <label htmlFor="q" className="visually-hidden">
            {t("products.search")}
          </label>
          <input id="q" name="q" type="search" defaultValue={q} placeholder={t("products.search")} />
        </Form>
      </PageHeader>
      {products.length === 0 ? (
        <p className="card muted">{t("products.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("products.columns.sku")}</th>
              <th>{t("products.columns.name")}</th>
              <th>{t("products.columns.category")}</th>
              <th className="num">{t("products.columns.price")}</th>
              <th>{t("products.columns.supplier")}</th>
            </tr>
          </thead>
          <tbody>
            {products.map((p) => (
              <tr key={p.id}>
                <td data-label={t("products.columns.sku")}>{p.sku}</td>
                <td data-label={t("products.columns.name")}>{p.name}</td>
                <td data-label={t("products.columns.category")}>{t(`categories.${p.category}`, { defaultValue: p.category })}</td>
                <td className="num" data-label={t("products.columns.price")}>{formatRupiah(p.price_idr, lang)}</td>
                <td data-label={t("products.columns.supplier")}>{p.supplier ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next ? (
        <p>
          <Link to={`?after=${encodeURIComponent(next)}${q ? `&q=${encodeURIComponent(q)}` : ""}`}>{t("products.next")}</Link>
        </p>
      ) : null}
      {canManage ? (
        <section className="card" aria-labelledby="new-product">
          <h2 id="new-product">{t("products.create.title")}</h2>
          <FormAlert errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="create" />
            <div className="grid two">
              <TextField field={fields.sku} label={t("products.fields.sku")} />
              <TextField field={fields.name} label={t("products.fields.name")} />
              <TextField field={fields.category} label={t("products.fields.category")} />
              <TextField field={fields.price} label={t("products.fields.price")} hint={t("products.fields.priceHint")} inputProps={{ inputMode: "numeric" }} />
              <SelectField field={fields.supplier} label={t("products.fields.supplier")} options={[{ value: "", label: t("products.fields.noSupplier") }, ...suppliers.map((s) => ({ value: s.id, label: s.name }))]} />
            </div>
            <button type="submit" className="primary">
              {t("products.create.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
