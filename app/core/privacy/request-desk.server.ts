// The staff request desk (UU PDP Art 5–14): every data subject's request with its 3 × 24 hour
// clock, an identity check before anything is disclosed or erased, a decision with its reason sent
// to the person in their language, and erasure through the personal-data handlers. Audited.
import { and, asc, desc, eq, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contacts, privacyRequests, rolePermissions, roles, tasks, userRoles, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { isUuid } from "../validation/ids.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { isLanguage, type Language } from "../i18n/languages.ts";
import { queueEmail, renderNoticeEmail, type JobSender } from "../messaging/email.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { formatDateTime } from "../time/format-time.ts";
import { branchTimeZone } from "../time/zones.server.ts";
import { erasePersonalData, type ErasureReport } from "./data-subject.server.ts";
import { escalateAfterHours, type identityCheckMethods, type privacyRequestDecisions } from "./request-desk-forms.ts";

export const requestEscalationQueue = "core.privacy.escalate-requests";
/** Every five minutes (UTC cron): a day's warning needs no finer grain. */
export const requestEscalationCron = "*/5 * * * *";
export const requestManagePermission = "core.privacyRequest.manage";

type StaffActor = Extract<Actor, { kind: "staff" }>;
export type RequestDeskError = "notFound" | "alreadyDecided" | "identityNotChecked" | "erasureNotApplicable" | "erasureModeMissing";
type Result<T = object> = ({ ok: true } & T) | { ok: false; error: RequestDeskError };

const openStatuses = ["open", "identity_verified"] as const;

/** Staff tied to a branch handle the requests of that branch's contacts; staff of no branch, all. */
function scopeOf(actor: StaffActor): SQL | undefined {
  return actor.branchId ? eq(contacts.branchId, actor.branchId) : undefined;
}

const listColumns = {
  id: privacyRequests.id,
  kind: privacyRequests.kind,
  status: privacyRequests.status,
  decision: privacyRequests.decision,
  language: privacyRequests.language,
  createdAt: privacyRequests.createdAt,
  dueAt: privacyRequests.dueAt,
  escalatedAt: privacyRequests.escalatedAt,
  decidedAt: privacyRequests.decidedAt,
  contactId: privacyRequests.contactId,
  contactName: contacts.fullName,
  userId: privacyRequests.userId,
  userName: users.name,
};

/** Requests the actor may handle: open ones by deadline (soonest first), closed ones newest first. */
export async function listRequests(db: Database, actor: StaffActor, filter: { status: "open" | "all" | "completed" | "refused" }, limit = 200) {
  const status =
    filter.status === "open"
      ? inArray(privacyRequests.status, [...openStatuses])
      : filter.status === "all"
        ? undefined
        : eq(privacyRequests.status, filter.status);
  return db
    .select(listColumns)
    .from(privacyRequests)
    .leftJoin(contacts, eq(contacts.id, privacyRequests.contactId))
    .leftJoin(users, eq(users.id, privacyRequests.userId))
    .where(and(status, scopeOf(actor)))
    .orderBy(filter.status === "open" ? asc(privacyRequests.dueAt) : desc(privacyRequests.createdAt))
    .limit(limit);
}

/** One request with what the desk needs to judge it; null when absent or outside the actor's scope. */
export async function getRequest(db: Database, actor: StaffActor, requestId: string) {
  if (!isUuid(requestId)) return null;
  const [row] = await db
    .select({
      ...listColumns,
      details: privacyRequests.details,
      decisionReason: privacyRequests.decisionReason,
      decidedBy: privacyRequests.decidedBy,
      identityCheckedAt: privacyRequests.identityCheckedAt,
      identityMethod: privacyRequests.identityMethod,
      identityNote: privacyRequests.identityNote,
      outcome: privacyRequests.outcome,
      contactEmail: contacts.email,
      contactPhone: contacts.phone,
      userEmail: users.email,
      userKind: users.kind,
    })
    .from(privacyRequests)
    .leftJoin(contacts, eq(contacts.id, privacyRequests.contactId))
    .leftJoin(users, eq(users.id, privacyRequests.userId))
    .where(and(eq(privacyRequests.id, requestId), scopeOf(actor)));
  return row ?? null;
}

async function lockRequest(tx: Database, actor: StaffActor, requestId: string) {
  if (!isUuid(requestId)) return null;
  const [row] = await tx
    .select({
      id: privacyRequests.id,
      kind: privacyRequests.kind,
      status: privacyRequests.status,
      language: privacyRequests.language,
      contactId: privacyRequests.contactId,
      userId: privacyRequests.userId,
      identityCheckedAt: privacyRequests.identityCheckedAt,
    })
    .from(privacyRequests)
    .leftJoin(contacts, eq(contacts.id, privacyRequests.contactId))
    .where(and(eq(privacyRequests.id, requestId), scopeOf(actor)))
    .for("update", { of: privacyRequests });
  return row ?? null;
}

/** Records how the person's identity was confirmed; the request may then be decided. */
export async function checkIdentity(
  db: Database,
  actor: StaffActor,
  requestId: string,
  input: { method: (typeof identityCheckMethods)[number]; note?: string | null },
  now = new Date(),
): Promise<Result> {
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, actor, requestId);
    if (!request) return { ok: false as const, error: "notFound" as const };
    if (request.status !== "open" && request.status !== "identity_verified") return { ok: false as const, error: "alreadyDecided" as const };
    await tx
      .update(privacyRequests)
      .set({
        status: "identity_verified",
        identityCheckedAt: now,
        identityCheckedBy: actor.userId,
        identityMethod: input.method,
        identityNote: input.note || null,
      })
      .where(eq(privacyRequests.id, request.id));
    await audit(tx, actor, {
      action: "privacy.request.identity_checked",
      entityType: request.contactId ? "contact" : "user",
      entityId: (request.contactId ?? request.userId)!,
      data: { requestId: request.id, method: input.method },
    });
    return { ok: true as const };
  });
}

/** Where the decision goes: the asking account (its address), else the contact's address. Read before any erasure. */
async function requesterAddress(db: Database, request: { userId: string | null; contactId: string | null }) {
  if (request.userId) {
    const [user] = await db.select({ email: users.email, name: users.name, kind: users.kind }).from(users).where(eq(users.id, request.userId));
    if (user && !user.email.endsWith("@invalid")) return { email: user.email, name: user.name, portal: user.kind === "partner" ? "partner" : "portal" };
  }
  if (request.contactId) {
    const [contact] = await db.select({ email: contacts.email, name: contacts.fullName }).from(contacts).where(eq(contacts.id, request.contactId));
    if (contact?.email) return { email: contact.email, name: contact.name, portal: null };
  }
  return null;
}

export interface DecisionRuntime {
  db: Database;
  registry: PluginRegistry;
  jobs: JobSender;
  config: { appOrigin: string };
}

/**
 * Decides a request: approved, partially approved or rejected, with the reason. A granted
 * deletion is executed at once (delete or anonymise; records under a legal hold stay). The person
 * is told in the language they asked in, through the outbox, in the same transaction.
 */
export async function decideRequest(
  runtime: DecisionRuntime,
  actor: StaffActor,
  requestId: string,
  input: { decision: (typeof privacyRequestDecisions)[number]; reason: string; erasure: "delete" | "anonymise" | "none" },
  now = new Date(),
): Promise<Result<{ erasure: ErasureReport | null; notified: boolean }>> {
  return runtime.db.transaction(async (tx) => {
    const request = await lockRequest(tx, actor, requestId);
    if (!request) return { ok: false as const, error: "notFound" as const };
    if (request.status !== "open" && request.status !== "identity_verified") return { ok: false as const, error: "alreadyDecided" as const };
    const granted = input.decision !== "rejected";
    // nothing is disclosed or erased for someone whose identity nobody checked; a refusal needs no check
    if (granted && !request.identityCheckedAt) return { ok: false as const, error: "identityNotChecked" as const };
    if (input.erasure !== "none" && !(granted && request.kind === "deletion")) return { ok: false as const, error: "erasureNotApplicable" as const };
    if (granted && request.kind === "deletion" && input.erasure === "none") return { ok: false as const, error: "erasureModeMissing" as const };

    const to = await requesterAddress(tx, request);
    const erasure =
      input.erasure === "none"
        ? null
        : await erasePersonalData(tx, runtime.registry, actor, { contactId: request.contactId, userId: request.userId }, input.erasure);
    await tx
      .update(privacyRequests)
      .set({
        status: granted ? "completed" : "refused",
        decision: input.decision,
        decisionReason: input.reason,
        decidedAt: now,
        decidedBy: actor.userId,
        outcome: erasure ? { erasure } : null,
      })
      .where(eq(privacyRequests.id, request.id));
    // the escalation task, if any, is done with the request
    await tx
      .update(tasks)
      .set({ status: "done", completedAt: now, updatedAt: now })
      .where(and(eq(tasks.relatedType, "privacy_request"), eq(tasks.relatedId, request.id), inArray(tasks.status, ["open", "in_progress"])));
    let notified = false;
    if (to) {
      const language: Language = isLanguage(request.language) ? request.language : "id";
      const template = `privacy.decision.${input.decision}` as const;
      const email = await renderNoticeEmail(template, language, {
        name: to.name,
        values: { kind: fixedT(language, "emails")(`privacyDesk.kinds.${request.kind}`) },
        quote: input.reason,
        url: to.portal ? `${runtime.config.appOrigin}/${to.portal}/privacy` : null,
      });
      // after an erasure this is the last message to the person: its address and body go once it is sent
      await queueEmail(tx, runtime.jobs, { to: to.email, template, language, email, userId: request.userId ?? undefined, forgetAfterSend: erasure !== null });
      notified = true;
    }
    await audit(tx, actor, {
      action: "privacy.request.decided",
      entityType: request.contactId ? "contact" : "user",
      entityId: (request.contactId ?? request.userId)!,
      data: { requestId: request.id, kind: request.kind, decision: input.decision, reason: input.reason, erasure: input.erasure, notified },
    });
    return { ok: true as const, erasure, notified };
  });
}

/**
 * Who hears when the clock runs low: an active staff member whose role was granted the desk's
 * permission by name (the data protection officer's role), else an admin; the longest-serving first.
 */
export async function requestDeskOfficer(db: Database) {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, locale: users.locale, branchId: users.branchId })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .leftJoin(rolePermissions, and(eq(rolePermissions.roleId, roles.id), eq(rolePermissions.permissionId, requestManagePermission)))
    .where(and(eq(users.kind, "staff"), eq(users.active, true), or(sql`${rolePermissions.permissionId} is not null`, eq(roles.allPermissions, true))))
    .orderBy(sql`(${rolePermissions.permissionId} is not null) desc`, asc(users.createdAt), asc(users.id))
    .limit(1);
  return row ?? null;
}

/**
 * Escalates every open request 48 hours old (a day before its deadline) not yet escalated: a task
 * for the officer due at the deadline, and an e-mail. Once per request; safe to run concurrently.
 */
export async function escalateDueRequests(db: Database, runtime: { jobs: JobSender; config: { appOrigin: string } }, now = new Date()) {
  const threshold = new Date(now.getTime() - escalateAfterHours * 3600_000);
  return db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: privacyRequests.id,
        kind: privacyRequests.kind,
        dueAt: privacyRequests.dueAt,
        contactId: privacyRequests.contactId,
        userId: privacyRequests.userId,
      })
      .from(privacyRequests)
      .where(and(inArray(privacyRequests.status, [...openStatuses]), isNull(privacyRequests.escalatedAt), lte(privacyRequests.createdAt, threshold)))
      .orderBy(asc(privacyRequests.dueAt))
      .limit(200)
      .for("update", { skipLocked: true });
    if (!due.length) return 0;
    const officer = await requestDeskOfficer(tx);
    for (const request of due) {
      await tx.update(privacyRequests).set({ escalatedAt: now }).where(eq(privacyRequests.id, request.id));
      await audit(
        tx,
        { kind: "system" },
        {
          action: "privacy.request.escalated",
          entityType: request.contactId ? "contact" : "user",
          entityId: (request.contactId ?? request.userId)!,
          data: { requestId: request.id, to: officer?.id ?? null, dueAt: request.dueAt.toISOString() },
        },
      );
      if (!officer) continue;
      const language: Language = isLanguage(officer.locale) ? officer.locale : "id";
      const t = fixedT(language, "emails");
      const values = { kind: t(`privacyDesk.kinds.${request.kind}`), due: formatDateTime(request.dueAt, language, await branchTimeZone(tx, officer.branchId)) };
      await tx.insert(tasks).values({
        title: t("privacyDesk.escalated.task", values),
        assigneeId: officer.id,
        createdBy: officer.id,
        contactId: request.contactId,
        relatedType: "privacy_request",
        relatedId: request.id,
        dueAt: request.dueAt,
        priority: "urgent",
        createdAt: now,
        updatedAt: now,
      });
      const email = await renderNoticeEmail("privacy.escalated", language, {
        name: officer.name,
        values,
        url: `${runtime.config.appOrigin}/staff/privacy/requests/${request.id}`,
      });
      await queueEmail(tx, runtime.jobs, { to: officer.email, template: "privacy.escalated", language, email, userId: officer.id });
    }
    return due.length;
  });
}
