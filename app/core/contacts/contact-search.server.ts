// Finding contacts: by name (typo-tolerant through pg_trgm), phone in any form, e-mail or an
// identifier, with filters; keyset-paginated, newest first or, when searching, most relevant first.
import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, contactIdentifiers, contacts, users } from "../../../db/schema/index.ts";
import { normalizePhone } from "../i18n/phone.ts";
import type { Actor } from "../plugins/contract.ts";
import type { ContactFilter } from "./contact-forms.ts";
import { isUuid } from "../validation/ids.ts";
import { cursorPart, decodeCursor, encodeCursor } from "../validation/cursor.server.ts";
import { z } from "../validation/validation.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export const contactPageSize = 25;

/** A cursor is opaque to the browser: "d|<created_at>|<id>" for the plain list, "r|<rank>|<id>" for a search. */
type Cursor = { kind: "date"; at: string; id: string } | { kind: "rank"; rank: string; id: string };

// microseconds matter: rows inserted in one transaction (an import) share created_at to the
// microsecond, and a millisecond cursor would skip the rest of them
const preciseCreatedAt = sql<string>`to_char(${contacts.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const preciseAtPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;


const searchCursor = z.union([
  z.tuple([z.literal("d"), z.string().regex(preciseAtPattern), cursorPart.id()]).transform(([, at, id]): Cursor => ({ kind: "date", at, id })),
  z.tuple([z.literal("r"), z.string().regex(/^\d+(\.\d+)?$/), cursorPart.id()]).transform(([, rank, id]): Cursor => ({ kind: "rank", rank, id })),
]);

function cursorOf(cursor: Cursor) {
  return encodeCursor(cursor.kind === "date" ? ["d", cursor.at, cursor.id] : ["r", cursor.rank, cursor.id]);
}

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Trigram similarity a whole name needs to match. pg_trgm's default (0.3) lets "Siti Santoso"
 * match "budi santosa" and makes the index hand every "Siti …" to a recheck; 0.5 still takes one
 * or two typos in a full name ("siti rahyo" ~ "Siti Rahayu": 0.53), and typos in one word of a
 * longer name are caught by word similarity.
 */
export const nameSimilarityThreshold = 0.5;

/** What a free-text query can mean; each arm uses its own index, and the best score wins. */
export function searchArms(q: string): { arms: SQL; byName: boolean } | null {
  const text = q.trim().replace(/\s+/g, " ");
  if (!text) return null;
  const arms: SQL[] = [];
  const compact = text.replace(/[\s.\-()]/g, "");
  // exact matches rank above any fuzzy one
  // NIK and BPJS are stored digits only; member cards and record numbers keep their dashes ("RM-0045")
  const unspaced = text.replace(/\s/g, "");
  const values = [...new Set([compact, compact.toUpperCase(), unspaced, unspaced.toUpperCase()])];
  arms.push(
    sql`select ${contactIdentifiers.contactId} as id, 2::real as score from ${contactIdentifiers} where ${contactIdentifiers.value} in (${sql.join(
      values.map((v) => sql`${v}`),
      sql`, `,
    )})`,
  );
  const phone = normalizePhone(text);
  if (phone) arms.push(sql`select ${contacts.id} as id, 2::real as score from ${contacts} where ${contacts.phone} = ${phone}`);
  const byName = /\p{L}/u.test(text) && !text.includes("@");
  if (byName) {
    // `%` (similarity, threshold set by the caller) catches typos in the whole name, `<%` (word
    // similarity) a typo in one of its words; both are answered by the trigram GIN index. Below
    // three letters trigrams say nothing, so a plain substring match it is.
    const short = text.length < 3 ? sql` or ${contacts.fullName} ilike ${`%${escapeLike(text)}%`}` : sql``;
    // the average ranks "Siti Rahayu" above "Siti Rahmawati" for "siti rahyu" (same word similarity),
    // and a one-word query still above the noise
    arms.push(sql`select ${contacts.id} as id,
        (similarity(${contacts.fullName}, ${text}) + word_similarity(${text}, ${contacts.fullName})) / 2 as score
      from ${contacts}
      where ${contacts.fullName} % ${text} or ${text} <% ${contacts.fullName}${short}`);
  }
  if (text.length >= 3 && !text.includes(" ")) {
    const lowered = text.toLowerCase();
    arms.push(sql`select ${contacts.id} as id,
        case when lower(${contacts.email}) = ${lowered} then 2 else 0.9 end::real as score
      from ${contacts}
      where lower(${contacts.email}) like ${`%${escapeLike(lowered)}%`}`);
  }
  return { arms: sql.join(arms, sql` union all `), byName };
}

/**
 * Runs a name search with, for its transaction only, the similarity threshold and no sequential
 * scans: the planner cannot see what similarity() costs per row and, guessing a few thousand
 * matches, would compute it for every contact (1.5 s at 100,000 contacts) instead of asking the
 * trigram index (a few ms).
 */
async function withTrigramSearch<T>(db: Database, byName: boolean, query: (db: Database) => Promise<T>): Promise<T> {
  if (!byName) return query(db);
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('pg_trgm.similarity_threshold', ${String(nameSimilarityThreshold)}, true), set_config('enable_seqscan', 'off', true)`,
    );
    return query(tx);
  });
}

function filterConditions(filter: ContactFilter): SQL[] {
  const conditions: SQL[] = [isNull(contacts.mergedIntoId)];
  if (filter.stage) conditions.push(eq(contacts.lifecycleStage, filter.stage));
  if (filter.tag) conditions.push(sql`${filter.tag} = any(${contacts.tags})`);
  if (filter.branchId) conditions.push(eq(contacts.branchId, filter.branchId));
  if (filter.ownerId) conditions.push(eq(contacts.ownerId, filter.ownerId));
  if (filter.blacklisted) conditions.push(eq(contacts.blacklisted, filter.blacklisted === "yes"));
  return conditions;
}

const listColumns = {
  id: contacts.id,
  fullName: contacts.fullName,
  email: contacts.email,
  phone: contacts.phone,
  lifecycleStage: contacts.lifecycleStage,
  blacklisted: contacts.blacklisted,
  tags: contacts.tags,
  branchName: branches.name,
  ownerName: users.name,
  createdAt: contacts.createdAt,
};

export type ContactListRow = {
  id: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  lifecycleStage: (typeof contacts.$inferSelect)["lifecycleStage"];
  blacklisted: boolean;
  tags: string[];
  branchName: string | null;
  ownerName: string | null;
  createdAt: Date;
};

/**
 * One page of contacts matching a filter. Without `q` the newest come first; with `q` the most
 * relevant (exact phone, identifier or e-mail first, then names by trigram similarity).
 * `options.visible` (contactsVisibleTo) leaves out contacts the actor may not see.
 */
export async function searchContacts(
  db: Database,
  _actor: StaffActor | { kind: "system" },
  input: ContactFilter & { after?: string; limit?: number },
  options: { visible?: SQL } = {},
): Promise<{ contacts: ContactListRow[]; next: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? contactPageSize, 1), 1000);
  const conditions = filterConditions(input);
  if (options.visible) conditions.push(options.visible);
  const cursor = decodeCursor(input.after, searchCursor);
  const search = input.q ? searchArms(input.q) : null;

  if (search) {
    if (cursor?.kind === "rank") conditions.push(sql`(m.rank, ${contacts.id}) < (${cursor.rank}::numeric, ${cursor.id}::uuid)`);
    const matches = sql`(select id, round(max(score)::numeric, 4) as rank from (${search.arms}) s group by id)`;
    const rows = await withTrigramSearch(db, search.byName, (tx) =>
      tx
        .select({ ...listColumns, rank: sql<string>`m.rank::text` })
        .from(contacts)
        .innerJoin(sql`${matches} as m`, sql`m.id = ${contacts.id}`)
        .leftJoin(branches, eq(branches.id, contacts.branchId))
        .leftJoin(users, eq(users.id, contacts.ownerId))
        .where(and(...conditions))
        .orderBy(sql`m.rank desc`, desc(contacts.id))
        .limit(limit + 1),
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      contacts: page.map(({ rank: _rank, ...row }) => row),
      next: rows.length > limit && last ? cursorOf({ kind: "rank", rank: last.rank, id: last.id }) : null,
    };
  }

  if (cursor?.kind === "date") conditions.push(sql`(${contacts.createdAt}, ${contacts.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
  const rows = await db
    .select({ ...listColumns, cursorAt: preciseCreatedAt })
    .from(contacts)
    .leftJoin(branches, eq(branches.id, contacts.branchId))
    .leftJoin(users, eq(users.id, contacts.ownerId))
    .where(and(...conditions))
    // NULLS LAST as in contacts_created_id_idx, or PostgreSQL cannot read the order off the index
    .orderBy(sql`${contacts.createdAt} desc nulls last`, sql`${contacts.id} desc nulls last`)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    contacts: page.map(({ cursorAt: _at, ...row }) => row),
    next: rows.length > limit && last ? cursorOf({ kind: "date", at: last.cursorAt, id: last.id }) : null,
  };
}

/** How many contacts a filter matches (for the export's audit entry). */
export async function countContacts(db: Database, input: ContactFilter): Promise<number> {
  const conditions = filterConditions(input);
  const search = input.q ? searchArms(input.q) : null;
  const [row] = await withTrigramSearch(db, search?.byName ?? false, (tx) => {
    const base = tx.select({ n: sql<number>`count(*)::int` }).from(contacts);
    return search
      ? base.innerJoin(sql`(select distinct id from (${search.arms}) s) as m`, sql`m.id = ${contacts.id}`).where(and(...conditions))
      : base.where(and(...conditions));
  });
  return Number(row?.n ?? 0);
}
