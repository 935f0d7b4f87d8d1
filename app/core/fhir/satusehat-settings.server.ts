// Reading and saving the organisation's SATUSEHAT ids (core setting `fhir.satusehat`).
import { asc, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches } from "../../../db/schema/index.ts";
import type { Actor } from "../plugins/contract.ts";
import { readSetting, writeSetting } from "../settings/app-settings.server.ts";
import { satusehatSettingsKey, satusehatSettingsSchema, type SatusehatSettings } from "./satusehat-settings.ts";

export function readSatusehatSettings(db: Database): Promise<SatusehatSettings> {
  return readSetting(db, satusehatSettingsKey, satusehatSettingsSchema);
}

/** The hospital branches, whose SATUSEHAT Location ids the page asks for. */
export function hospitalBranches(db: Database) {
  return db.select({ id: branches.id, code: branches.code, name: branches.name }).from(branches).where(eq(branches.kind, "hospital")).orderBy(asc(branches.code));
}

/** Saves the ids (already validated); blank ones are removed. Audited as a settings change. */
export async function saveSatusehatSettings(db: Database, actor: Actor, input: { organizationId: string | null; locationIds: Record<string, string> }) {
  const known = new Set((await hospitalBranches(db)).map((b) => b.id));
  const locationIds = Object.fromEntries(Object.entries(input.locationIds).filter(([branchId, id]) => known.has(branchId) && id));
  await writeSetting(db, actor, satusehatSettingsKey, { organizationId: input.organizationId || null, locationIds });
}
