// FHIR's wire format: application/fhir+json, errors as OperationOutcome.
export const fhirContentType = "application/fhir+json; charset=utf-8";

/** A FHIR JSON response. */
export function fhirJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}) {
  return new Response(JSON.stringify(body), {
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
