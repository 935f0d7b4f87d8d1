// Errors of the POS API: a stable machine code and a sentence in the caller's Accept-Language
// (Indonesian unless English is preferred), never an i18n key. Per-field issues carry their own
// code and sentence.
import { fixedT } from "../../app/plugin-api/server.ts";
import { languageFromAcceptLanguage, type z } from "../../app/plugin-api/openapi.ts";
import type { IssueCode, PosErrorCode } from "./sale-payload.ts";

export type ApiLanguage = ReturnType<typeof languageFromAcceptLanguage>;
export interface ApiIssue {
  path: string;
  code: IssueCode;
  message: string;
}

export const apiLanguage = (request: Request): ApiLanguage => languageFromAcceptLanguage(request.headers.get("Accept-Language"));

const baseHeaders = (language: ApiLanguage) => ({ "Cache-Control": "no-store", "Content-Language": language, Vary: "Accept-Language" });

/** `{ error: { code, message, ...extra } }` with the status; `extra` also fills the sentence's placeholders. */
export function posError(language: ApiLanguage, code: PosErrorCode, status: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const t = fixedT(language, "retail-pos");
  const count = Array.isArray(extra.issues) ? extra.issues.length : undefined;
  const message = t(`api.errors.${code}`, { ...extra, count, interpolation: { escapeValue: false } }) as string;
  return Response.json({ error: { code, message, ...extra } }, { status, headers: { ...baseHeaders(language), ...headers } });
}

/** 405 with `Allow`, for any method a POS endpoint does not take. */
export function methodNotAllowed(request: Request, allow: string) {
  return posError(apiLanguage(request), "method_not_allowed", 405, { method: request.method, allow }, { Allow: allow });
}

/** A success answer with the API's usual headers. */
export function posJson(language: ApiLanguage, body: unknown, status: number, headers: Record<string, string> = {}) {
  return Response.json(body, { status, headers: { ...baseHeaders(language), ...headers } });
}

type Issue = { path: (string | number)[]; code: IssueCode; params?: Record<string, unknown> };

function classify(issue: z.ZodIssue): Issue[] {
  const path = issue.path;
  switch (issue.code) {
    case "invalid_type":
      if (issue.received === "undefined") return [{ path, code: "required" }];
      return [{ path, code: "invalid_type", params: { expected: issue.expected } }];
    case "too_small": {
      const code = issue.type === "string" ? "too_short" : issue.type === "array" ? "too_few" : "too_small";
      return [{ path, code, params: { count: Number(issue.minimum) } }];
    }
    case "too_big": {
      const code = issue.type === "string" ? "too_long" : issue.type === "array" ? "too_many" : "too_large";
      return [{ path, code, params: { count: Number(issue.maximum) } }];
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: [...path, key], code: "unknown_field" as const }));
    case "invalid_enum_value":
      return [{ path, code: "invalid_choice", params: { options: issue.options.join(", ") } }];
    case "custom": {
      const params = (issue.params ?? {}) as Record<string, unknown> & { code?: IssueCode };
      return [{ path, code: params.code ?? "invalid_format", params }];
    }
    default:
      return [{ path, code: "invalid_format" }];
  }
}

/** zod's issues as the API reports them: `{ path: "lines.0.sku", code, message }`. */
export function apiIssues(language: ApiLanguage, error: z.ZodError): ApiIssue[] {
  const t = fixedT(language, "retail-pos");
  return error.issues.flatMap(classify).map(({ path, code, params = {} }) => {
    const values: Record<string, unknown> = { ...params };
    if (code === "invalid_type") values.expected = t(`api.types.${String(params.expected)}`, { defaultValue: String(params.expected) });
    const key = code === "invalid_format" && params.example ? "invalid_format_example" : code;
    return { path: path.join("."), code, message: t(`api.issues.${key}`, { ...values, interpolation: { escapeValue: false } }) as string };
  });
}
