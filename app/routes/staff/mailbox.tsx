import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { recentEmails } from "../../core/messaging/mailbox.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

/** Outgoing e-mail as sent (or kept, when no SMTP server is configured), for admins. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "core.mailbox.read");
  const rows = await recentEmails(context.runtime.db);
  return { title: pageTitle(context.language, "staff:mailbox.title"), rows, transport: context.runtime.email.name, language: context.language };
}

export default function Mailbox() {
  const { rows, transport, language } = useLoaderData<typeof loader>();
  const { t } = useTranslation("staff");
  return (
    <>
      <PageHeader title={t("mailbox.title")} />
      <div className="alert info">{t(transport === "devmail" ? "mailbox.devmail" : "mailbox.smtp")}</div>
      {rows.length === 0 ? <p className="card muted">{t("mailbox.empty")}</p> : null}
      {rows.map((m) => (
        <details className="card" key={m.id}>
          <summary>
            <strong>{m.subject}</strong> — {m.recipient} · <span className="badge">{t(`mailbox.status.${m.status}`)}</span>{" "}
            <span className="muted">{formatDateTime(m.createdAt, language)}</span>
          </summary>
          {m.lastError ? <p className="alert error">{m.lastError}</p> : null}
          <pre className="mail">{m.bodyText}</pre>
        </details>
      ))}
    </>
  );
}
