// Purpose limitation (UU PDP): health-data interfaces (FHIR Patient, a partner's patient views) show
// only contacts the hospital has a relationship with, never a retail shopper who merely shares the
// contact table. Defined once here: the core's own evidence plus the enabled plugins' conditions.
import { or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contactIdentifiers } from "../../../db/schema/index.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";

/** Identifiers only a hospital gives out: the BPJS Kesehatan card number and a medical record number (No. RM, "external"). */
export const hospitalIdentifierSystems = ["bpjs", "external"] as const;

/** The core's evidence: the contact holds a hospital identifier. */
function coreCondition(contactId: SQL): SQL {
  return sql`exists (select 1 from ${contactIdentifiers} where ${contactIdentifiers.contactId} = ${contactId} and ${contactIdentifiers.system} in ('bpjs', 'external'))`;
}

/**
 * A boolean SQL condition on `contactId`: the contact is a patient here — a hospital identifier, or
 * what an enabled plugin records (an appointment, a referral; see PluginServer.patientRelationship).
 */
export async function hospitalRelationship(runtime: { db: Database; registry: PluginRegistry }, contactId: SQL): Promise<SQL> {
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  return hospitalRelationshipOf(runtime.registry, enabled, contactId);
}

/** As hospitalRelationship, with the enabled plugin ids already at hand. */
export function hospitalRelationshipOf(registry: PluginRegistry, enabled: string[], contactId: SQL): SQL {
  const conditions = [coreCondition(contactId), ...registry.patientRelationships(enabled).map((condition) => condition(contactId))];
  return sql`(${or(...conditions)})`;
}
