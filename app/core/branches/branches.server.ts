// Branches: hospital units, stores and offices. Each has its own time zone (WIB/WITA/WIT), in
// which its appointments, receipts and reports are shown.
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { isUuid } from "../validation/ids.ts";
import { uniqueViolation } from "../../../db/errors.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export type BranchKind = (typeof branches.kind.enumValues)[number];
export type BranchTimeZone = (typeof branches.timeZone.enumValues)[number];

export interface BranchInput {
  code: string;
  name: string;
  kind: BranchKind;
  timeZone: BranchTimeZone;
  address: string | null;
  city: string | null;
  /** E.164, already normalised by the form schema. */
  phone: string | null;
  active: boolean;
}

export type BranchError = "codeTaken" | "notFound";
type Result<T = object> = ({ ok: true } & T) | { ok: false; error: BranchError };

const columns = {
  id: branches.id,
  code: branches.code,
  name: branches.name,
  kind: branches.kind,
  timeZone: branches.timeZone,
  address: branches.address,
  city: branches.city,
  phone: branches.phone,
  active: branches.active,
};

/** Every branch by code, with how many staff are based there (counted in SQL). */
export async function listBranches(db: Database) {
  const rows = await db
    .select({
      ...columns,
      staffCount: sql<number>`(select count(*)::int from ${users} u where u.branch_id = ${branches}.id and u.kind = 'staff')`,
    })
    .from(branches)
    .orderBy(asc(branches.code));
  return rows.map((r) => ({ ...r, staffCount: Number(r.staffCount) }));
}

export type BranchRow = Awaited<ReturnType<typeof listBranches>>[number];

export async function getBranch(db: Database, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await db.select(columns).from(branches).where(eq(branches.id, id));
  return row ?? null;
}



function normalise(input: BranchInput): BranchInput {
  return { ...input, code: input.code.trim().toUpperCase() };
}

async function codeTaken(db: Database, code: string, exceptId?: string) {
  const [row] = await db
    .select({ id: branches.id })
    .from(branches)
    .where(and(eq(branches.code, code), exceptId ? ne(branches.id, exceptId) : undefined));
  return Boolean(row);
}

/** Adds a branch; its code must be unique. */
export async function createBranch(db: Database, actor: StaffActor, raw: BranchInput): Promise<Result<{ id: string }>> {
  const input = normalise(raw);
  try {
    return await db.transaction(async (tx) => {
      if (await codeTaken(tx, input.code)) return { ok: false as const, error: "codeTaken" as const };
      const [row] = await tx.insert(branches).values(input).returning({ id: branches.id });
      await audit(tx, actor, { action: "branch.created", entityType: "branch", entityId: row.id, data: { ...input } });
      return { ok: true as const, id: row.id };
    });
  } catch (error) {
    // the unique index settles a race between two admins
    if (uniqueViolation(error) !== null) return { ok: false, error: "codeTaken" };
    throw error;
  }
}

/** Changes a branch; the audit entry records only the fields that changed, before and after. */
export async function updateBranch(db: Database, actor: StaffActor, raw: BranchInput & { id: string }): Promise<Result<{ changed: boolean }>> {
  const { id, ...rest } = raw;
  const input = normalise(rest);
  try {
    return await db.transaction(async (tx) => {
      if (!isUuid(id)) return { ok: false as const, error: "notFound" as const };
      const [before] = await tx.select(columns).from(branches).where(eq(branches.id, id)).for("update");
      if (!before) return { ok: false as const, error: "notFound" as const };
      if (input.code !== before.code && (await codeTaken(tx, input.code, id))) return { ok: false as const, error: "codeTaken" as const };
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      for (const key of Object.keys(input) as (keyof BranchInput)[]) {
        if (before[key] !== input[key]) changes[key] = { before: before[key], after: input[key] };
      }
      if (!Object.keys(changes).length) return { ok: true as const, changed: false };
      await tx.update(branches).set(input).where(eq(branches.id, id));
      await audit(tx, actor, { action: "branch.updated", entityType: "branch", entityId: id, data: { changes } });
      return { ok: true as const, changed: true };
    });
  } catch (error) {
    if (uniqueViolation(error) !== null) return { ok: false, error: "codeTaken" };
    throw error;
  }
}
