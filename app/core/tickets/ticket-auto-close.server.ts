// Closing resolved tickets the requester never came back to: a cron job, so a ticket does not sit
// "resolved" for ever when nobody rates it. Closing asks a customer for a rating, as staff closing does.
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { ticketMessages, tickets } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { JobSender } from "../messaging/email.server.ts";
import { requestSurvey } from "../surveys/surveys.server.ts";
import { systemNote } from "./ticket-escalation.server.ts";
import { readTicketAutoClose } from "./ticket-sla.server.ts";

export const ticketAutoCloseQueue = "core.tickets.auto-close";
/** Every hour at :17 (UTC cron, as all schedules); a day's precision is all the setting asks for. */
export const ticketAutoCloseCron = "17 * * * *";

const batchSize = 50;

/** Closes every ticket resolved more than the configured days ago; returns how many. Safe to run concurrently. */
export async function closeStaleResolvedTickets(db: Database, jobs: JobSender, now = new Date()) {
  const { afterDays } = await readTicketAutoClose(db);
  if (afterDays === 0) return 0;
  const cutoff = new Date(now.getTime() - afterDays * 86_400_000);
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const stale = await tx
        .select({
          id: tickets.id,
          contactId: tickets.contactId,
          partnerOrgId: tickets.partnerOrgId,
          branchId: tickets.branchId,
          assigneeId: tickets.assigneeId,
          satisfaction: tickets.satisfaction,
        })
        .from(tickets)
        .where(and(eq(tickets.status, "resolved"), lt(tickets.resolvedAt, cutoff)))
        .orderBy(asc(tickets.resolvedAt))
        .limit(batchSize)
        .for("update", { of: tickets, skipLocked: true });
      for (const ticket of stale) {
        await tx.update(tickets).set({ status: "closed", closedAt: now, updatedAt: now }).where(eq(tickets.id, ticket.id));
        await tx.insert(ticketMessages).values({
          ticketId: ticket.id,
          authorKind: "system",
          internal: false,
          body: systemNote("tickets.system.autoClosed", { days: String(afterDays) }),
          createdAt: now,
        });
        await audit(tx, { kind: "system" }, {
          action: "ticket.status_changed",
          entityType: "ticket",
          entityId: ticket.id,
          data: { from: "resolved", to: "closed", automatic: true, afterDays },
        });
        if (ticket.contactId && !ticket.partnerOrgId && !ticket.satisfaction) {
          await requestSurvey(tx, jobs, {
            contactId: ticket.contactId,
            sourceType: "ticket",
            sourceId: ticket.id,
            branchId: ticket.branchId,
            staffUserId: ticket.assigneeId,
          });
        }
      }
      return stale.length;
    });
    total += count;
    if (count < batchSize) break;
  }
  return total;
}

/** How many resolved tickets the next run would close: shown on the settings page. */
export async function countStaleResolvedTickets(db: Database, afterDays: number) {
  if (afterDays === 0) return 0;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.status, "resolved"), lt(tickets.resolvedAt, sql`now() - make_interval(days => ${afterDays})`), isNull(tickets.closedAt)));
  return row?.n ?? 0;
}
