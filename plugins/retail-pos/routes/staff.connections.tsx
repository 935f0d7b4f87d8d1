// /staff/pos/connections — create a store's POS connection (key and secret shown once), rotate its
// signing secret, deactivate it.
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { FormAlert, PageHeader, formatDateTime, titleMeta } from "../../../app/plugin-api/ui.ts";
import { createConnection, deactivateConnection, listConnections, listStores, rotateSecret } from "../connections.server.ts";
import { connectionSchema } from "../report-forms.ts";

export const handle = { i18n: ["common", "staff", "retail-pos"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "retail-pos.connection.manage");
  const [connections, stores] = await Promise.all([listConnections(context.runtime.db), listStores(context.runtime.db)]);
  return { title: pageTitle(context.language, "retail-pos:connections.title"), connections: connections.map((c) => ({ ...c, last_used_at: c.last_used_at ? new Date(c.last_used_at).toISOString() : null })), stores, origin: context.runtime.config.appOrigin };
}

type Result = { created?: { apiKey: string; signingSecret: string }; rotated?: { signingSecret: string }; errors?: string[] };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "retail-pos.connection.manage");
  const submission = parseWithZod(await request.formData(), { schema: connectionSchema });
  if (submission.status !== "success") return data<Result>({ errors: ["retail-pos:connections.errors.unknownStore"] }, { status: 400 });
  const v = submission.value;
  const db = context.runtime.db;
  if (v.intent === "create") {
    const result = await createConnection(db, actor, { branchId: v.branchId, name: v.name });
    if (!result.ok) return data<Result>({ errors: ["retail-pos:connections.errors.unknownStore"] }, { status: 400 });
    return data<Result>({ created: { apiKey: result.apiKey, signingSecret: result.signingSecret } }, { headers: { "Cache-Control": "no-store" } });
  }
  if (v.intent === "rotate") {
    const result = await rotateSecret(db, actor, v.id);
    return data<Result>(result.ok ? { rotated: { signingSecret: result.signingSecret } } : {}, { headers: { "Cache-Control": "no-store" } });
  }
  await deactivateConnection(db, actor, v.id);
  return data<Result>({});
}

export default function Connections() {
  const { connections, stores, origin } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retail-pos");
  const lang = i18n.language === "en" ? "en" : "id";
  return (
    <>
      <PageHeader title={t("connections.title")} />
      <p>{t("connections.intro", { url: `${origin}/api/pos/v1/sales`, doc: `${origin}/api/pos/v1/openapi.json` })}</p>
      {result?.created || result?.rotated ? (
        <section className="card secret-once" role="status">
          <p>
            <strong>{result.rotated ? t("connections.rotated") : t("connections.secretOnce")}</strong>
          </p>
          <dl className="details">
            {result.created ? (
              <>
                <dt>{t("connections.apiKey")}</dt>
                <dd>
                  <code>{result.created.apiKey}</code>
                </dd>
              </>
            ) : null}
            <dt>{t("connections.signingSecret")}</dt>
            <dd>
              <code>{result.created?.signingSecret ?? result.rotated?.signingSecret}</code>
            </dd>
          </dl>
        </section>
      ) : null}
      {connections.length === 0 ? (
        <p className="card muted">{t("connections.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("connections.columns.name")}</th>
              <th>{t("connections.columns.store")}</th>
              <th>{t("connections.columns.key")}</th>
              <th>{t("connections.columns.lastUsed")}</th>
              <th>{t("connections.columns.status")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id}>
                <td data-label={t("connections.columns.name")}>{c.name}</td>
                <td data-label={t("connections.columns.store")}>{c.store}</td>
                <td data-label={t("connections.columns.key")}>
                  <code>{c.key_prefix}…</code>
                </td>
                <td data-label={t("connections.columns.lastUsed")}>{c.last_used_at ? formatDateTime(c.last_used_at, lang) : t("connections.never")}</td>
                <td data-label={t("connections.columns.status")}>
                  <span className={c.active ? "badge" : "badge off"}>{t(c.active ? (c.rotating ? "connections.status.rotating" : "connections.status.active") : "connections.status.inactive")}</span>
                </td>
                <td>
                  {c.active ? (
                    <div className="row-actions">
                      <Form method="post">
                        <input type="hidden" name="id" value={c.id} />
                        <button type="submit" name="intent" value="rotate" className="secondary">
                          {t("connections.rotate")}
                        </button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="id" value={c.id} />
                        <button type="submit" name="intent" value="deactivate" className="danger">
                          {t("connections.deactivate")}
                        </button>
                      </Form>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="card" aria-labelledby="new-connection">
        <h2 id="new-connection">{t("connections.create.title")}</h2>
        <FormAlert errors={result?.errors} />
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="create" />
          <div className="grid two">
            <div className="field">
              <label htmlFor="name">{t("connections.fields.name")}</label>
              <input id="name" name="name" required minLength={2} maxLength={80} />
            </div>
            <div className="field">
              <label htmlFor="branchId">{t("connections.fields.store")}</label>
              <select id="branchId" name="branchId" required>
                {stores.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" className="primary">
            {t("connections.create.submit")}
          </button>
        </Form>
      </section>
    </>
  );
}
