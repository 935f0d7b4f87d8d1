// Typed, versioned events (ADR 012). An event is defined once, by the module that emits it:
// name, version and a zod schema. Emitting validates the payload against it, and handlers receive
// the payload parsed by it. Client-safe: no server imports, so manifests and types can use it.
import type { z } from "zod";

/** An event's definition: what its emitter promises every handler. */
export interface EventDefinition<N extends string = string, V extends number = number, S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly name: N;
  readonly version: V;
  readonly schema: S;
}

/** Defines an event; its emitter exports it (plugins: `defineServer({ events: [...] })`) and registers its type in EventMap. */
export function defineEvent<const N extends string, const V extends number, S extends z.ZodTypeAny>(
  name: N,
  version: V,
  schema: S,
): EventDefinition<N, V, S> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-zA-Z0-9-]*)+$/.test(name)) throw new Error(`Event name "${name}" must be dotted lower-case words, e.g. "pos.sale.recorded"`);
  if (!Number.isInteger(version) || version < 1) throw new Error(`Event "${name}": version must be a positive integer`);
  return Object.freeze({ name, version, schema });
}

declare global {
  /**
   * Event name -> its definition's type. The emitter adds its events by declaration merging, so a
   * handler elsewhere gets the payload typed without importing the emitter:
   * `declare global { interface NusaEventMap { "pos.sale.recorded": typeof saleRecordedEvent } }`.
   * Global rather than a module augmentation: TypeScript does not merge an augmentation of a
   * re-export (app/plugin-api) into the original, and plugins must not name core files.
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-interface -- filled by declaration merging
  interface NusaEventMap {}
}

/** Event name -> its definition's type (see NusaEventMap). */
export type EventMap = NusaEventMap;

/** The name of an event some module defined. */
export type EventName = keyof EventMap & string;

/** The parsed payload a handler of event N receives. */
export type EventPayload<N extends EventName> = EventMap[N] extends EventDefinition<string, number, infer S> ? z.output<S> : never;

/** What an emitter passes for definition D (before defaults and transforms of its schema). */
export type EventInput<D extends EventDefinition> = z.input<D["schema"]>;

/**
 * A manifest's `events.handles` entry, "name@version": the version the handler was written for. A
 * trailing "?" ("appointments.visit.booked@1?") marks an event of a plugin that need not be
 * installed: its absence is no problem, but when it is installed the version must match.
 */
export function parseHandledEvent(entry: string): { name: string; version: number | null; optional: boolean } {
  const optional = entry.endsWith("?");
  const text = optional ? entry.slice(0, -1) : entry;
  const at = text.lastIndexOf("@");
  if (at < 0) return { name: text, version: null, optional };
  const version = Number(text.slice(at + 1));
  return { name: text.slice(0, at), version: Number.isInteger(version) && version > 0 ? version : NaN, optional };
}
