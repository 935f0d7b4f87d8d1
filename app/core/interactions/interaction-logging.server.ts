// Staff log a touchpoint by hand (a call, a visit at the counter, a WhatsApp chat, an e-mail, a note).
import { eq } from "drizzle-orm";
import { isUuid } from "../validation/ids.ts";
import type { Database } from "../../../db/client.ts";
import { branches, contacts } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { defaultTimeZone, parseLocalDateTime } from "../time/local-time.ts";
import type { Actor } from "../plugins/contract.ts";
import type { LogInteractionInput } from "./interaction-forms.ts";
import { recordInteraction } from "./interactions.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export type LogInteractionError = "notFound" | "future";

export async function logInteraction(
  db: Database,
  actor: StaffActor,
  contactId: string,
  input: Omit<LogInteractionInput, "intent">,
  options: { now?: Date } = {},
): Promise<{ ok: true; id: string } | { ok: false; error: LogInteractionError }> {
  if (!isUuid(contactId)) return { ok: false, error: "notFound" };
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const [contact] = await tx
      .select({ mergedIntoId: contacts.mergedIntoId, branchId: contacts.branchId, timeZone: branches.timeZone })
      .from(contacts)
      .leftJoin(branches, eq(branches.id, contacts.branchId))
      .where(eq(contacts.id, contactId));
    if (!contact || contact.mergedIntoId) return { ok: false as const, error: "notFound" as const };
    // the form shows the contact's branch clock, as the timeline does
    const occurredAt = input.occurredAt ? parseLocalDateTime(input.occurredAt, contact.timeZone ?? defaultTimeZone) : now;
    // a few minutes of clock skew between the browser and us is fine; tomorrow is not
    if (!occurredAt || occurredAt.getTime() > now.getTime() + 5 * 60_000) {
      return { ok: false as const, error: "future" as const };
    }
    const id = await recordInteraction(tx, {
      contactId,
      channel: input.channel,
      direction: input.direction,
      subject: input.subject,
      body: input.body,
      occurredAt,
      staffUserId: actor.userId,
      branchId: actor.branchId ?? contact.branchId,
    });
    await audit(tx, actor, { action: "interaction.logged", entityType: "contact", entityId: contactId, data: { interactionId: id, channel: input.channel } });
    return { ok: true as const, id };
  });
}
