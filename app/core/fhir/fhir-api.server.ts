// The read-only FHIR R4 API at /fhir/r4: token check, type lookup (the core's Patient plus the
// enabled plugins' providers), parameter checks, searchset Bundles and OperationOutcome errors.
import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { audit } from "../audit/audit.server.ts";
import { hospitalRelationshipOf } from "../contacts/hospital-relationship.server.ts";
import { checkApiToken, bearerChallenge } from "../api-tokens/api-tokens.server.ts";
import { readScope } from "../api-tokens/scopes.ts";
import type { FhirContext, FhirResourceProvider, FhirSearch } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { fhirJson, operationOutcome, pruneEmpty } from "./fhir-response.server.ts";
import { FhirSearchError, fhirInstant, isFhirId } from "./fhir-search.server.ts";
import { patientProvider } from "./patient.server.ts";
import { readSatusehatSettings } from "./satusehat-settings.server.ts";

export const fhirBasePath = "/fhir/r4";
export const defaultPageSize = 20;
export const maxPageSize = 100;
/** Parameters every type understands, handled here rather than by the providers. */
const controlParams = new Set(["_count", "_offset", "_format"]);

/** When this process started: what the CapabilityStatement describes changes only with a deployment (or a plugin switched). */
const startedAt = new Date();

type Runtime = Pick<AppRuntime, "db" | "registry" | "config">;

function baseUrl(runtime: Runtime) {
  return `${runtime.config.appOrigin}${fhirBasePath}`;
}

/** Media types and `_format` values that mean FHIR JSON (R4 3.1.0.1.9: the mime type or its short form). */
const jsonFormats = new Set(["json", "application/json", "application/fhir+json", "text/json"]);

/**
 * 406 with an OperationOutcome when the client asks only for a format we do not speak (XML, Turtle):
 * through `_format`, or an `Accept` header none of whose types is JSON or a wildcard.
 */
export function unacceptable(request: Request): Response | null {
  const format = new URL(request.url).searchParams.get("_format");
  if (format !== null && !jsonFormats.has(format.split(";")[0].trim().toLowerCase())) {
    return operationOutcome(406, "not-supported", `_format "${format}" is not served: only JSON (_format=json, application/fhir+json).`);
  }
  const accept = request.headers.get("Accept");
  if (accept && accept.trim()) {
    const types = accept.split(",").map((part) => {
      const [type, ...params] = part.split(";").map((x) => x.trim().toLowerCase());
      const q = params.find((p) => p.startsWith("q="));
      return { type, q: q ? Number(q.slice(2)) : 1 };
    });
    const ok = types.some(({ type, q }) => q > 0 && (jsonFormats.has(type) || type === "*/*" || type === "application/*" || type.endsWith("+json")));
    if (!ok) return operationOutcome(406, "not-supported", `Accept "${accept}" is not served: only application/fhir+json.`);
  }
  return null;
}

/**
 * The resource with `meta.versionId`: a digest of everything served but `meta`, so it changes
 * exactly when the resource does (also for resources built from several rows, or computed, like
 * Slot). `meta.lastUpdated` comes from the provider.
 */
export function withVersion<T extends Record<string, unknown>>(resource: T): T {
  const { meta, ...content } = resource;
  const versionId = createHash("sha256").update(JSON.stringify(pruneEmpty(content))).digest("base64url").slice(0, 16).replace(/_/g, ".");
  return { ...resource, meta: { versionId, ...(meta && typeof meta === "object" ? meta : {}) } };
}

/** The entity tag of a resource version: weak, as FHIR specifies (`W/"<versionId>"`). */
export function versionTag(versionId: string) {
  return `W/"${versionId}"`;
}

/** True when a conditional read's validators say the client already has this version. */
export function notModified(request: Request, versionId: string, lastUpdated: string | undefined): boolean {
  const ifNoneMatch = request.headers.get("If-None-Match");
  if (ifNoneMatch !== null) {
    // RFC 9110 13.1.2: weak comparison; If-Modified-Since is ignored when If-None-Match is sent
    return ifNoneMatch.split(",").some((tag) => {
      const t = tag.trim();
      return t === "*" || t.replace(/^W\//, "") === `"${versionId}"`;
    });
  }
  const ifModifiedSince = request.headers.get("If-Modified-Since");
  if (ifModifiedSince === null || !lastUpdated) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return false;
  // HTTP dates have whole seconds, as our lastUpdated does
  return Math.floor(Date.parse(lastUpdated) / 1000) * 1000 <= since;
}

/** Resource type -> provider: Patient from the core, the rest from enabled plugins. */
export async function fhirProviders(runtime: Runtime): Promise<Map<string, FhirResourceProvider>> {
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const isPatient = (contactId: SQL) => hospitalRelationshipOf(runtime.registry, enabled, contactId);
  const providers = new Map<string, FhirResourceProvider>([["Patient", patientProvider(isPatient)]]);
  for (const [type, provider] of runtime.registry.fhirResources(enabled)) providers.set(type, provider);
  return providers;
}

/** GET /fhir/r4/metadata: public, as FHIR clients read it before they authenticate. */
export async function capabilityStatement(runtime: Runtime, request?: Request) {
  const refused = request ? unacceptable(request) : null;
  if (refused) return refused;
  const providers = await fhirProviders(runtime);
  const types = [...providers.keys()].sort();
  return fhirJson(withVersion({
    resourceType: "CapabilityStatement",
    meta: { lastUpdated: fhirInstant(startedAt) },
    status: "active",
    date: fhirInstant(new Date()),
    publisher: "Nusa CRM",
    kind: "instance",
    software: { name: "Nusa CRM", version: process.env.npm_package_version ?? "0.1.0" },
    implementation: { description: "Nusa CRM read-only FHIR R4 API", url: baseUrl(runtime) },
    fhirVersion: "4.0.1",
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server",
        documentation:
          "Read-only. Send `Authorization: Bearer <API token>`; a token needs the scope system/<Type>.read or system/*.read. " +
          "All dateTimes are UTC in whole seconds. Date search values without a zone are read in UTC. Paging: _count (max 100) and _offset. " +
          "Search by GET [type]?… or POST [type]/_search with a form-encoded body. Reads answer ETag W/\"<versionId>\" and Last-Modified, " +
          "and 304 to If-None-Match / If-Modified-Since. Only JSON is served (406 otherwise).",
        // Not SMART-on-FHIR (ADR 009): static bearer tokens an administrator issues, with scopes in
        // SMART's syntax; no token endpoint, no /.well-known/smart-configuration, so none is claimed.
        security: {
          description:
            "Static bearer API tokens issued by an administrator under Settings › API tokens, each limited to scopes written in SMART's " +
            "syntax (system/<Type>.read, system/*.read). This server is not a SMART authorization server: there is no token endpoint.",
        },
        resource: types.map((type) => ({
          type,
          interaction: [{ code: "read" }, { code: "search-type" }],
          versioning: "versioned",
          readHistory: false,
          conditionalRead: "full-support",
          searchParam: providers.get(type)!.searchParams.map((p) => ({ name: p.name, type: p.type, ...(p.documentation ? { documentation: p.documentation } : {}) })),
        })),
      },
    ],
  }));

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

/** What providers are given: the database, this server's FHIR base URL and the SATUSEHAT ids. */
export async function fhirContext(runtime: Runtime): Promise<FhirContext> {
  return { db: runtime.db, baseUrl: baseUrl(runtime), satusehat: await readSatusehatSettings(runtime.db) };
}

const unknownType = (type: string) => operationOutcome(404, "not-found", `Resource type "${type}" is not served here.`);

/** GET /fhir/r4/:type/:id — with ETag / Last-Modified, and 304 to a conditional read of the same version. */
export async function readResource(runtime: Runtime, request: Request, type: string, id: string) {
  const refused = unacceptable(request);
  if (refused) return refused;
  // the token is checked first, so an unauthenticated caller learns nothing about which types exist
  const auth = await authorize(runtime, request, isFhirId(type) ? type : "*");
  if (auth.refusal) return auth.refusal;
  const provider = (await fhirProviders(runtime)).get(type);
  if (!provider) return unknownType(type);
  const found = isFhirId(id) ? await provider.read(id, await fhirContext(runtime)) : null;
  if (!found) return operationOutcome(404, "not-found", `${type}/${id} is not known.`);
  const resource = withVersion(found);
  const meta = resource.meta as { versionId: string; lastUpdated?: string };
  await audit(runtime.db, { kind: "system" }, { action: "fhir.read", entityType: "api_token", entityId: auth.token.id, data: { resource: `${type}/${id}` } });
  const headers: Record<string, string> = {
    ETag: versionTag(meta.versionId),
    // the client may keep it and revalidate; shared caches may not (health data)
    "Cache-Control": "private, no-cache",
    ...(meta.lastUpdated ? { "Last-Modified": new Date(meta.lastUpdated).toUTCString() } : {}),
  };
  if (notModified(request, meta.versionId, meta.lastUpdated)) return new Response(null, { status: 304, headers });
  return fhirJson(resource, { headers });
}

function pageSize(raw: string | null) {
  if (raw === null) return defaultPageSize;
  if (!/^\d+$/.test(raw)) throw new FhirSearchError(`_count must be a whole number, not "${raw}"`);
  return Math.min(Number(raw), maxPageSize);
}

/** GET /fhir/r4/:type?… — a searchset Bundle. */
export function searchResources(runtime: Runtime, request: Request, type: string) {
  return search(runtime, request, type, new URL(request.url).searchParams);
}

/**
 * POST /fhir/r4/:type/_search — the same search with its parameters in a form-encoded body (and
 * possibly the URL too), for queries too long or too private for a URL.
 */
export async function searchResourcesByPost(runtime: Runtime, request: Request, type: string) {
  const contentType = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (contentType !== "application/x-www-form-urlencoded") {
    return operationOutcome(415, "not-supported", "POST _search needs a body of type application/x-www-form-urlencoded.");
  }
  const params = new URLSearchParams(new URL(request.url).searchParams);
  for (const [name, value] of new URLSearchParams(await request.text())) params.append(name, value);
  return search(runtime, request, type, params);
}

async function search(runtime: Runtime, request: Request, type: string, searchParams: URLSearchParams) {
  const refused = unacceptable(request);
  if (refused) return refused;
  const auth = await authorize(runtime, request, isFhirId(type) ? type : "*");
  if (auth.refusal) return auth.refusal;
  const provider = (await fhirProviders(runtime)).get(type);
  if (!provider) return unknownType(type);
  const url = { searchParams, search: `?${searchParams.toString()}` };
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
    const count = pageSize(url.searchParams.get("_count"));
    const offsetRaw = url.searchParams.get("_offset") ?? "0";
    if (!/^\d+$/.test(offsetRaw)) throw new FhirSearchError(`_offset must be a whole number, not "${offsetRaw}"`);
    const offset = Number(offsetRaw);
    const ctx = await fhirContext(runtime);
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
    return fhirJson(withVersion({
      resourceType: "Bundle",
      meta: { lastUpdated: fhirInstant(new Date()) },
      type: "searchset",
      total,
      link,
      entry: resources.map((resource) => ({ fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`, resource: withVersion(resource), search: { mode: "match" } })),
    }));
  } catch (error) {
    if (FhirSearchError.is(error)) return operationOutcome(400, "invalid", error.message);
    throw error;
  }
}

/** Anything but GET (and POST to _search): the API is read-only. */
export function readOnly(allow = "GET") {
  return operationOutcome(405, "not-supported", `This FHIR API is read-only: use ${allow}.`, { Allow: allow });
}
