import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import { readSetting } from "../settings/app-settings.server.ts";
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

/** When a ticket opened at `openedAt` breaches its SLA. */
export function slaDueAt(openedAt: Date, priority: TicketPriority, sla: TicketSla) {
  return new Date(openedAt.getTime() + sla[priority] * 3600_000);
}
