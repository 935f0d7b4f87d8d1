// The data protection officer's overview (UU PDP Art 53–54): open requests and their clocks,
// consent coverage per purpose, open incidents, and the last retention run.
import { desc, sql } from "drizzle-orm";
import { rowsOf, type Database } from "../../../db/client.ts";
import { consentPurposes, privacyDestructionLog } from "../../../db/schema/index.ts";
import type { Actor } from "../plugins/contract.ts";
import { listIncidents } from "./breach-register.server.ts";
import { listRequests } from "./request-desk.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export interface ConsentCoverage {
  purpose: (typeof consentPurposes)[number];
  /** Living contacts (not erased, not merged away). */
  contacts: number;
  granted: number;
  withdrawn: number;
  /** Never asked: no answer recorded. */
  unknown: number;
}

/** Per consent purpose: how many living contacts allowed it, withdrew it, or were never asked. Erased tombstones ("—") do not count. */
export async function consentCoverage(db: Database): Promise<ConsentCoverage[]> {
  const rows = rowsOf<{ purpose: string; contacts: number; granted: number; withdrawn: number }>(
    await db.execute(sql`
      with living as (select id from contacts where merged_into_id is null and full_name <> '—'),
      purposes as (select unnest(${`{${consentPurposes.join(",")}}`}::text[]) as purpose)
      select p.purpose,
        (select count(*)::int from living) as contacts,
        count(*) filter (where c.granted)::int as granted,
        count(*) filter (where c.granted = false)::int as withdrawn
      from purposes p
      left join consents c on c.purpose = p.purpose and c.contact_id in (select id from living)
      group by p.purpose`),
  );
  const byPurpose = new Map(rows.map((r) => [r.purpose, r]));
  return consentPurposes.map((purpose) => {
    const r = byPurpose.get(purpose);
    const contacts = r?.contacts ?? 0;
    const granted = r?.granted ?? 0;
    const withdrawn = r?.withdrawn ?? 0;
    return { purpose, contacts, granted, withdrawn, unknown: contacts - granted - withdrawn };
  });
}

export async function dpoOverview(db: Database, actor: StaffActor, can: { requests: boolean; incidents: boolean; overview: boolean }) {
  const [lastRun] = can.overview
    ? await db.select({ ranAt: privacyDestructionLog.ranAt }).from(privacyDestructionLog).orderBy(desc(privacyDestructionLog.ranAt)).limit(1)
    : [];
  return {
    requests: can.requests ? await listRequests(db, actor, { status: "open" }, 20) : null,
    incidents: can.incidents ? await listIncidents(db, { open: true }) : null,
    coverage: can.overview ? await consentCoverage(db) : null,
    lastRetentionRun: lastRun?.ranAt ?? null,
  };
}
