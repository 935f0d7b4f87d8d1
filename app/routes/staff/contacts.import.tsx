import {
  data,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff } from "../../core/auth/guards.server.ts";
import { guessMapping, importTargets, mappingFromParams, mappingToParams, maxImportBytes, maxImportRows } from "../../core/contacts/contact-import.ts";
import { commitImport, discardStagedImport, loadStagedImport, parseContactCsv, previewImport, stageImport } from "../../core/contacts/contact-import.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatNumber } from "../../core/i18n/format.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.contact.import";
/** Rows with a problem are all listed (up to this many); ready rows only as a sample. */
const shownProblemRows = 300;
const shownReadyRows = 20;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const url = new URL(request.url);
  const t = fixedT(context.language, "staff");
  const base = {
    title: withAppName(t("import.title")),
    language: context.language,
    canMerge: hasPermission(context.auth, "core.contact.merge"),
    done: url.searchParams.has("done") ? { imported: Number(url.searchParams.get("done")) || 0, skipped: Number(url.searchParams.get("skipped")) || 0 } : null,
  };
  const batch = url.searchParams.get("batch");
  if (!batch) return { ...base, expired: false, staged: null };
  const staged = await loadStagedImport(db, actor, batch);
  if (!staged) return { ...base, expired: true, staged: null };
  const mapping = mappingFromParams(url.searchParams, staged.headers.length) ?? guessMapping(staged.headers);
  const preview = await previewImport(db, staged, mapping);
  const problems = preview.rows.filter((r) => r.errors.length || r.existing);
  const ready = preview.rows.filter((r) => !r.errors.length && !r.existing);
  return {
    ...base,
    expired: false,
    staged: {
      id: staged.id,
      fileName: staged.fileName,
      headers: staged.headers,
      mapping,
      mappingParams: mappingToParams(mapping),
      counts: preview.counts,
      problems: problems.slice(0, shownProblemRows).map((r) => ({ ...r, phoneDisplay: formatPhone(r.values.phone) })),
      moreProblems: Math.max(0, problems.length - shownProblemRows),
      ready: ready.slice(0, shownReadyRows).map((r) => ({ ...r, phoneDisplay: formatPhone(r.values.phone) })),
    },
  };
}

type ActionResult = { error: string; values?: Record<string, string | number> };

async function readForm(request: Request): Promise<FormData | "tooLarge"> {
  if (!(request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) return request.formData();
  // refuse an oversized upload before reading it, when the browser says its size
  if (Number(request.headers.get("Content-Length") ?? 0) > maxImportBytes + 64 * 1024) return "tooLarge";
  try {
    return await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: maxImportBytes }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return "tooLarge";
    throw error;
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const form = await readForm(request);
  const fail = (error: string, status = 400, values?: ActionResult["values"]) => data<ActionResult>({ error, values }, { status });
  if (form === "tooLarge") return fail("import.upload.errors.tooLarge", 413, { mb: maxImportBytes / 1024 / 1024 });
  const intent = form.get("intent");

  if (intent === "upload") {
    const file = form.get("file");
    if (!file || typeof file === "string" || file.size === 0) return fail("import.upload.errors.noFile");
    if (!/\.(csv|txt)$/i.test(file.name) && !/csv|text\/plain|excel/i.test(file.type)) return fail("import.upload.errors.notCsv");
    const bytes = new Uint8Array(await file.arrayBuffer());
    // an Excel workbook renamed to .csv: a ZIP (xlsx) or OLE (xls) file, not text
    if ((bytes[0] === 0x50 && bytes[1] === 0x4b) || (bytes[0] === 0xd0 && bytes[1] === 0xcf)) return fail("import.upload.errors.notCsv");
    const parsed = parseContactCsv(bytes);
    if (!parsed.ok) return fail(`import.upload.errors.${parsed.error}`, 400, { max: maxImportRows });
    const id = await stageImport(db, actor, { fileName: file.name, csv: parsed.csv });
    return redirect(`/staff/contacts/import?batch=${id}`);
  }

  const batch = String(form.get("batch") ?? "");
  if (intent === "discard") {
    await discardStagedImport(db, actor, batch);
    return redirect("/staff/contacts/import");
  }
  if (intent === "import") {
    const staged = await loadStagedImport(db, actor, batch);
    if (!staged) return fail("import.errors.expired", 404);
    const mapping = mappingFromParams(form, staged.headers.length) ?? guessMapping(staged.headers);
    const result = await commitImport(db, actor, { id: batch, mapping, skipExisting: form.get("skipExisting") === "on" });
    if (!result.ok) return fail(`import.commit.errors.${result.error}`, result.error === "conflict" ? 409 : 400);
    return redirect(`/staff/contacts/import?done=${result.imported}&skipped=${result.skippedExisting}`);
  }
  return fail("import.upload.errors.noFile");
}

export default function ContactImport() {
  const { staged, done, expired, language, canMerge } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const { t } = useTranslation("staff");
  return (
    <>
      <p>
        <Link to="/staff/contacts">← {t("contacts.title")}</Link>
      </p>
      <PageHeader title={t("import.title")}>{canMerge ? <Link to="/staff/contacts/duplicates">{t("duplicates.title")}</Link> : null}</PageHeader>
      {done ? (
        <div className="alert success" role="status">
          {t("import.done", { count: done.imported })} {done.skipped ? t("import.doneSkipped", { count: done.skipped }) : null}
        </div>
      ) : null}
      {expired ? (
        <div className="alert warn" role="status">
          {t("import.errors.expired")}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(actionData.error, actionData.values)}
        </div>
      ) : null}

      {staged ? (
        <Preview staged={staged} language={language} busy={busy} />
      ) : (
        <section className="card narrow-card" aria-labelledby="upload-title">
          <h2 id="upload-title">{t("import.upload.title")}</h2>
          <p className="muted">{t("import.upload.intro", { mb: maxImportBytes / 1024 / 1024, rows: formatNumber(maxImportRows, language) })}</p>
          <p className="muted">{t("import.upload.columns")}</p>
          <pre className="mail break-all">{t("import.upload.example")}</pre>
          <Form method="post" encType="multipart/form-data" className="stack">
            <input type="hidden" name="intent" value="upload" />
            <div className="field">
              <label htmlFor="import-file">{t("import.upload.file")}</label>
              <input id="import-file" name="file" type="file" accept=".csv,text/csv,text/plain" required />
              <p className="hint">{t("import.upload.fileHint")}</p>
            </div>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t("import.upload.checking") : t("import.upload.submit")}
            </button>
          </Form>
        </section>
      )}
    </>
  );
}

type Staged = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["staged"]>;

function Preview({ staged, language, busy }: { staged: Staged; language: "id" | "en"; busy: boolean }) {
  const { t } = useTranslation("staff");
  const { counts } = staged;
  const blocked = counts.withErrors > 0;
  return (
    <>
      <section className="card" aria-labelledby="preview-title">
        <h2 id="preview-title">{t("import.preview.title", { file: staged.fileName })}</h2>
        <div className="grid four">
          <div>
            <p className="stat">{formatNumber(counts.total, language)}</p>
            <p className="stat-label">{t("import.preview.total")}</p>
          </div>
          <div>
            <p className="stat">{formatNumber(counts.ready, language)}</p>
            <p className="stat-label">{t("import.preview.ready")}</p>
          </div>
          <div>
            <p className={`stat${counts.withErrors ? " danger-text" : ""}`}>{formatNumber(counts.withErrors, language)}</p>
            <p className="stat-label">{t("import.preview.withErrors")}</p>
          </div>
          <div>
            <p className="stat">{formatNumber(counts.existing, language)}</p>
            <p className="stat-label">{t("import.preview.existing")}</p>
          </div>
        </div>
      </section>

      <section className="card" aria-labelledby="mapping-title">
        <h2 id="mapping-title">{t("import.mapping.title")}</h2>
        <p className="muted">{t("import.mapping.intro")}</p>
        <Form method="get" className="stack">
          <input type="hidden" name="batch" value={staged.id} />
          <div className="grid three">
            {importTargets.map((target) => (
              <div className="field" key={target}>
                <label htmlFor={`map-${target}`}>{t(`import.fields.${target}`)}</label>
                <select id={`map-${target}`} name={`map.${target}`} defaultValue={staged.mapping[target] === null ? "" : String(staged.mapping[target])}>
                  <option value="">{t("import.mapping.none")}</option>
                  {staged.headers.map((h, i) => (
                    <option key={i} value={i}>
                      {h}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </div>
          <button type="submit" className="secondary">
            {t("import.mapping.apply")}
          </button>
        </Form>
      </section>

      {staged.problems.length ? (
        <section className="card" aria-labelledby="problems-title">
          <h2 id="problems-title">{t("import.preview.problemsTitle")}</h2>
          <RowsTable rows={staged.problems} />
          {staged.moreProblems ? <p className="muted">{t("import.preview.moreProblems", { count: staged.moreProblems })}</p> : null}
        </section>
      ) : null}

      {staged.ready.length ? (
        <section className="card" aria-labelledby="ready-title">
          <h2 id="ready-title">{t("import.preview.readyTitle", { count: staged.ready.length })}</h2>
          <RowsTable rows={staged.ready} />
        </section>
      ) : null}

      <section className="card" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{t("import.commit.title")}</h2>
        {blocked ? (
          <div className="alert error" role="alert">
            {t("import.commit.blocked", { count: counts.withErrors })}
          </div>
        ) : (
          <p className="muted">{t("import.commit.intro")}</p>
        )}
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="import" />
          <input type="hidden" name="batch" value={staged.id} />
          {staged.mappingParams.map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          {counts.existing > 0 ? (
            <div className="checkbox">
              <input id="skip-existing" name="skipExisting" type="checkbox" />
              <label htmlFor="skip-existing">{t("import.commit.skipExisting", { count: counts.existing })}</label>
            </div>
          ) : null}
          <div className="actions">
            <button type="submit" className="primary" disabled={blocked || busy}>
              {t("import.commit.submit", { count: counts.ready })}
            </button>
          </div>
        </Form>
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value="discard" />
          <input type="hidden" name="batch" value={staged.id} />
          <button type="submit" className="link-button">
            {t("import.commit.discard")}
          </button>
        </Form>
      </section>
    </>
  );
}

function RowsTable({ rows }: { rows: Staged["problems"] }) {
  const { t } = useTranslation("staff");
  return (
    <table className="data">
      <thead>
        <tr>
          <th>{t("import.preview.line")}</th>
          <th>{t("import.fields.fullName")}</th>
          <th>{t("import.fields.phone")}</th>
          <th>{t("import.fields.email")}</th>
          <th>{t("import.fields.nik")}</th>
          <th>{t("import.preview.status")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.line}>
            <td data-label={t("import.preview.line")}>{row.line}</td>
            <td data-label={t("import.fields.fullName")}>{row.values.fullName || "—"}</td>
            <td data-label={t("import.fields.phone")}>{row.phoneDisplay || "—"}</td>
            <td data-label={t("import.fields.email")}>{row.values.email ?? "—"}</td>
            <td data-label={t("import.fields.nik")}>{row.values.nik ?? "—"}</td>
            <td data-label={t("import.preview.status")}>
              {row.errors.length ? (
                <ul className="issues">
                  {row.errors.map((e, i) => (
                    <li key={i}>
                      <span className="badge danger">{e.field === "row" ? t("import.preview.rowLabel") : t(`import.fields.${e.field}`)}</span> {t(e.key, e.values)}
                    </li>
                  ))}
                </ul>
              ) : row.existing ? (
                <span>
                  <span className="badge warn">{t("import.preview.existingBadge")}</span>{" "}
                  {t("import.preview.existingMatch", { name: row.existing.name, by: t(`import.fields.${row.existing.by}`) })}
                </span>
              ) : (
                <span className="badge ok">{t("import.preview.ok")}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
