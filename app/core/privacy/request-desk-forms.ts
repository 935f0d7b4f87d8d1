// The request desk's forms and the 3 × 24 hour clock, safe for the browser.
import { identityCheckMethods, privacyRequestDecisions } from "../../../db/schema/privacy.ts";
import { z } from "../validation/validation.ts";

export { identityCheckMethods, privacyRequestDecisions };

/** UU PDP Art 14: served within 3 × 24 hours of the request. */
export const requestDeadlineHours = 72;
/** The desk is escalated to the data protection officer when a day is left (48 h after the request). */
export const escalateAfterHours = 48;

export type RequestClockPhase = "running" | "escalated" | "overdue" | "closed";

/** Where a request stands against its deadline at `now`: time left (negative when late) and its phase. */
export function requestClock(request: { dueAt: Date | string; status: string }, now: Date) {
  const remainingMs = new Date(request.dueAt).getTime() - now.getTime();
  const closed = request.status === "completed" || request.status === "refused";
  const phase: RequestClockPhase = closed
    ? "closed"
    : remainingMs <= 0
      ? "overdue"
      : remainingMs <= (requestDeadlineHours - escalateAfterHours) * 3600_000
        ? "escalated"
        : "running";
  const abs = Math.abs(remainingMs);
  return { remainingMs, phase, hours: Math.floor(abs / 3600_000), minutes: Math.floor((abs % 3600_000) / 60_000) };
}

export const identityCheckSchema = z.object({
  intent: z.literal("identity"),
  method: z.enum(identityCheckMethods),
  note: z.string().trim().max(500).optional(),
});

export const decisionSchema = z.object({
  intent: z.literal("decide"),
  decision: z.enum(privacyRequestDecisions),
  reason: z.string().trim().min(3).max(2000),
  /** Only for a deletion request that is (partly) granted. */
  erasure: z.enum(["delete", "anonymise", "none"]).default("none"),
});

export const requestListSchema = z.object({
  status: z.enum(["open", "all", "completed", "refused"]).default("open"),
});
