// FHIR's wire format: application/fhir+json, errors as OperationOutcome.
export const fhirContentType = "application/fhir+json; charset=utf-8";

/**
 * The value without what FHIR JSON forbids: empty arrays, empty or blank strings, empty objects,
 * null and undefined (an element with no value is left out). Applied to every answer, so no
 * provider can send `"identifier": []` to a strict server.
 */
export function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(pruneEmpty).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = pruneEmpty(v);
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (value === null || (typeof value === "number" && !Number.isFinite(value))) return undefined;
  return value;
}

/** A FHIR JSON response. */
export function fhirJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}) {
  return new Response(JSON.stringify(pruneEmpty(body) ?? {}), {
    status: init.status ?? 200,
    headers: { "Content-Type": fhirContentType, "Cache-Control": "no-store", ...init.headers },
  });
}

/** IssueType codes we answer with (http://hl7.org/fhir/issue-type). */
export type IssueCode = "login" | "forbidden" | "not-found" | "invalid" | "not-supported" | "exception";

/** An OperationOutcome error response. */
export function operationOutcome(status: number, code: IssueCode, diagnostics: string, headers?: Record<string, string>) {
  return fhirJson(
    { resourceType: "OperationOutcome", issue: [{ severity: "error", code, diagnostics }] },
    { status, headers },
  );
}
