import type { Database } from "../../../db/client.ts";
import { interactions, type interactionChannels, type interactionDirections } from "../../../db/schema/index.ts";

export interface InteractionInput {
  contactId: string;
  channel: (typeof interactionChannels)[number];
  direction: (typeof interactionDirections)[number];
  subject: string;
  body?: string | null;
  occurredAt?: Date;
  staffUserId?: string | null;
  branchId?: string | null;
  /** The record this touchpoint is about, e.g. "ticket" / "message" / "appointments.visit". */
  sourceType?: string;
  sourceId?: string;
}

/** Puts one touchpoint on a contact's timeline (in the caller's transaction). */
export async function recordInteraction(db: Database, input: InteractionInput) {
  const [row] = await db
    .insert(interactions)
    .values({ ...input, body: input.body ?? null, staffUserId: input.staffUserId ?? null, branchId: input.branchId ?? null })
    .returning({ id: interactions.id });
  return row.id;
}
