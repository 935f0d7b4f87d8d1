// Candidate duplicate pairs: two living contacts sharing a normalised phone, an e-mail address
// (case-insensitive) or a NIK. Found in SQL and paged by key, so it scales with the contact list.
// A pair staff marked "not the same person" is not offered again.
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "../../../db/client.ts";
import { contactDuplicateDismissals } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { isUuid } from "../validation/ids.ts";
import { cursorPart, decodeCursor, encodeCursor } from "../validation/cursor.server.ts";
import { z } from "../validation/validation.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export const duplicatePageSize = 25;
export type DuplicateReason = "phone" | "email" | "nik";

export interface DuplicateContact {
  id: string;
  fullName: string;
  phone: string | null;
  email: string | null;
  city: string | null;
  createdAt: Date;
}

export interface DuplicatePair {
  a: DuplicateContact;
  b: DuplicateContact;
  reasons: DuplicateReason[];
}

const pairCursor = z.tuple([cursorPart.id(), cursorPart.id()]);

interface PairRow {
  a_id: string;
  b_id: string;
  reasons: DuplicateReason[] | string;
  a_name: string;
  a_phone: string | null;
  a_email: string | null;
  a_city: string | null;
  a_created: Date | string;
  b_name: string;
  b_phone: string | null;
  b_email: string | null;
  b_city: string | null;
  b_created: Date | string;
}

function reasonsOf(value: PairRow["reasons"]): DuplicateReason[] {
  // postgres.js returns text[] as an array; some drivers hand back the literal "{phone,email}"
  return (Array.isArray(value) ? value : value.replace(/[{}]/g, "").split(",")).filter(Boolean) as DuplicateReason[];
}

/** Every normalised key a living contact can share with another: phone digits, e-mail, NIK. */
const duplicateKeys = sql`
    keys as (
      select c.id as contact_id, 'phone'::text as kind,
             case when d.digits like '0%' then '62' || substr(d.digits, 2) else d.digits end as key
        from contacts c
        cross join lateral (select regexp_replace(c.phone, '\\D', '', 'g') as digits) d
       where c.merged_into_id is null and c.phone is not null and length(d.digits) >= 8
      union all
      select c.id, 'email', lower(trim(c.email))
        from contacts c
       where c.merged_into_id is null and c.email is not null and trim(c.email) <> ''
      union all
      select ci.contact_id, 'nik', regexp_replace(ci.value, '\\D', '', 'g')
        from contact_identifiers ci
        join contacts c on c.id = ci.contact_id
       where ci.system = 'nik' and c.merged_into_id is null
    )`;

/** One page of candidate pairs, ordered by (first id, second id). */
export async function listDuplicatePairs(db: Database, _actor: StaffActor, input: { after?: string | null } = {}) {
  const key = decodeCursor(input.after, pairCursor);
  const cursor = key ? { a: key[0], b: key[1] } : null;
  const result = await db.execute(sql`
    with ${duplicateKeys},
    shared as (
      select kind, key from keys group by kind, key having count(distinct contact_id) > 1
    ),
    pairs as (
      select a.contact_id as a_id, b.contact_id as b_id, array_agg(distinct a.kind order by a.kind) as reasons
        from keys a
        join shared s on s.kind = a.kind and s.key = a.key
        join keys b on b.kind = a.kind and b.key = a.key and a.contact_id < b.contact_id
       where not exists (select 1 from contact_duplicate_dismissals d where d.contact_a_id = a.contact_id and d.contact_b_id = b.contact_id)
       group by a.contact_id, b.contact_id
    )
    select p.a_id, p.b_id, p.reasons,
           ca.full_name as a_name, ca.phone as a_phone, ca.email as a_email, ca.city as a_city, ca.created_at as a_created,
           cb.full_name as b_name, cb.phone as b_phone, cb.email as b_email, cb.city as b_city, cb.created_at as b_created
      from pairs p
      join contacts ca on ca.id = p.a_id
      join contacts cb on cb.id = p.b_id
     where ${cursor ? sql`(p.a_id, p.b_id) > (${cursor.a}::uuid, ${cursor.b}::uuid)` : sql`true`}
     order by p.a_id, p.b_id
     limit ${duplicatePageSize + 1}
  `);
  const rows = rowsOf<PairRow>(result);
  const page = rows.slice(0, duplicatePageSize);
  const contact = (r: PairRow, side: "a" | "b"): DuplicateContact => ({
    id: side === "a" ? r.a_id : r.b_id,
    fullName: side === "a" ? r.a_name : r.b_name,
    phone: side === "a" ? r.a_phone : r.b_phone,
    email: side === "a" ? r.a_email : r.b_email,
    city: side === "a" ? r.a_city : r.b_city,
    createdAt: new Date(side === "a" ? r.a_created : r.b_created),
  });
  const pairs: DuplicatePair[] = page.map((r) => ({ a: contact(r, "a"), b: contact(r, "b"), reasons: reasonsOf(r.reasons) }));
  const last = page[page.length - 1];
  return { pairs, next: rows.length > duplicatePageSize && last ? encodeCursor([last.a_id, last.b_id]) : null };
}

export type DismissError = "notADuplicatePair";

/**
 * Records that two contacts are different people, so the pair leaves the duplicates list. Only a
 * pair the list would offer (both living, sharing a key) can be dismissed; a second call is a no-op.
 */
export async function dismissDuplicatePair(db: Database, actor: StaffActor, firstId: string, secondId: string) {
  const [a, b] = [firstId.toLowerCase(), secondId.toLowerCase()].sort();
  if (a === b || !isUuid(a) || !isUuid(b)) return { ok: false as const, error: "notADuplicatePair" as DismissError };
  return db.transaction(async (tx) => {
    const shared = rowsOf<{ kind: DuplicateReason }>(
      await tx.execute(sql`
        with ${duplicateKeys}
        select distinct x.kind from keys x join keys y on y.kind = x.kind and y.key = x.key
         where x.contact_id = ${a}::uuid and y.contact_id = ${b}::uuid
         order by x.kind`),
    ).map((r) => r.kind);
    if (shared.length === 0) return { ok: false as const, error: "notADuplicatePair" as DismissError };
    const inserted = await tx
      .insert(contactDuplicateDismissals)
      .values({ contactAId: a, contactBId: b, reasons: shared, dismissedBy: actor.userId })
      .onConflictDoNothing()
      .returning({ a: contactDuplicateDismissals.contactAId });
    if (inserted.length > 0) {
      await audit(tx, actor, { action: "contact.duplicate_dismissed", entityType: "contact", entityId: a, data: { other: b, reasons: shared } });
    }
    return { ok: true as const };
  });
}
