import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatPhone } from "../core/i18n/phone.ts";

export interface PickerContact {
  id: string;
  fullName: string;
  phone: string | null;
  email: string | null;
}

/**
 * Finds a contact with a plain GET search (works without JavaScript), then keeps the choice in
 * the URL as `contactId`. `keep` carries other query values (e.g. a task's related record) along.
 */
export function ContactPicker({
  selected,
  results,
  q,
  keep = {},
  optional = false,
}: {
  selected: PickerContact | null;
  results: PickerContact[] | null;
  q: string;
  keep?: Record<string, string>;
  optional?: boolean;
}) {
  const { t } = useTranslation("staff");
  const withParams = (extra: Record<string, string>) => `?${new URLSearchParams({ ...keep, ...extra }).toString()}`;
  if (selected) {
    return (
      <div className="picked" aria-live="polite">
        <p>
          <strong>{selected.fullName}</strong>{" "}
          <span className="muted">{[formatPhone(selected.phone), selected.email].filter(Boolean).join(" · ")}</span>
        </p>
        <Link to={withParams({})} replace>
          {t("tickets.picker.change")}
        </Link>
      </div>
    );
  }
  return (
    <div className="stack-sm">
      <Form method="get" className="toolbar" role="search">
        {Object.entries(keep).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <div className="field">
          <label htmlFor="contact-q">{t(optional ? "tickets.picker.labelOptional" : "tickets.picker.label")}</label>
          <input id="contact-q" name="q" type="search" defaultValue={q} placeholder={t("tickets.picker.placeholder")} />
        </div>
        <button type="submit" className="secondary">
          {t("common:actions.search")}
        </button>
      </Form>
      {results ? (
        results.length ? (
          <ul className="pick-list">
            {results.map((c) => (
              <li key={c.id}>
                <Link to={withParams({ contactId: c.id })}>{c.fullName}</Link>{" "}
                <span className="muted">{[formatPhone(c.phone), c.email].filter(Boolean).join(" · ")}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("tickets.picker.none")}</p>
        )
      ) : null}
    </div>
  );
}
