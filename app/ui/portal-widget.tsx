import { Form, Link } from "@remix-run/react";
import type { PortalWidgetView } from "../core/plugins/contract.ts";

/** A card on the customer portal's home, drawn from its view model (plugins ship no components); its forms work without JavaScript. */
export function PortalWidgetCard({ id, view }: { id: string; view: PortalWidgetView }) {
  const titleId = `widget-${id.replace(/[^a-z0-9-]/gi, "-")}`;
  return (
    <section className={view.attention ? "card home-widget attention" : "card home-widget"} aria-labelledby={titleId} data-widget={id}>
      <h2 id={titleId}>{view.title}</h2>
      {view.headline || view.badge ? (
        <div className="row-between">
          {view.headline ? <strong className="home-widget-headline">{view.headline}</strong> : <span />}
          {view.badge ? <span className="badge info">{view.badge}</span> : null}
        </div>
      ) : null}
      {view.lines?.map((line, i) => (
        <p key={i} className="home-widget-line">
          {line}
        </p>
      ))}
      {view.progress ? (
        <>
          <progress className="tier-progress" max={100} value={view.progress.percent} aria-label={view.progress.label} />
          <p className="muted small">{view.progress.label}</p>
        </>
      ) : null}
      {view.note ? <p className="alert warn">{view.note}</p> : null}
      {view.items?.length ? (
        <ul className="plain-list">
          {view.items.map((item, i) => (
            <li key={i}>
              {item.href ? <Link to={item.href}>{item.label}</Link> : item.label} {item.hint ? <span className="muted small">{item.hint}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {view.actions?.length ? (
        <div className="actions">
          {view.actions.map((a, i) =>
            a.kind === "link" ? (
              <Link key={i} className={a.primary ? "button" : "button secondary"} to={a.href}>
                {a.label}
              </Link>
            ) : (
              <Form key={i} method="post" action={a.action}>
                {Object.entries(a.fields).map(([name, value]) => (
                  <input key={name} type="hidden" name={name} value={value} />
                ))}
                <button type="submit" className={a.danger ? "link-button danger-text" : a.primary ? "primary" : "secondary"}>
                  {a.label}
                </button>
              </Form>
            ),
          )}
        </div>
      ) : null}
    </section>
  );
}
