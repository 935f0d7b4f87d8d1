// The read-only FHIR R4 API at /fhir/r4: token check, type lookup (the core's Patient plus the
// enabled plugins' providers), parameter checks, searchset Bundles and OperationOutcome errors.
import { audit } from "../audit/audit.server.ts";
import { checkApiToken, bearerChallenge } from "../api-tokens/api-tokens.server.ts";
import { readScope } from "../api-tokens/scopes.ts";
import type { FhirContext, FhirResourceProvider, FhirSearch } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { fhirJson, operationOutcome } from "./fhir-response.server.ts";
import { FhirSearchError, fhirInstant, isFhirId } from "./fhir-search.server.ts";
import { patientProvider } from "./patient.server.ts";

export const fhirBasePath = "/fhir/r4";
export const defaultPageSize = 20;
export const maxPageSize = 100;
/** Parameters every type understands, handled here rather than by the providers. */
const controlParams = new Set(["_count", "_offset", "_format"]);

type Runtime = Pick<AppRuntime, "db" | "registry" | "config">;

function baseUrl(runtime: Runtime) {
  return `${runtime.config.appOrigin}${fhirBasePath}`;
}

/** Resource type -> provider: Patient from the core, the rest from enabled plugins. */
export async function fhirProviders(runtime: Runtime): Promise<Map<string, FhirResourceProvider>> {
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const providers = new Map<string, FhirResourceProvider>([["Patient", patientProvider]]);
  for (const [type, provider] of runtime.registry.fhirResources(enabled)) providers.set(type, provider);
  return providers;
}

/** GET /fhir/r4/metadata: public, as FHIR clients read it before they authenticate. */
export async function capabilityStatement(runtime: Runtime) {
  const providers = await fhirProviders(runtime);
  const types = [...providers.keys()].sort();
  return fhirJson({
    resourceType: "CapabilityStatement",
    status: "active",
    date: fhirInstant(new Date()),
    publisher: "Nusa CRM",
    kind: "instance",
    software: { name: "Nusa CRM", version: process.env.npm_package_version ?? "0.1.0" },
    implementation: { description: "Nusa CRM read-only FHIR R4 API", url: baseUrl(runtime) },
    fhirVersion: "4.0.1",
    format: ["json"],
    rest: [
      {
        mode: "server",
        documentation:
          "Read-only. Send `Authorization: Bearer <API token>`; a token needs the SMART scope system/<Type>.read or system/*.read. " +
          "All dateTimes are UTC. Date search values without a zone are read in UTC. Paging: _count (max 100) and _offset.",
        security: {
          service: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" }] }],
          description: "Bearer API tokens with SMART system scopes, issued by an administrator under Settings › API tokens.",
        },
        resource: types.map((type) => ({
          type,
          interaction: [{ code: "read" }, { code: "search-type" }],
          searchParam: providers.get(type)!.searchParams.map((p) => ({ name: p.name, type: p.type, ...(p.documentation ? { documentation: p.documentation } : {}) })),
        })),
      },
    ],
  });
}

async function authorize(runtime: Runtime, request: Request, type: string) {
  const scope = readScope(type);
  const check = await checkApiToken(request, runtime.db, scope);
  if (check.ok) return { token: check.token };
  const message =
    check.error === "missing"
      ? "An API token is required: Authorization: Bearer <token>."
      : check.error === "invalid"
        ? "The API token is unknown, revoked or expired."
        : `The API token lacks the scope ${scope}.`;
  return {
    refusal: operationOutcome(check.status, check.status === 401 ? "login" : "forbidden", message, { "WWW-Authenticate": bearerChallenge(check, scope) }),
  };
}

function context(runtime: Runtime): FhirContext {
  return { db: runtime.db, baseUrl: baseUrl(runtime) };
}

const unknownType = (type: string) => operationOutcome(404, "not-found", `Resource type "${type}" is not served here.`);

/** GET /fhir/r4/:type/:id */
export async function readResource(runtime: Runtime, request: Request, type: string, id: string) {
  // the token is checked first, so an unauthenticated caller learns nothing about which types exist
  const auth = await authorize(runtime, request, isFhirId(type) ? type : "*");
  if (auth.refusal) return auth.refusal;
  const provider = (await fhirProviders(runtime)).get(type);
  if (!provider) return unknownType(type);
  const resource = isFhirId(id) ? await provider.read(id, context(runtime)) : null;
  if (!resource) return operationOutcome(404, "not-found", `${type}/${id} is not known.`);
  await audit(runtime.db, { kind: "system" }, { action: "fhir.read", entityType: "api_token", entityId: auth.token.id, data: { resource: `${type}/${id}` } });
  return fhirJson(resource, { headers: resource.meta && typeof resource.meta === "object" && "lastUpdated" in resource.meta ? { "Last-Modified": new Date(String(resource.meta.lastUpdated)).toUTCString() } : {} });
}

function pageSize(raw: string | null) {
  if (raw === null) return defaultPageSize;
  if (!/^\d+$/.test(raw)) throw new FhirSearchError(`_count must be a whole number, not "${raw}"`);
  return Math.min(Number(raw), maxPageSize);
}

/** GET /fhir/r4/:type?… — a searchset Bundle. */
export async function searchResources(runtime: Runtime, request: Request, type: string) {
  const auth = await authorize(runtime, request, isFhirId(type) ? type : "*");
  if (auth.refusal) return auth.refusal;
  const provider = (await fhirProviders(runtime)).get(type);
  if (!provider) return unknownType(type);
  const url = new URL(request.url);
  const declared = new Set(provider.searchParams.map((p) => p.name));
  try {
    const params: FhirSearch["params"] = {};
    for (const [name, value] of url.searchParams) {
      if (controlParams.has(name)) continue;
      // modifiers (name:exact) and chains are not supported: refused rather than silently ignored
      if (!declared.has(name)) throw new FhirSearchError(`Unknown or unsupported search parameter "${name}" for ${type}. Supported: ${[...declared].join(", ")}.`);
      if (value === "") throw new FhirSearchError(`Search parameter "${name}" needs a value.`);
      (params[name] ??= []).push(value);
    }
    const format = url.searchParams.get("_format");
    if (format && !["json", "application/json", "application/fhir+json"].includes(format)) {
      return operationOutcome(406, "not-supported", "Only JSON is served (_format=json).");
    }
    const count = pageSize(url.searchParams.get("_count"));
    const offsetRaw = url.searchParams.get("_offset") ?? "0";
    if (!/^\d+$/.test(offsetRaw)) throw new FhirSearchError(`_offset must be a whole number, not "${offsetRaw}"`);
    const offset = Number(offsetRaw);
    const ctx = context(runtime);
    const { total, resources } = await provider.search({ params, count, offset }, ctx);
    await audit(runtime.db, { kind: "system" }, {
      action: "fhir.search",
      entityType: "api_token",
      entityId: auth.token.id,
      data: { type, query: url.search.slice(0, 500), returned: resources.length },
    });
    const pageUrl = (at: number) => {
      const u = new URL(`${ctx.baseUrl}/${type}`);
      for (const [name, values] of Object.entries(params)) for (const v of values) u.searchParams.append(name, v);
      u.searchParams.set("_count", String(count));
      if (at > 0) u.searchParams.set("_offset", String(at));
      return u.toString();
    };
    const link = [{ relation: "self", url: pageUrl(offset) }];
    if (count > 0 && offset + count < total) link.push({ relation: "next", url: pageUrl(offset + count) });
    if (offset > 0) link.push({ relation: "previous", url: pageUrl(Math.max(0, offset - count)) });
    return fhirJson({
      resourceType: "Bundle",
      meta: { lastUpdated: fhirInstant(new Date()) },
      type: "searchset",
      total,
      link,
      entry: resources.map((resource) => ({ fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode: "match" } })),
    });
  } catch (error) {
    if (FhirSearchError.is(error)) return operationOutcome(400, "invalid", error.message);
    throw error;
  }
}

/** Anything but GET: the API is read-only. */
export function readOnly() {
  return operationOutcome(405, "not-supported", "This FHIR API is read-only: use GET.", { Allow: "GET" });
}
