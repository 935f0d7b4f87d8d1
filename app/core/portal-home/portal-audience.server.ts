// Who a plugin's portal entries are for (issue #15 item 3). A customer sees a plugin's menu entries
// and home widgets only when they have something with it (a visit, a receipt, a member card: the
// plugin's portalRelationship); a partner sees an entry only when their organisation's type uses it
// (PluginNavEntry.partnerTypes). Enabled plugins without a rule show to everyone.
import { sql } from "drizzle-orm";
import { eq } from "drizzle-orm";
import type { AppLoadContext } from "@remix-run/node";
import type { Database } from "../../../db/client.ts";
import { rowsOf } from "../../../db/rows.ts";
import { partnerOrganisations } from "../../../db/schema/index.ts";
import { notFound, requirePartner } from "../auth/guards.server.ts";
import type { Actor, PartnerOrgType, PluginNavEntry } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";

/**
 * The enabled plugins whose customer-portal entries show for this contact: those without a
 * portalRelationship, and those whose relationship holds. A customer who has none with any plugin
 * yet (just registered) sees every plugin's entries, so a new patient can still book a first visit.
 */
export async function pluginsForCustomer(db: Database, registry: PluginRegistry, enabled: string[], contactId: string): Promise<Set<string>> {
  const gated = registry.portalRelationships(enabled);
  if (!gated.length) return new Set(enabled);
  const id = sql`${contactId}::uuid`;
  const [row] = rowsOf<Record<string, boolean>>(await db.execute(sql`select ${sql.join(gated.map((g, i) => sql`(${g.condition(id)}) as ${sql.identifier(`p${i}`)}`), sql`, `)}`));
  const related = new Set(gated.filter((_, i) => row?.[`p${i}`] === true).map((g) => g.pluginId));
  if (!related.size) return new Set(enabled);
  const gatedIds = new Set(gated.map((g) => g.pluginId));
  return new Set(enabled.filter((pluginId) => !gatedIds.has(pluginId) || related.has(pluginId)));
}

/** The type of a partner organisation, or null when it does not exist. */
export async function partnerOrgTypeOf(db: Database, partnerOrgId: string): Promise<PartnerOrgType | null> {
  const [row] = await db.select({ type: partnerOrganisations.type }).from(partnerOrganisations).where(eq(partnerOrganisations.id, partnerOrgId));
  return row?.type ?? null;
}

/** Whether a partner of `type` uses a partner-portal entry. */
export function usedByPartnerType(entry: Pick<PluginNavEntry, "partnerTypes">, type: PartnerOrgType | null) {
  return !entry.partnerTypes || (type !== null && entry.partnerTypes.includes(type));
}

/**
 * For navigation: which of a portal's plugin entries the signed-in user is shown (besides
 * permissions, which the registry already applied).
 */
export async function pluginEntryAudience(
  runtime: { db: Database; registry: PluginRegistry },
  actor: Actor | null,
  portal: PluginNavEntry["portal"],
  enabled: string[],
): Promise<(entry: PluginNavEntry & { pluginId: string }) => boolean> {
  if (portal === "portal" && actor?.kind === "customer") {
    const shown = await pluginsForCustomer(runtime.db, runtime.registry, enabled, actor.contactId);
    return (entry) => shown.has(entry.pluginId);
  }
  if (portal === "partner" && actor?.kind === "partner") {
    const type = await partnerOrgTypeOf(runtime.db, actor.partnerOrgId);
    return (entry) => usedByPartnerType(entry, type);
  }
  return () => true;
}

/** A signed-in partner whose organisation is of one of `types`; another partner gets 404 (the page is not theirs to know). */
export async function requirePartnerOfType(context: AppLoadContext, request: Request, types: readonly PartnerOrgType[]) {
  const auth = requirePartner(context, request);
  const type = await partnerOrgTypeOf(context.runtime.db, auth.actor.partnerOrgId);
  if (!type || !types.includes(type)) notFound();
  return auth;
}
