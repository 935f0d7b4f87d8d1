import type { PendingAuth, RequestAuth } from "../auth/session.server.ts";
import type { Language } from "../i18n/languages.ts";
import type { AppRuntime } from "./runtime.server.ts";

declare module "@remix-run/node" {
  interface AppLoadContext {
    runtime: AppRuntime;
    /** Who is asking, or null for a signed-out visitor. */
    auth: RequestAuth | null;
    /** A session that still owes its second factor or its enrolment (then auth is null). */
    pendingAuth: PendingAuth | null;
    language: Language;
    cspNonce: string;
    clientIp: string | null;
  }
}

export {};
