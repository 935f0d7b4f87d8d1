import { Link } from "@remix-run/react";
import type { TFunction } from "i18next";
import type { ReactNode } from "react";

/** What a task is about: its contact and the record it is linked to (a ticket, a plugin's record). */
export function RelatedLink({
  task,
  t,
}: {
  task: { contactId: string | null; contactName: string | null; relatedType: string | null; relatedId: string | null };
  t: TFunction;
}) {
  const parts = [];
  if (task.contactId && task.contactName) {
    parts.push(
      <Link key="contact" to={`/staff/contacts/${task.contactId}`}>
        {task.contactName}
      </Link>,
    );
  }
  if (task.relatedType && task.relatedId) {
    parts.push(
      task.relatedType === "ticket" ? (
        <Link key="related" to={`/staff/tickets/${task.relatedId}`}>
          {t("tasks.related.ticket")}
        </Link>
      ) : task.relatedType === "privacy_request" ? (
        <Link key="related" to={`/staff/privacy/requests/${task.relatedId}`}>
          {t("tasks.related.privacyRequest")}
        </Link>
      ) : (
        <span key="related" className="muted">
          {t("tasks.related.other", { type: task.relatedType, id: task.relatedId })}
        </span>
      ),
    );
  }
  if (!parts.length) return <span className="muted">—</span>;
  return <span className="related">{parts.reduce<ReactNode[]>((acc, part, i) => (i ? [...acc, " · ", part] : [part]), [])}</span>;
}
