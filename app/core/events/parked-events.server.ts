// Parked events as admins see them (ADR 023): an event a handler failed on again and again, kept
// aside with its error so delivery goes on; an admin retries one or all of them, and every retry
// is audited with its outcome.
import type { Database } from "../../../db/client.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { EventBus, ParkedEvent } from "./event-bus.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

/** How many characters of a payload the list shows: enough to recognise the event, not a data dump. */
const summaryLength = 160;

export interface ParkedEventRow extends Omit<ParkedEvent, "payload"> {
  /** The payload as compact JSON, cut to a readable length. */
  summary: string;
}

export function payloadSummary(payload: Record<string, unknown>): string {
  const text = JSON.stringify(payload);
  return text.length > summaryLength ? `${text.slice(0, summaryLength - 1)}…` : text;
}

/** Parked events, grouped by subscriber (handler) and oldest first within it. */
export async function listParkedEvents(db: Database, bus: EventBus): Promise<ParkedEventRow[]> {
  const parked = await bus.parked(db, { limit: 500 });
  return parked
    .map(({ payload, ...rest }) => ({ ...rest, summary: payloadSummary(payload) }))
    .sort((a, b) => a.subscriber.localeCompare(b.subscriber) || a.parkedAt.getTime() - b.parkedAt.getTime() || a.eventId - b.eventId);
}

export interface RetryOutcome {
  retried: number;
  succeeded: number;
  /** The events still parked after the retry, with the error they failed with again. */
  failed: { subscriber: string; eventId: number; error: string }[];
}

/** Applies one parked event again (removed from the parking when it succeeds); audited either way. */
export async function retryParkedEvent(db: Database, bus: EventBus, actor: StaffActor, input: { subscriber: string; eventId: number; ip?: string | null }) {
  const result = await bus.retryParked(input.subscriber, input.eventId);
  if (!result.ok && result.error === "not parked") return { ok: false as const, error: "notParked" as const };
  await audit(db, actor, {
    action: "core.event.parked_retried",
    entityType: "domain_event",
    entityId: String(input.eventId),
    data: { subscriber: input.subscriber, ok: result.ok, ...(result.ok ? {} : { error: result.error }) },
    ip: input.ip,
  });
  return { ok: true as const, outcome: { retried: 1, succeeded: result.ok ? 1 : 0, failed: result.ok ? [] : [{ subscriber: input.subscriber, eventId: input.eventId, error: result.error }] } satisfies RetryOutcome };
}

/** Retries every parked event, oldest first per subscriber (so one contact's events keep their order); one audit entry. */
export async function retryAllParkedEvents(db: Database, bus: EventBus, actor: StaffActor, input: { ip?: string | null } = {}): Promise<RetryOutcome> {
  const parked = (await bus.parked(db, { limit: 500 })).sort((a, b) => a.subscriber.localeCompare(b.subscriber) || a.eventId - b.eventId);
  const outcome: RetryOutcome = { retried: 0, succeeded: 0, failed: [] };
  for (const event of parked) {
    const result = await bus.retryParked(event.subscriber, event.eventId);
    if (!result.ok && result.error === "not parked") continue; // retried meanwhile by someone else
    outcome.retried++;
    if (result.ok) outcome.succeeded++;
    else outcome.failed.push({ subscriber: event.subscriber, eventId: event.eventId, error: result.error });
  }
  await audit(db, actor, {
    action: "core.event.parked_retried_all",
    entityType: "domain_event",
    data: { retried: outcome.retried, succeeded: outcome.succeeded, stillParked: outcome.failed.map((f) => ({ subscriber: f.subscriber, eventId: f.eventId })) },
    ip: input.ip,
  });
  return outcome;
}
