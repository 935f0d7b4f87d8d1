// Escalation when a ticket's SLA is breached: a cron job, never a page visit. Each ticket is
// escalated once (escalated_at), by whichever worker locks it first.
import { and, asc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, ticketMessages, tickets, userRoles, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { formatDateTime } from "../i18n/format.ts";
import type { Logger } from "../logging/logger.server.ts";
import { notifyStaff, type NotifyRuntime } from "./ticket-notifications.server.ts";

export const ticketEscalationQueue = "core.tickets.escalate";
/** Every minute (UTC cron, as all schedules). */
export const ticketEscalationCron = "* * * * *";

/**
 * Escalation skips waiting_customer: the clock is on the customer then. A ticket that comes back
 * from waiting keeps its original target, so it escalates at once if that has passed.
 */
export const escalatingStatuses = ["open", "in_progress"] as const;

const batchSize = 50;

/** A system note's body: an i18n key and its values, translated when it is shown. */
export function systemNote(key: string, values: Record<string, string>) {
  return JSON.stringify({ key, values });
}

/**
 * Who hears about a breach: a manager of the ticket's branch, else any manager, else an admin;
 * active staff only, the longest-serving first so the choice is stable.
 */
export async function escalationTarget(db: Database, branchId: string | null) {
  const [row] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(eq(users.kind, "staff"), eq(users.active, true), inArray(userRoles.roleId, ["manager", "admin"])))
    .orderBy(
      sql`(${userRoles.roleId} = 'manager') desc`,
      sql`(${users.branchId} is not distinct from ${branchId}::uuid) desc`,
      asc(users.createdAt),
      asc(users.id),
    )
    .limit(1);
  return row ?? null;
}

/** Escalates every breached ticket not yet escalated; returns how many. Safe to run concurrently. */
export async function escalateBreachedTickets(db: Database, runtime: NotifyRuntime, logger?: Logger) {
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const due = await tx
        .select({
          id: tickets.id,
          number: tickets.number,
          subject: tickets.subject,
          branchId: tickets.branchId,
          slaDueAt: tickets.slaDueAt,
          timeZone: branches.timeZone,
        })
        .from(tickets)
        .leftJoin(branches, eq(branches.id, tickets.branchId))
        .where(and(inArray(tickets.status, [...escalatingStatuses]), lt(tickets.slaDueAt, sql`now()`), isNull(tickets.escalatedAt)))
        .orderBy(asc(tickets.slaDueAt))
        .limit(batchSize)
        .for("update", { of: tickets, skipLocked: true });
      for (const ticket of due) {
        const target = await escalationTarget(tx, ticket.branchId);
        const now = new Date();
        await tx
          .update(tickets)
          .set({ escalatedAt: now, escalatedToId: target?.id ?? null, updatedAt: now })
          .where(and(eq(tickets.id, ticket.id), isNull(tickets.escalatedAt)));
        await tx.insert(ticketMessages).values({
          ticketId: ticket.id,
          authorKind: "system",
          internal: true,
          body: systemNote(target ? "tickets.system.escalated" : "tickets.system.escalatedNobody", {
            manager: target?.name ?? "",
            due: ticket.slaDueAt.toISOString(),
          }),
          createdAt: now,
        });
        await audit(tx, { kind: "system" }, {
          action: "ticket.escalated",
          entityType: "ticket",
          entityId: ticket.id,
          data: { to: target?.id ?? null, slaDueAt: ticket.slaDueAt.toISOString() },
        });
        if (target) {
          const timeZone = ticket.timeZone ?? undefined;
          await notifyStaff(tx, runtime, target.id, ticket, "tickets.escalated", (language) => ({
            due: formatDateTime(ticket.slaDueAt, language, timeZone),
          }));
        } else {
          logger?.warn({ ticketId: ticket.id }, "ticket SLA breached but there is no manager or admin to escalate to");
        }
      }
      return due.length;
    });
    total += count;
    if (count < batchSize) break;
  }
  return total;
}
