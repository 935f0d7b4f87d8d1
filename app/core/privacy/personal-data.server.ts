// Personal-data handlers (UU PDP Art 7, 8, 13): for every table that holds personal data, how
// one person's rows are found, exported and erased. The core declares its tables here; a plugin
// declares its own through `personalData` in defineServer, usually with `tableHandler`.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database } from "../../../db/client.ts";
import { isUuid } from "../validation/ids.ts";

/** Whose data: a contact (patient, shopper), an account (customer or partner user), or both. */
export interface PersonalDataSubject {
  contactId: string | null;
  userId: string | null;
}

/** delete: remove what may be removed; anonymise: keep rows, strip what identifies the person. */
export type ErasureMode = "delete" | "anonymise";

export interface ErasureOutcome {
  deleted: number;
  anonymised: number;
  /** Rows kept unchanged because a law requires keeping them (see the purpose's legalHold). */
  held: number;
}

export interface PersonalDataHandler {
  /** The table's name in the database. */
  table: string;
  /** The declared purpose the rows serve (its retention and legal hold apply). */
  purpose: string;
  /** The subject's rows as plain JSON (columns as stored). */
  export: (subject: PersonalDataSubject, db: Database) => Promise<Record<string, unknown>[]>;
  /** Erases the subject's rows; `held` is true when the purpose's legal hold applies. */
  erase: (subject: PersonalDataSubject, options: { db: Database; mode: ErasureMode; held: boolean }) => Promise<ErasureOutcome>;
  /** Runs after every other handler's erase (the person's own row, which others reference). */
  last?: boolean;
  /**
   * The rows say who the person is (name, identifiers). When any record under a legal hold is
   * kept (a medical record), these are held too: a kept record must still name its patient.
   */
  identity?: boolean;
  /** Retention: destroys rows of every person older than `before` (the purpose's retention ran out). */
  expire?: (db: Database, before: Date) => Promise<{ method: ErasureMode; rows: number }>;
}

export interface TableLink {
  column: string;
  /** Which id the column holds. */
  subject: "contact" | "user";
  /** What erasure does to a row linked through this column: delete it, anonymise it, only clear the link, or keep it (a staff member's work record). */
  erase: "delete" | "anonymise" | "unlink" | "keep";
}

export interface TableSpec {
  table: string;
  purpose: string;
  links: TableLink[];
  /** Column -> value set when a row is anonymised (null, or a fixed text such as "—"). */
  anonymise?: Record<string, string | null>;
  /** Rows found through a parent row instead (e.g. a ticket's messages): SQL condition given the subject. */
  via?: (subject: PersonalDataSubject) => SQL | null;
  /** Retention: the timestamp column that ages a row, and whether an expired row is deleted or anonymised (with `anonymise`). */
  retention?: { column: string; method: ErasureMode };
}


function linkCondition(link: TableLink, subject: PersonalDataSubject): SQL | null {
  const id = link.subject === "contact" ? subject.contactId : subject.userId;
  if (!id || !isUuid(id)) return null;
  return sql`${sql.identifier(link.column)} = ${id}::uuid`;
}

function anyOf(conditions: (SQL | null)[]): SQL | null {
  const present = conditions.filter((c): c is SQL => c !== null);
  return present.length ? sql.join(present, sql` or `) : null;
}

/** A handler for a table whose rows point at the person through columns (and optionally a parent). */
export function tableHandler(spec: TableSpec): PersonalDataHandler {
  const table = sql.identifier(spec.table);
  const anonymiseSet = () => sql.join(Object.entries(spec.anonymise ?? {}).map(([column, value]) => sql`${sql.identifier(column)} = ${value}`), sql`, `);
  return {
    table: spec.table,
    purpose: spec.purpose,
    async export(subject, db) {
      const where = anyOf([...spec.links.map((l) => linkCondition(l, subject)), spec.via?.(subject) ?? null]);
      if (!where) return [];
      return rowsOf<Record<string, unknown>>(await db.execute(sql`select * from ${table} where ${where}`));
    },
    async erase(subject, { db, mode, held }) {
      const outcome: ErasureOutcome = { deleted: 0, anonymised: 0, held: 0 };
      const count = async (query: SQL) => rowsOf<{ n: number }>(await db.execute(sql`with changed as (${query} returning 1) select count(*)::int as n from changed`))[0]?.n ?? 0;
      const viaCondition = spec.via?.(subject) ?? null;
      const hasAnonymise = Object.keys(spec.anonymise ?? {}).length > 0;
      const groups: { condition: SQL | null; action: TableLink["erase"] }[] = [
        ...spec.links.map((l) => ({ condition: linkCondition(l, subject), action: l.erase, column: l.column })),
        ...(viaCondition ? [{ condition: viaCondition, action: (spec.anonymise ? "anonymise" : "delete") as TableLink["erase"] }] : []),
      ];
      for (const [index, group] of groups.entries()) {
        if (!group.condition || group.action === "keep") continue;
        const link = spec.links[index];
        if (group.action === "unlink" && link) {
          outcome.anonymised += await count(sql`update ${table} set ${sql.identifier(link.column)} = null where ${group.condition}`);
        } else if (held) {
          outcome.held += rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${table} where ${group.condition}`))[0]?.n ?? 0;
        } else if (group.action === "delete" && (mode === "delete" || !hasAnonymise)) {
          // nothing to keep without the person: deleting is the only erasure
          outcome.deleted += await count(sql`delete from ${table} where ${group.condition}`);
        } else if (hasAnonymise) {
          outcome.anonymised += await count(sql`update ${table} set ${anonymiseSet()} where ${group.condition}`);
        }
      }
      return outcome;
    },
    ...(spec.retention ? { expire: expireRows(spec, spec.retention) } : {}),
  };
}

function expireRows(spec: TableSpec, retention: NonNullable<TableSpec["retention"]>): NonNullable<PersonalDataHandler["expire"]> {
  const table = sql.identifier(spec.table);
  const aged = (before: Date) => sql`${sql.identifier(retention.column)} < ${before.toISOString()}::timestamptz`;
  const changes = Object.entries(spec.anonymise ?? {});
  if (retention.method === "anonymise" && !changes.length) throw new Error(`${spec.table}: anonymising retention needs an anonymise map`);
  return async (db, before) => {
    const count = async (query: SQL) => rowsOf<{ n: number }>(await db.execute(sql`with changed as (${query} returning 1) select count(*)::int as n from changed`))[0]?.n ?? 0;
    if (retention.method === "delete") return { method: "delete", rows: await count(sql`delete from ${table} where ${aged(before)}`) };
    const set = sql.join(changes.map(([column, value]) => sql`${sql.identifier(column)} = ${value}`), sql`, `);
    // a row anonymised last night is not counted again
    const notYet = sql.join(changes.map(([column, value]) => sql`${sql.identifier(column)} is distinct from ${value}`), sql` or `);
    return { method: "anonymise", rows: await count(sql`update ${table} set ${set} where ${aged(before)} and (${notYet})`) };
  };
}
