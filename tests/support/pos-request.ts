// A till's request to the POS API as the plugin expects it: JSON body, Bearer key and the
// Nusa-Signature HMAC over the exact bytes sent.
import type { ActionFunctionArgs } from "@remix-run/node";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { signatureHeader } from "../../plugins/retail-pos/api-auth.server.ts";
import { callWithBody } from "./raw-request.ts";

export async function signedPosPost(
  runtime: AppRuntime,
  action: (args: ActionFunctionArgs) => unknown,
  creds: { apiKey: string; signingSecret: string },
  body: Record<string, unknown>,
) {
  const raw = JSON.stringify(body);
  const res = (await callWithBody(runtime, action, {
    path: "/api/pos/v1/x",
    method: "POST",
    body: raw,
    headers: { Authorization: `Bearer ${creds.apiKey}`, "Nusa-Signature": signatureHeader(creds.signingSecret, raw), "Content-Type": "application/json" },
  })) as Response;
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
