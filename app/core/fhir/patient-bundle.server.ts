// A patient's own health records as a FHIR R4 Bundle of type "collection", for the copy a person
// asks for (UU PDP Art 7, 13: portability). Built from the same providers as /fhir/r4 (the core's
// Patient, the plugins' Appointment, Encounter, ServiceRequest …), so the copy and the API agree.
import crypto from "node:crypto";
import type { FhirContext, FhirResource, FhirResourceProvider } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { fhirContext, fhirProviders, maxPageSize, withVersion } from "./fhir-api.server.ts";
import { fhirInstant } from "./fhir-search.server.ts";

type Runtime = Pick<AppRuntime, "db" | "registry" | "config">;

/** Search parameters by which a provider finds a patient's resources, in order of preference. */
const patientParams = ["patient", "subject"] as const;
/** Guards against a provider that keeps paging (a patient with more records is still served whole up to this). */
const maxResources = 10_000;

export interface FhirBundle {
  resourceType: "Bundle";
  id: string;
  meta: { lastUpdated: string };
  type: "collection";
  timestamp: string;
  entry: { fullUrl: string; resource: FhirResource }[];
}

async function allOfPatient(provider: FhirResourceProvider, param: string, patientId: string, ctx: FhirContext) {
  const found: FhirResource[] = [];
  for (let offset = 0; offset < maxResources; offset += maxPageSize) {
    const page = await provider.search({ params: { [param]: [`Patient/${patientId}`] }, count: maxPageSize, offset }, ctx);
    found.push(...page.resources);
    if (page.resources.length < maxPageSize || offset + maxPageSize >= page.total) break;
  }
  return found;
}

/** Every relative reference ("Type/id") in a resource. */
export function referencesIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) referencesIn(n, out);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "reference" && typeof value === "string" && /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(value)) out.push(value);
      else referencesIn(value, out);
    }
  }
  return out;
}

/**
 * The patient's Bundle: their Patient, every resource of another type that names them as patient or
 * subject, and the resources those refer to that this server serves (Practitioner, Slot, Schedule …),
 * so references resolve inside the Bundle. Null when the contact is not a patient here (a shopper).
 */
export async function patientBundle(runtime: Runtime, contactId: string, now = new Date()): Promise<FhirBundle | null> {
  const providers = await fhirProviders(runtime);
  const ctx = await fhirContext(runtime);
  const patient = await providers.get("Patient")!.read(contactId, ctx);
  if (!patient) return null;
  const byKey = new Map<string, FhirResource>([[`Patient/${patient.id}`, patient]]);
  const add = (r: FhirResource) => void (byKey.has(`${r.resourceType}/${r.id}`) || byKey.set(`${r.resourceType}/${r.id}`, r));
  for (const [type, provider] of [...providers].sort(([a], [b]) => a.localeCompare(b))) {
    if (type === "Patient") continue;
    const param = patientParams.find((p) => provider.searchParams.some((s) => s.name === p));
    if (param) for (const r of await allOfPatient(provider, param, patient.id, ctx)) add(r);
  }
  // what the records refer to, as far as this server serves it (one more pass for Slot → Schedule)
  for (let pass = 0; pass < 3; pass++) {
    const missing = new Set([...byKey.values()].flatMap((r) => referencesIn(r)).filter((ref) => !byKey.has(ref)));
    let added = 0;
    for (const ref of missing) {
      const [type, id] = ref.split("/");
      const found = await providers.get(type)?.read(id, ctx);
      if (found) {
        add(found);
        added++;
      }
    }
    if (!added) break;
  }
  return {
    resourceType: "Bundle",
    id: crypto.randomUUID(),
    meta: { lastUpdated: fhirInstant(now) },
    type: "collection",
    timestamp: fhirInstant(now),
    entry: [...byKey.values()].map((resource) => ({ fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`, resource: withVersion(resource) })),
  };
}
