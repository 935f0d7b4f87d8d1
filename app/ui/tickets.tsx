// Ticket pieces shared by the staff, customer and partner pages. Texts come from the caller's
// namespace (each has the same `tickets.*` keys), so one component serves all three portals.
import { getTextareaProps, type FieldMetadata } from "@conform-to/react";
import type { TFunction } from "i18next";
import { formatDateTime, type TimeZone } from "../core/i18n/format.ts";
import type { Language } from "../core/i18n/languages.ts";
import { FieldErrors } from "./form-field.tsx";

const statusClass: Record<string, string> = {
  open: "badge warn",
  in_progress: "badge info",
  waiting_customer: "badge",
  resolved: "badge ok",
  closed: "badge off",
};
const priorityClass: Record<string, string> = { urgent: "badge danger", high: "badge warn", normal: "badge", low: "badge off" };

export function StatusBadge({ status, t }: { status: string; t: TFunction }) {
  return <span className={statusClass[status] ?? "badge"}>{t(`tickets.statuses.${status}`)}</span>;
}

export function PriorityBadge({ priority, t }: { priority: string; t: TFunction }) {
  return <span className={priorityClass[priority] ?? "badge"}>{t(`tickets.priorities.${priority}`)}</span>;
}

export interface ThreadItem {
  id: string;
  authorKind: "staff" | "customer" | "partner" | "system";
  authorName: string | null;
  body: string;
  internal: boolean;
  createdAt: Date | string;
}

/** A system note's body is `{"key", "values"}`; dates in it are ISO strings shown in the ticket's zone. */
function systemText(body: string, t: TFunction, language: Language, timeZone: TimeZone) {
  try {
    const parsed = JSON.parse(body) as { key: string; values?: Record<string, string> };
    const values = { ...parsed.values };
    if (values.due) values.due = formatDateTime(values.due, language, timeZone);
    return t(parsed.key, values);
  } catch {
    return body;
  }
}

/** The conversation, oldest first; internal notes (staff pages only) stand out. */
export function TicketThread({
  messages,
  t,
  language,
  timeZone,
  ownKinds,
}: {
  messages: ThreadItem[];
  t: TFunction;
  language: Language;
  timeZone: TimeZone;
  /** Author kinds shown as "you/your side" on the right, e.g. ["customer"] in the portal. */
  ownKinds: ThreadItem["authorKind"][];
}) {
  if (!messages.length) return <p className="muted">{t("tickets.thread.empty")}</p>;
  return (
    <ol className="thread">
      {messages.map((m) => {
        const classes = ["message", m.authorKind, m.internal ? "internal" : "", ownKinds.includes(m.authorKind) ? "own" : ""].filter(Boolean).join(" ");
        return (
          <li key={m.id} className={classes}>
            <p className="message-meta">
              <strong>{m.authorKind === "system" ? t("tickets.thread.system") : (m.authorName ?? t(`tickets.thread.${m.authorKind}`))}</strong>
              {m.internal ? <span className="badge warn">{t("tickets.thread.internal")}</span> : null}
              <time dateTime={new Date(m.createdAt).toISOString()}>{formatDateTime(m.createdAt, language, timeZone)}</time>
            </p>
            <p className="message-body">{m.authorKind === "system" ? systemText(m.body, t, language, timeZone) : m.body}</p>
          </li>
        );
      })}
    </ol>
  );
}

/** A labelled textarea wired to a conform field. */
export function TextAreaField({
  field,
  label,
  hint,
  rows = 4,
}: {
  field: FieldMetadata<string | null | undefined>;
  label: string;
  hint?: string;
  rows?: number;
}) {
  const props = getTextareaProps(field, { ariaAttributes: true });
  const hintId = hint ? `${field.id}-hint` : undefined;
  const describedBy = [props["aria-describedby"], hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <textarea {...props} key={props.key} rows={rows} aria-describedby={describedBy} />
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

export const ratingFaces = { excellent: "😄", good: "😊", average: "😐", poor: "😞" } as const;

/**
 * Four big choices for the satisfaction scale (Sangat baik / Baik / Cukup / Buruk): radio buttons
 * styled as tiles, so it works without JavaScript and with a screen reader.
 */
export function RatingChoices({
  name = "rating",
  legend,
  labels,
  defaultValue,
  errors,
  errorId,
}: {
  name?: string;
  legend: string;
  labels: Record<keyof typeof ratingFaces, string>;
  defaultValue?: string | null;
  errors?: string[];
  errorId: string;
}) {
  return (
    <fieldset className="rating-choices" aria-describedby={errors?.length ? errorId : undefined}>
      <legend>{legend}</legend>
      <div className="rating-grid">
        {(Object.keys(ratingFaces) as (keyof typeof ratingFaces)[]).map((rating) => (
          <label key={rating} className={`rating-option ${rating}`}>
            <input type="radio" name={name} value={rating} defaultChecked={defaultValue === rating} required />
            <span className="rating-face" aria-hidden="true">
              {ratingFaces[rating]}
            </span>
            <span className="rating-label">{labels[rating]}</span>
          </label>
        ))}
      </div>
      <FieldErrors id={errorId} errors={errors} />
    </fieldset>
  );
}
