// Calls the FHIR routes the way the server would (GET, POST _search, any headers) for tests.
import { expect } from "vitest";
import * as instanceRoute from "../../app/routes/fhir/instance.ts";
import * as metadataRoute from "../../app/routes/fhir/metadata.ts";
import * as typeRoute from "../../app/routes/fhir/type.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { callRoute, testOrigin } from "../support/test-app.ts";
import { fhirSchemaErrors } from "./fhir-schema.ts";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- FHIR JSON read in assertions

/**
 * Where a value breaks FHIR JSON's rule that no element is empty: `""`, whitespace-only strings,
 * `[]`, `{}` and `null` are all refused by strict servers (HAPI, the HL7 validator).
 */
export function emptyValues(node: unknown, path = "$", out: string[] = []): string[] {
  if (node === null) out.push(`${path}: null`);
  else if (Array.isArray(node)) {
    if (node.length === 0) out.push(`${path}: []`);
    node.forEach((n, i) => emptyValues(n, `${path}[${i}]`, out));
  } else if (typeof node === "object") {
    const entries = Object.entries(node);
    if (entries.length === 0) out.push(`${path}: {}`);
    for (const [k, v] of entries) emptyValues(v, `${path}.${k}`, out);
  } else if (typeof node === "string" && node.trim() === "") out.push(`${path}: "${node}"`);
  return out;
}

/** GETs (or POSTs a form to) a FHIR path through its route module; the body is checked as FHIR R4 when there is one. */
export async function fhirCall(
  runtime: AppRuntime,
  path: string,
  options: { token?: string | null; headers?: Record<string, string>; form?: Record<string, string | string[]>; method?: string } = {},
) {
  const [pathname] = path.replace(testOrigin, "").split("?");
  const parts = pathname.replace(/^\/fhir\/r4\//, "").split("/");
  const route = parts[0] === "metadata" ? metadataRoute : parts.length === 1 ? typeRoute : instanceRoute;
  const method = options.method ?? (options.form ? "POST" : "GET");
  const handler = method === "GET" ? route.loader : route.action;
  const response = (await callRoute(runtime, handler, {
    path: path.replace(testOrigin, ""),
    method,
    form: options.form,
    headers: { ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    params: { type: parts[0], ...(parts[1] ? { id: parts[1] } : {}) },
  })) as Response;
  expect(response).toBeInstanceOf(Response);
  const text = await response.text();
  const body = (text ? JSON.parse(text) : null) as Json;
  if (body) {
    expect(fhirSchemaErrors(body)).toEqual([]);
    expect(emptyValues(body)).toEqual([]);
    expect(response.headers.get("Content-Type")).toBe("application/fhir+json; charset=utf-8");
  }
  return { status: response.status, headers: response.headers, body };
}
