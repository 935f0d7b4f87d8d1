// The organisation's SATUSEHAT ids (client-safe: the settings page validates with it too). Until an
// admin enters them, FHIR resources carry only our own identifiers; with them, Encounter and
// ServiceRequest carry identifiers in SATUSEHAT's systems and reference its Organization/Location.
import { z } from "../validation/validation.ts";

export const satusehatSettingsKey = "fhir.satusehat";

/** A SATUSEHAT resource id: a FHIR logical id (Organization ids are numbers like 10000004, Location ids uuids). */
const satusehatId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9\-.]{1,64}$/, "fhir:satusehat.errors.id");

export const satusehatSettingsSchema = z.object({
  /** The organisation's SATUSEHAT Organization id (IHS organisation id). */
  organizationId: satusehatId.nullable().default(null),
  /** Branch id -> the SATUSEHAT Location id of that hospital branch. */
  locationIds: z.record(z.string().uuid(), satusehatId).default({}),
});
export type SatusehatSettings = z.infer<typeof satusehatSettingsSchema>;

/** SATUSEHAT's identifier system for a resource type of one organisation, e.g. http://sys-ids.kemkes.go.id/encounter/10000004. */
export function satusehatIdentifierSystem(resource: "encounter" | "servicerequest", organizationId: string) {
  return `http://sys-ids.kemkes.go.id/${resource}/${organizationId}`;
}
