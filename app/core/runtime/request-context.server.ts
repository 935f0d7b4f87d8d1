import type { AppLoadContext } from "@remix-run/node";
import { resolveRequestAuth } from "../auth/session.server.ts";
import { detectLanguage } from "../i18n/i18n.server.ts";
import type { AppRuntime } from "./runtime.server.ts";

/** The load context for one request: who is asking and in which language. */
export async function buildLoadContext(
  runtime: AppRuntime,
  request: Request,
  extra: { cspNonce: string; clientIp: string | null },
): Promise<{ context: AppLoadContext; setCookie: string | null }> {
  const { auth, pending, setCookie } = await resolveRequestAuth(runtime, request);
  return {
    context: { runtime, auth, pendingAuth: pending, language: await detectLanguage(request, (auth ?? pending)?.user.locale), ...extra },
    setCookie,
  };
}
