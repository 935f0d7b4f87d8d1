import { redirect, type AppLoadContext } from "@remix-run/node";
import type { RequestAuth } from "./session.server.ts";

type Portal = "staff" | "portal" | "partner";
type StaffAuth = RequestAuth & { actor: Extract<RequestAuth["actor"], { kind: "staff" }> };
type CustomerAuth = RequestAuth & { actor: Extract<RequestAuth["actor"], { kind: "customer" }> };
type PartnerAuth = RequestAuth & { actor: Extract<RequestAuth["actor"], { kind: "partner" }> };

function signInRedirect(request: Request, portal: Portal) {
  const url = new URL(request.url);
  const back = url.pathname.replace(/\.data$/, "") + url.search;
  return redirect(`/${portal}/login?redirectTo=${encodeURIComponent(back)}`);
}

export function forbidden(): never {
  throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

export function notFound(): never {
  throw new Response("Not Found", { status: 404, statusText: "Not Found" });
}

/** A signed-in staff user holding `permission` (when given); else sign-in or 403. */
export function requireStaff(context: AppLoadContext, request: Request, permission?: string): StaffAuth {
  const auth = context.auth;
  if (!auth || auth.actor.kind !== "staff") throw signInRedirect(request, "staff");
  if (permission && !auth.actor.permissions.has(permission)) forbidden();
  return auth as StaffAuth;
}

/** A signed-in patient or shopper; else sign-in. */
export function requireCustomer(context: AppLoadContext, request: Request): CustomerAuth {
  const auth = context.auth;
  if (!auth || auth.actor.kind !== "customer") throw signInRedirect(request, "portal");
  return auth as CustomerAuth;
}

/** A signed-in partner user; else sign-in. */
export function requirePartner(context: AppLoadContext, request: Request): PartnerAuth {
  const auth = context.auth;
  if (!auth || auth.actor.kind !== "partner") throw signInRedirect(request, "partner");
  return auth as PartnerAuth;
}

export function hasPermission(auth: RequestAuth | null, permission: string) {
  return auth?.actor.kind === "staff" && auth.actor.permissions.has(permission);
}

/** Only same-site paths, so a redirectTo parameter cannot send anyone elsewhere. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string) {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
