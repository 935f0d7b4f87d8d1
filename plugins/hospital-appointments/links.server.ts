// Single-purpose links in patient messages: confirm or cancel a visit, accept or decline an offered
// slot. The token is 32 random bytes (base64url) and only its SHA-256 is stored, so a database leak
// gives no working links. A link is tied to one appointment and one action, works once, and expires
// at the visit's start (an offer's links at the end of the hold).
import crypto from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database, PluginServices } from "../../app/plugin-api/index.ts";
import { actionLinks, type linkActions } from "./schema.ts";

export type LinkAction = (typeof linkActions)[number];

/** The path of the public page that shows a link's visit and carries out its action on POST. */
export const linkPath = "/api/appointments/link";

const hashOf = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** Creates links for an appointment; returns their absolute URLs by action. */
export async function createLinks<A extends LinkAction>(db: Database, services_: PluginServices, appointmentId: string, actions: readonly A[], expiresAt: Date) {
  const urls = {} as Record<A, string>;
  for (const action of actions) {
    const token = crypto.randomBytes(32).toString("base64url");
    await db.insert(actionLinks).values({ tokenHash: hashOf(token), appointmentId, action, expiresAt });
    urls[action] = `${services_.appOrigin ?? ""}${linkPath}?t=${token}`;
  }
  return urls;
}

export type LinkState = "valid" | "used" | "expired" | "invalid";

/** What a token stands for, without using it (GET must not change anything: link previews fetch it). */
export async function inspectLink(db: Database, token: string, now = new Date()) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { state: "invalid" as LinkState, link: null };
  const [link] = await db.select().from(actionLinks).where(eq(actionLinks.tokenHash, hashOf(token)));
  if (!link) return { state: "invalid" as LinkState, link: null };
  if (link.usedAt) return { state: "used" as LinkState, link };
  if (link.expiresAt <= now) return { state: "expired" as LinkState, link };
  return { state: "valid" as LinkState, link };
}

/** Marks a link used, in the caller's transaction; null when it was used already or has expired (two taps racing: exactly one wins). */
export async function useLink(tx: Database, token: string, now = new Date()) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [link] = await tx
    .update(actionLinks)
    .set({ usedAt: now })
    .where(and(eq(actionLinks.tokenHash, hashOf(token)), isNull(actionLinks.usedAt), gt(actionLinks.expiresAt, now)))
    .returning();
  return link ?? null;
}

/** Retires every open link of an appointment (after it changed by another way). */
export async function retireLinks(tx: Database, appointmentId: string, now = new Date()) {
  await tx.update(actionLinks).set({ usedAt: now }).where(and(eq(actionLinks.appointmentId, appointmentId), isNull(actionLinks.usedAt)));
}
