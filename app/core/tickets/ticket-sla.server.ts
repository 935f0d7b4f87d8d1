import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import type { Actor } from "../plugins/contract.ts";
import { readSetting, writeSetting } from "../settings/app-settings.server.ts";
import type { TicketPriority } from "./ticket-forms.ts";

/** Setting key of the resolution targets, in hours per priority. */
export const ticketSlaSettingKey = "tickets.sla";

const hours = (fallback: number) => z.number().positive().max(24 * 90).default(fallback);

/** Hours from opening until a ticket must be resolved, per priority; admins may change them. */
export const ticketSlaSchema = z.object({
  urgent: hours(4),
  high: hours(8),
  normal: hours(24),
  low: hours(72),
});
export type TicketSla = z.infer<typeof ticketSlaSchema>;

export function readTicketSla(db: Database): Promise<TicketSla> {
  return readSetting(db, ticketSlaSettingKey, ticketSlaSchema);
}

/** Setting key of the first-response targets, in hours per priority. */
export const ticketFirstResponseSettingKey = "tickets.firstResponse";

/** Hours from opening until the first staff reply is due, per priority; admins may change them. */
export const ticketFirstResponseSchema = z.object({
  urgent: hours(1),
  high: hours(2),
  normal: hours(4),
  low: hours(24),
});
export type TicketFirstResponse = z.infer<typeof ticketFirstResponseSchema>;

export function readTicketFirstResponse(db: Database): Promise<TicketFirstResponse> {
  return readSetting(db, ticketFirstResponseSettingKey, ticketFirstResponseSchema);
}

/** Setting key of how long a resolved ticket waits for the requester before it closes by itself. */
export const ticketAutoCloseSettingKey = "tickets.autoClose";

/** Days a resolved ticket stays open for the requester to reply or rate; 0 keeps it open until staff close it. */
export const ticketAutoCloseSchema = z.object({ afterDays: z.number().int().min(0).max(90).default(7) });
export type TicketAutoClose = z.infer<typeof ticketAutoCloseSchema>;

export function readTicketAutoClose(db: Database): Promise<TicketAutoClose> {
  return readSetting(db, ticketAutoCloseSettingKey, ticketAutoCloseSchema);
}

/** When a ticket opened at `openedAt` breaches its SLA. */
export function slaDueAt(openedAt: Date, priority: TicketPriority, sla: TicketSla) {
  return new Date(openedAt.getTime() + sla[priority] * 3600_000);
}

/** When the first reply to a ticket opened at `openedAt` is due. */
export function firstResponseDueAt(openedAt: Date, priority: TicketPriority, targets: TicketFirstResponse) {
  return new Date(openedAt.getTime() + targets[priority] * 3600_000);
}

/** Saves the SLA and first-response targets and the auto-close delay together; new tickets get the new targets. */
export async function saveTicketPolicy(db: Database, actor: Actor, input: { sla: TicketSla; firstResponse: TicketFirstResponse; autoClose: TicketAutoClose }) {
  await db.transaction(async (tx) => {
    await writeSetting(tx, actor, ticketSlaSettingKey, ticketSlaSchema.parse(input.sla));
    await writeSetting(tx, actor, ticketFirstResponseSettingKey, ticketFirstResponseSchema.parse(input.firstResponse));
    await writeSetting(tx, actor, ticketAutoCloseSettingKey, ticketAutoCloseSchema.parse(input.autoClose));
  });
}
