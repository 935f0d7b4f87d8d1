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

/**
 * Only same-site paths, so a redirectTo parameter cannot send anyone elsewhere. Browsers drop tabs
 * and newlines from a Location (`/<TAB>/evil.example` becomes `//evil.example`) and read `\\` as
 * `/`, so any control character or backslash refuses the target outright.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string) {
  // eslint-disable-next-line no-control-regex
  if (typeof to !== "string" || !to.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  const base = "http://same.invalid";
  const url = URL.canParse(to, base) ? new URL(to, base) : null;
  if (!url || url.origin !== base) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** How long a proof of identity opens sensitive actions (exports, erasure, role and permission changes). */
export const stepUpWindowMs = 5 * 60_000;

const portalOfKind = { staff: "staff", partner: "partner", customer: "portal" } as const;

/**
 * The signed-in user proved who they are (password, and their second factor when they have one)
 * within the last five minutes; else they are sent to confirm it and brought back to this page.
 * Call it after requireStaff / requireCustomer / requirePartner, before the sensitive work.
 */
export function requireRecentAuth(context: AppLoadContext, request: Request, options: { maxAgeMs?: number } = {}): RequestAuth {
  const auth = context.auth;
  if (!auth) throw signInRedirect(request, portalOfPath(request));
  const age = Date.now() - auth.session.reauthenticatedAt.getTime();
  if (age <= (options.maxAgeMs ?? stepUpWindowMs)) return auth;
  const portal = portalOfKind[auth.user.kind];
  const url = new URL(request.url);
  // a POST cannot be replayed after the detour: come back to the page and submit again
  const back = url.pathname.replace(/\.data$/, "") + (request.method === "GET" ? url.search : "");
  throw redirect(`/${portal}/login/confirm?redirectTo=${encodeURIComponent(back)}`);
}

function portalOfPath(request: Request): Portal {
  const first = new URL(request.url).pathname.split("/")[1];
  return first === "staff" || first === "partner" ? first : "portal";
}
