// Calls a route's loader or action with a body callRoute cannot build: raw bytes (webhooks) or
// multipart uploads (CSV import), through the same load context the server builds.
import "../../app/core/runtime/load-context.ts";
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { buildLoadContext } from "../../app/core/runtime/request-context.server.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { testOrigin } from "./test-app.ts";

type Handler = ((args: LoaderFunctionArgs) => unknown) | ((args: ActionFunctionArgs) => unknown);

export async function callWithBody(
  runtime: AppRuntime,
  handler: Handler,
  input: { path: string; method?: string; cookie?: string | null; body?: BodyInit; headers?: Record<string, string>; params?: Record<string, string> },
): Promise<unknown> {
  const headers = new Headers(input.headers);
  if (input.cookie) headers.set("Cookie", input.cookie);
  const request = new Request(`${testOrigin}${input.path}`, { method: input.method ?? (input.body ? "POST" : "GET"), headers, body: input.body });
  const { context } = await buildLoadContext(runtime, request, { cspNonce: "test", clientIp: "127.0.0.1" });
  try {
    return await handler({ request, context: context as AppLoadContext, params: input.params ?? {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** A multipart body with one file and some fields, as a browser's form would send it. */
export function multipart(fields: Record<string, string>, file?: { name: string; field?: string; content: string | Uint8Array; type?: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append(file.field ?? "file", new Blob([typeof file.content === "string" ? file.content : new Uint8Array(file.content)], { type: file.type ?? "text/csv" }), file.name);
  return form;
}
