// POS connections: one per till system of a store. The API key is returned once and kept only as
// a hash; the signing secret can be rotated with the old one accepted for a grace period.
import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Actor, type Database } from "../../app/plugin-api/index.ts";
import { audit } from "../../app/plugin-api/server.ts";
import { newCredentials, sha256Hex } from "./api-auth.server.ts";
import { retailPosConnections } from "./schema.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
export const rotationGraceHours = 24;

/** Stores are the core's branches of kind "store". */
export async function listStores(db: Database) {
  return rowsOf<{ id: string; code: string; name: string; time_zone: string }>(
    await db.execute(sql`select id, code, name, time_zone from branches where kind = 'store' and active order by name`),
  );
}

export async function listConnections(db: Database) {
  return rowsOf<{ id: string; name: string; key_prefix: string; active: boolean; store: string; last_used_at: string | null; rotating: boolean }>(
    await db.execute(sql`
      select c.id, c.name, c.key_prefix, c.active, b.name as store, c.last_used_at,
             coalesce(c.previous_secret_expires_at > now(), false) as rotating
      from retail_pos_connections c join branches b on b.id = c.branch_id
      order by b.name, c.name`),
  );
}

/** Creates a connection; the returned key and secret are shown once. */
export async function createConnection(db: Database, actor: StaffActor | { kind: "system" }, input: { branchId: string; name: string }, fixed?: { apiKey: string; signingSecret: string }) {
  const stores = await listStores(db);
  if (!stores.some((s) => s.id === input.branchId)) return { ok: false as const, error: "unknownStore" as const };
  const { apiKey, signingSecret } = fixed ?? newCredentials();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(retailPosConnections)
      .values({ branchId: input.branchId, name: input.name, keyPrefix: apiKey.slice(0, 13), keyHash: sha256Hex(apiKey), signingSecret, createdBy: actor.kind === "staff" ? actor.userId : null })
      .returning({ id: retailPosConnections.id });
    await audit(tx, actor, { action: "retail-pos.connection.created", entityType: "retail_pos_connection", entityId: row.id });
    return { ok: true as const, id: row.id, apiKey, signingSecret };
  });
}

/** New signing secret; the old one stays valid for a day so tills can switch without losing sales. */
export async function rotateSecret(db: Database, actor: StaffActor, id: string) {
  const { signingSecret } = newCredentials();
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(retailPosConnections)
      .set({
        previousSigningSecret: sql`${retailPosConnections.signingSecret}`,
        previousSecretExpiresAt: new Date(Date.now() + rotationGraceHours * 3600_000),
        signingSecret,
      })
      .where(and(eq(retailPosConnections.id, id), eq(retailPosConnections.active, true)))
      .returning({ id: retailPosConnections.id });
    if (rows.length === 0) return { ok: false as const };
    await audit(tx, actor, { action: "retail-pos.connection.secret_rotated", entityType: "retail_pos_connection", entityId: id });
    return { ok: true as const, signingSecret };
  });
}

export async function deactivateConnection(db: Database, actor: StaffActor, id: string) {
  await db.transaction(async (tx) => {
    await tx.update(retailPosConnections).set({ active: false }).where(eq(retailPosConnections.id, id));
    await audit(tx, actor, { action: "retail-pos.connection.deactivated", entityType: "retail_pos_connection", entityId: id });
  });
}

