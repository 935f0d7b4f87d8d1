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
        <div className="actions panel-actions">
          {view.actions.map((a) =>
            a.method === "post" ? (
              <form key={`${a.href} ${a.label}`} method="post" action={a.href} className="inline-form">
                {Object.entries(a.fields ?? {}).map(([name, value]) => (
                  <input key={name} type="hidden" name={name} value={value} />
                ))}
                <button type="submit" className="primary">
                  {a.label}
                </button>
              </form>
            ) : (
              <a key={`${a.href} ${a.label}`} href={a.href}>
                {a.label}
              </a>
            ),
          )}
        </div>
      ) : null}
    </section>
  );
}
