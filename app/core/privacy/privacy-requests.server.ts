// Data subjects' requests (UU PDP Art 14): recorded with a 3 × 24 hour deadline.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { privacyRequests } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor } from "../plugins/contract.ts";
import { objectToProfiling } from "./profiling-objections.server.ts";
import type { requestKinds } from "./privacy-forms.ts";

/** UU PDP: access, correction and withdrawal are served within 3 × 24 hours. */
export const requestDeadlineMs = 72 * 60 * 60 * 1000;

type SelfActor = Extract<Actor, { kind: "customer" } | { kind: "partner" }>;

/**
 * Records a person's own request; an objection to profiling holds at once (and is recorded done).
 * Returns null when an open request of the same kind is already waiting.
 */
export async function submitOwnRequest(db: Database, actor: SelfActor, input: { kind: (typeof requestKinds)[number]; details?: string; language: Language }, now = new Date()) {
  const contactId = actor.kind === "customer" ? actor.contactId : null;
  return db.transaction(async (tx) => {
    const [open] = await tx
      .select({ id: privacyRequests.id })
      .from(privacyRequests)
      .where(and(eq(privacyRequests.userId, actor.userId), eq(privacyRequests.kind, input.kind), inArray(privacyRequests.status, ["open", "identity_verified"])));
    if (open) return null;
    const immediate = input.kind === "no_profiling" && contactId !== null;
    const [row] = await tx
      .insert(privacyRequests)
      .values({
        contactId,
        userId: actor.userId,
        kind: input.kind,
        details: input.details || null,
        language: input.language,
        dueAt: new Date(now.getTime() + requestDeadlineMs),
        createdAt: now,
        ...(immediate ? { status: "completed" as const, decidedAt: now } : {}),
      })
      .returning();
    if (immediate) await objectToProfiling(tx, actor, contactId!, actor.kind === "customer" ? "portal" : "partner");
    await audit(tx, actor, { action: "privacy.request.submitted", entityType: contactId ? "contact" : "user", entityId: contactId ?? actor.userId, data: { kind: input.kind, requestId: row.id } });
    return row;
  });
}

/** The person's own requests, newest first. */
export async function ownRequests(db: Database, actor: SelfActor) {
  return db
    .select({
      id: privacyRequests.id,
      kind: privacyRequests.kind,
      status: privacyRequests.status,
      createdAt: privacyRequests.createdAt,
      dueAt: privacyRequests.dueAt,
      decisionReason: privacyRequests.decisionReason,
    })
    .from(privacyRequests)
    .where(eq(privacyRequests.userId, actor.userId))
    .orderBy(desc(privacyRequests.createdAt))
    .limit(50);
}
