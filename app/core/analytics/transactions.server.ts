// The one way analytics reads transactions: through the enabled plugins' TransactionSources.
// Merged contacts count as one (their transactions go to the contact they were merged into,
// following chains), and contacts who objected to profiling are left out (UU PDP).
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "../../../db/client.ts";
import type { CustomerTransaction } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";

export interface AnalyticsTransactions {
  transactions: CustomerTransaction[];
  /** True when at least one source gives amounts (purchases). */
  hasAmounts: boolean;
}

/** contact id → the contact it finally lives on, for every merged contact. */
export async function mergeTargets(db: Database): Promise<Map<string, string>> {
  const rows = rowsOf<{ id: string; merged_into_id: string }>(await db.execute(sql`select id, merged_into_id from contacts where merged_into_id is not null`));
  const direct = new Map(rows.map((r) => [r.id, r.merged_into_id]));
  const final = new Map<string, string>();
  for (const id of direct.keys()) {
    let target = direct.get(id) as string;
    const seen = new Set([id]);
    while (direct.has(target) && !seen.has(target)) {
      seen.add(target);
      target = direct.get(target) as string;
    }
    final.set(id, target);
  }
  return final;
}

export async function profilingObjectors(db: Database): Promise<Set<string>> {
  const rows = rowsOf<{ contact_id: string }>(await db.execute(sql`select contact_id from profiling_objections`));
  return new Set(rows.map((r) => r.contact_id));
}

export async function loadAnalyticsTransactions(
  db: Database,
  registry: PluginRegistry,
  range: { from: Date; to: Date },
  options: {
    oneMeasure?: boolean;
    /** Where the switched-on plugins are read when `db` is the read replica: the primary. */
    primary?: Database;
  } = {},
): Promise<AnalyticsTransactions> {
  const enabled = await registry.enabledPluginIds(options.primary ?? db);
  const all = registry.transactionSources(enabled);
  const hasAmounts = all.some((source) => source.measure === "purchase");
  // scores and lifetime models speak of one thing: purchases where a source offers them (an install
  // with shops and a hospital), else visits; a visit must not count as a purchase worth Rp 0
  const sources = options.oneMeasure && hasAmounts ? all.filter((source) => source.measure === "purchase") : all;
  const [targets, objectors] = await Promise.all([mergeTargets(db), profilingObjectors(db)]);
  const transactions: CustomerTransaction[] = [];
  for (const source of sources) {
    for (const t of await source.list(range, { db })) {
      const contactId = targets.get(t.contactId) ?? t.contactId;
      if (objectors.has(contactId) || objectors.has(t.contactId)) continue;
      transactions.push({ ...t, contactId });
    }
  }
  return { transactions, hasAmounts };
}
