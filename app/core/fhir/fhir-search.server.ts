// Parsing FHIR R4 search parameter values (date with prefixes, token, reference, string) and
// turning them into drizzle conditions. Shared by the core's Patient and the plugins' providers.
import { or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

const brand = Symbol.for("nusa-crm.FhirSearchError");

/** A parameter value the server cannot understand: answered 400 with an OperationOutcome. */
export class FhirSearchError extends Error {
  readonly [brand] = true;
  constructor(message: string) {
    super(message);
    this.name = "FhirSearchError";
  }

  /**
   * Recognised by a global symbol rather than `instanceof`: the server build bundles the core, while
   * plugins' server parts are loaded from source, so the class can exist twice in one process.
   */
  static is(error: unknown): error is FhirSearchError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[brand] === true;
  }
}

const datePrefixes = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"] as const;
export type DatePrefix = (typeof datePrefixes)[number];

export interface DateParam {
  prefix: DatePrefix;
  /** The value as a half-open range of instants [start, end): a day is 24 hours long. */
  start: Date;
  end: Date;
}

const datePattern = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * A FHIR date search value such as `2026-11-24`, `ge2026-11-01`, `lt2026-11-24T08:00:00+07:00`.
 * Values without a zone are read in UTC, the zone SATUSEHAT and this server speak.
 */
export function parseDateParam(raw: string): DateParam {
  const prefix = (datePrefixes as readonly string[]).includes(raw.slice(0, 2)) ? (raw.slice(0, 2) as DatePrefix) : "eq";
  // an unencoded "+07:00" arrives as " 07:00" (form decoding): read it as the offset it was meant to be
  const value = (prefix === "eq" && !raw.startsWith("eq") ? raw : raw.slice(2)).replace(/ (\d{2}:\d{2})$/, "+$1");
  const m = datePattern.exec(value);
  if (!m) throw new FhirSearchError(`"${raw}" is not a FHIR date (yyyy, yyyy-mm, yyyy-mm-dd or yyyy-mm-ddThh:mm[:ss][Z|±hh:mm])`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new FhirSearchError(`"${raw}" is not a valid date`);
  let start: Date;
  let end: Date;
  if (h !== undefined) {
    const iso = `${y}-${mo}-${d}T${h}:${mi}:${s ?? "00"}${frac ?? ""}${zone ?? "Z"}`;
    start = new Date(iso);
    if (Number.isNaN(start.getTime())) throw new FhirSearchError(`"${raw}" is not a valid date`);
    // the value's precision decides the range: a minute, a second, or the instant itself
    const span = s === undefined ? 60_000 : frac ? 1 : 1000;
    end = new Date(start.getTime() + span);
  } else {
    start = new Date(Date.UTC(year, month - 1, day));
    if (start.getUTCDate() !== day) throw new FhirSearchError(`"${raw}" is not a valid date`);
    end = d ? new Date(Date.UTC(year, month - 1, day + 1)) : mo ? new Date(Date.UTC(year, month, 1)) : new Date(Date.UTC(year + 1, 0, 1));
  }
  return { prefix, start, end };
}

/**
 * The condition "the instant in `column` matches the date parameter" (FHIR prefix semantics).
 * Bounds are bound as timestamptz text, so it works the same on PGlite and postgres.js.
 */
export function dateCondition(column: PgColumn | SQL, param: DateParam): SQL {
  const start = sql`${param.start.toISOString()}::timestamptz`;
  const end = sql`${param.end.toISOString()}::timestamptz`;
  switch (param.prefix) {
    case "eq":
    case "ap":
      return sql`(${column} >= ${start} and ${column} < ${end})`;
    case "ne":
      return sql`not (${column} >= ${start} and ${column} < ${end})`;
    case "gt":
    case "sa":
      return sql`${column} >= ${end}`;
    case "lt":
    case "eb":
      return sql`${column} < ${start}`;
    case "ge":
      return sql`${column} >= ${start}`;
    case "le":
      return sql`${column} < ${end}`;
  }
}

/** True when an instant matches the date parameter (for resources computed in memory, e.g. Slot). */
export function dateMatches(at: Date, param: DateParam): boolean {
  const t = at.getTime();
  const inRange = t >= param.start.getTime() && t < param.end.getTime();
  switch (param.prefix) {
    case "eq":
    case "ap":
      return inRange;
    case "ne":
      return !inRange;
    case "gt":
    case "sa":
      return t >= param.end.getTime();
    case "lt":
    case "eb":
      return t < param.start.getTime();
    case "ge":
      return t >= param.start.getTime();
    case "le":
      return t < param.end.getTime();
  }
}

/** The earliest and latest instants a set of date parameters (ANDed) allows; null where open. */
export function dateBounds(params: DateParam[]): { from: Date | null; to: Date | null } {
  let from: Date | null = null;
  let to: Date | null = null;
  const later = (a: Date | null, b: Date) => (a && a > b ? a : b);
  const earlier = (a: Date | null, b: Date) => (a && a < b ? a : b);
  for (const p of params) {
    if (p.prefix === "eq" || p.prefix === "ap") {
      from = later(from, p.start);
      to = earlier(to, p.end);
    } else if (p.prefix === "ge") from = later(from, p.start);
    else if (p.prefix === "gt" || p.prefix === "sa") from = later(from, p.end);
    else if (p.prefix === "le") to = earlier(to, p.end);
    else if (p.prefix === "lt" || p.prefix === "eb") to = earlier(to, p.start);
  }
  return { from, to };
}

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;

/** True for a syntactically valid FHIR logical id. */
export function isFhirId(value: string) {
  return idPattern.test(value);
}

/** The id in a reference parameter: `Patient/123`, `123` or a full URL ending in `Patient/123`. */
export function referenceId(raw: string, type: string): string {
  const parts = raw.split("/");
  const id = parts.at(-1) ?? "";
  const named = parts.length > 1 ? parts.at(-2) : type;
  if (named !== type || !isFhirId(id)) throw new FhirSearchError(`"${raw}" is not a reference to a ${type}`);
  return id;
}

/** A token parameter: `system|code`, `|code` (no system), `system|` or `code`. */
export function parseToken(raw: string): { system: string | null | undefined; code: string | null } {
  const bar = raw.indexOf("|");
  if (bar < 0) return { system: undefined, code: raw || null };
  return { system: bar === 0 ? null : raw.slice(0, bar), code: raw.slice(bar + 1) || null };
}

/** Comma-separated alternatives of one parameter (FHIR "OR"). */
export function orValues(raw: string): string[] {
  return raw.split(",").map((v) => v.trim()).filter(Boolean);
}

/** A FHIR instant/dateTime in UTC with `Z` and whole seconds, as SATUSEHAT expects (milliseconds are dropped). */
export function fhirInstant(at: Date | string): string {
  return `${new Date(at).toISOString().slice(0, 19)}Z`;
}

/**
 * The codes of a token parameter (`booked,arrived`, or `system|code`), checked against the code
 * system it is bound to: a code that does not exist there is refused with 400, as an unknown
 * parameter is, rather than silently matching nothing. `known` lists every code of the value set
 * (also those this server never holds, which then simply match nothing).
 */
export function codeValues(name: string, raw: string, known: readonly string[], system?: string): string[] {
  return orValues(raw).map((value) => {
    const { system: given, code } = parseToken(value);
    if (given && system && given !== system) throw new FhirSearchError(`${name}: "${value}" is not a code of ${system}`);
    if (!code || !known.includes(code)) throw new FhirSearchError(`${name}: unknown code "${value}". Known codes: ${known.join(", ")}.`);
    return code;
  });
}

/** A condition on one of several alternatives, for `status=booked,arrived`. */
export function anyOf<T>(values: T[], condition: (value: T) => SQL | undefined): SQL | undefined {
  const parts = values.map(condition).filter((c): c is SQL => c !== undefined);
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : or(...parts);
}

