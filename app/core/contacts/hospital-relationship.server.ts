// Purpose limitation (UU PDP): health-data interfaces (FHIR Patient, a partner's patient views) show
// only contacts the hospital has a relationship with, never a retail shopper who merely shares the
// contact table. Defined once here: the core's own evidence plus the enabled plugins' conditions.
import { or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { rowsOf } from "../../../db/rows.ts";
import { contactIdentifiers, contacts } from "../../../db/schema/index.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";

/** Identifiers only a hospital gives out: the BPJS Kesehatan card number, its medical record number (No. RM) and an external id. */
export const hospitalIdentifierSystems = ["bpjs", "mrn", "external"] as const;

/** The core's evidence: the contact holds a hospital identifier. */
function coreCondition(contactId: SQL): SQL {
  return sql`exists (select 1 from ${contactIdentifiers} where ${contactIdentifiers.contactId} = ${contactId} and ${contactIdentifiers.system} in ('bpjs', 'mrn', 'external'))`;
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

/** Staff holding it see contacts who are patients here; others (a store cashier) see only the rest. */
export const patientReadPermission = "core.patient.read";

/**
 * A condition on `contactId` (by default the contacts table's id) keeping the contacts `actor` may
 * see, or undefined when they may see every contact: without core.patient.read, a contact who is a
 * patient here is left out (that someone is a patient at all is health data).
 */
export async function contactsVisibleTo(
  runtime: { db: Database; registry: PluginRegistry },
  actor: { permissions: ReadonlySet<string> },
  contactId: SQL = sql`${contacts.id}`,
): Promise<SQL | undefined> {
  if (actor.permissions.has(patientReadPermission)) return undefined;
  return sql`not ${await hospitalRelationship(runtime, contactId)}`;
}

/** As contactsVisibleTo, with the enabled plugin ids already at hand (one look-up for many conditions). */
export function contactsVisibleOf(registry: PluginRegistry, enabled: string[], actor: { permissions: ReadonlySet<string> }, contactId: SQL = sql`${contacts.id}`): SQL | undefined {
  if (actor.permissions.has(patientReadPermission)) return undefined;
  return sql`not ${hospitalRelationshipOf(registry, enabled, contactId)}`;
}

/** Whether `actor` may see this one contact (see contactsVisibleTo). */
export async function contactVisibleTo(runtime: { db: Database; registry: PluginRegistry }, actor: { permissions: ReadonlySet<string> }, contactId: string) {
  const visible = await contactsVisibleTo(runtime, actor, sql`${contactId}::uuid`);
  if (!visible) return true;
  const [row] = rowsOf<{ visible: boolean }>(await runtime.db.execute(sql`select ${visible} as visible`));
  return Boolean(row?.visible);
}
