// Which zone a branch, a staff member or a contact lives in: the zone every "today" and "day" is read in.
import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches } from "../../../db/schema/index.ts";
import { defaultTimeZone, zoneOrDefault, type TimeZone } from "./local-time.ts";
import { isUuid } from "../validation/ids.ts";

/** A branch's zone; WIB when the branch is unknown or none is given. */
export async function branchTimeZone(db: Database, branchId: string | null | undefined): Promise<TimeZone> {
  if (!branchId || !isUuid(branchId)) return defaultTimeZone;
  const [row] = await db.select({ timeZone: branches.timeZone }).from(branches).where(eq(branches.id, branchId));
  return zoneOrDefault(row?.timeZone);
}

/** The zone of a staff member's own branch (WIB for staff without one, e.g. head office). */
export async function staffTimeZone(db: Database, actor: { branchId: string | null }): Promise<TimeZone> {
  return branchTimeZone(db, actor.branchId);
}
