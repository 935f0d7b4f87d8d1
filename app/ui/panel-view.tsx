import type { PanelView } from "../core/plugins/contract.ts";

/** A plugin's panel on a core page, drawn from its view model (plugins ship no components). */
export function PanelCard({ view }: { view: PanelView }) {
  return (
    <section className="card">
      <h2>{view.title}</h2>
      {view.rows.length === 0 ? (
        <p className="muted">{view.empty}</p>
      ) : (
        <dl className="details">
          {view.rows.map((row, i) => (
            <div key={`${row.label}-${i}`}>
              <dt>{row.label}</dt>
              <dd>{row.href ? <a href={row.href}>{row.value}</a> : row.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {view.actions?.length ? (
        <p className="actions panel-actions">
          {view.actions.map((a) => (
            <a key={a.href} href={a.href}>
              {a.label}
            </a>
          ))}
        </p>
      ) : null}
    </section>
  );
}
