// Retention (UU PDP Art 43–44): every night, rows whose purpose's retention has run out are deleted
// or anonymised by their table's personal-data handler, and what was destroyed is logged (counts,
// never contents). A purpose under a legal hold is kept at least as long as the law says.
import { desc } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { privacyDestructionLog } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";

export const retentionQueue = "core.privacy.retention";
/** 19:30 UTC = 02:30 WIB, when the hospitals and stores are quiet. */
export const retentionCron = "30 19 * * *";

const dayMs = 86_400_000;

/** Days a purpose's data lives: its retention, never less than its legal hold. */
export function retentionDaysOf(purpose: { retentionDays: number; legalHold?: { years: number } }) {
  return Math.max(purpose.retentionDays, Math.ceil((purpose.legalHold?.years ?? 0) * 365.25));
}

export interface RetentionRun {
  ranAt: Date;
  destroyed: { purpose: string; table: string; method: "delete" | "anonymise"; rows: number; cutoff: Date; retentionDays: number }[];
}

/** Applies every handler's retention once, in one transaction; logs and audits what it destroyed. */
export async function applyRetention(db: Database, registry: PluginRegistry, now = new Date()): Promise<RetentionRun> {
  const purposes = new Map(registry.purposes().map((p) => [p.id, p]));
  return db.transaction(async (tx) => {
    const run: RetentionRun = { ranAt: now, destroyed: [] };
    for (const handler of registry.personalDataHandlers()) {
      const purpose = purposes.get(handler.purpose);
      if (!handler.expire || !purpose) continue;
      const retentionDays = retentionDaysOf(purpose);
      const cutoff = new Date(now.getTime() - retentionDays * dayMs);
      const { method, rows } = await handler.expire(tx, cutoff);
      if (rows) run.destroyed.push({ purpose: purpose.id, table: handler.table, method, rows, cutoff, retentionDays });
    }
    if (run.destroyed.length) {
      await tx.insert(privacyDestructionLog).values(run.destroyed.map((d) => ({ ranAt: now, ...d })));
      await audit(
        tx,
        { kind: "system" },
        { action: "privacy.retention.applied", data: { destroyed: run.destroyed.map(({ table, method, rows }) => ({ table, method, rows })) } },
      );
    }
    return run;
  });
}

/** The destruction log, newest first. */
export async function destructionLog(db: Database, limit = 500) {
  return db.select().from(privacyDestructionLog).orderBy(desc(privacyDestructionLog.ranAt), desc(privacyDestructionLog.id)).limit(limit);
}
