// What booking, the waitlist and the patient's own actions share about one visit: its settings,
// its event payload, the wording of its messages and the confirmation with its links.
import { eq, sql } from "drizzle-orm";
import type { Actor, Database, PluginServices } from "../../app/plugin-api/index.ts";
import { localDateOf, localTimeOf, zoneAbbreviation, zoneOrDefault } from "../../app/plugin-api/index.ts";
import { pluginSettings, sendToContact } from "../../app/plugin-api/server.ts";
import type { VisitEventV1 } from "./events.ts";
import { createLinks } from "./links.server.ts";
import { appointments, practitioners, services, type appointmentStatuses } from "./schema.ts";
import { pluginId, withDefaults } from "./settings.ts";
import { formatLocalTime } from "../../app/plugin-api/ui.ts";

export type AppointmentStatus = (typeof appointmentStatuses)[number];
export type BookingError = "slotTaken" | "slotUnavailable" | "alreadyBooked" | "notFound" | "tooLate" | "notAllowed" | "blacklisted" | "wrongStatus" | "alreadyWaiting" | "invalid";
export type Result<T> = ({ ok: true } & T) | { ok: false; error: BookingError };

export async function appointmentSettings(db: Database) {
  return withDefaults(await pluginSettings(db, pluginId));
}

export function eventOf(a: typeof appointments.$inferSelect, extra: Partial<VisitEventV1> = {}): VisitEventV1 {
  return {
    version: 1,
    appointmentId: a.id,
    contactId: a.contactId,
    practitionerId: a.practitionerId,
    serviceId: a.serviceId,
    branchId: a.branchId,
    startAt: a.startAt.toISOString(),
    // events are emitted for live visits only, never for a held (proposed) seat
    status: a.status as VisitEventV1["status"],
    sourceType: a.sourceType,
    sourceId: a.sourceId,
    ...extra,
  };
}

export async function messageParams(db: Database, a: typeof appointments.$inferSelect) {
  const [row] = await db
    .select({ service: services.name, practitioner: practitioners.name, tz: sql<string>`(select time_zone from branches where id = ${a.branchId})`, branch: sql<string>`(select name from branches where id = ${a.branchId})` })
    .from(services)
    .innerJoin(practitioners, eq(practitioners.id, a.practitionerId))
    .where(eq(services.id, a.serviceId));
  const tz = zoneOrDefault(row?.tz);
  return {
    service: row?.service ?? "",
    doctor: row?.practitioner ?? "",
    branch: row?.branch ?? "",
    date: localDateOf(a.startAt, tz).split("-").reverse().join("/"),
    // the message is written in the recipient's language: each template takes its own form of the time
    time: `${formatLocalTime(localTimeOf(a.startAt, tz), "id")} ${zoneAbbreviation(tz)}`,
    timeEn: `${formatLocalTime(localTimeOf(a.startAt, tz), "en")} ${zoneAbbreviation(tz)}`,
    queue: a.queueNumber,
  };
}

/** The confirmation (or rescheduled) message, with confirm and cancel links valid until the visit starts. */
export async function sendConfirmation(
  tx: Database,
  services_: PluginServices,
  row: typeof appointments.$inferSelect,
  input: { template: string; params: Record<string, string | number>; actor?: Actor | null },
) {
  const links = await createLinks(tx, services_, row.id, ["confirm", "cancel"], row.startAt);
  const result = await sendToContact(tx, services_.jobs, {
    contactId: row.contactId,
    template: input.template,
    params: { ...input.params, confirmUrl: links.confirm, cancelUrl: links.cancel },
    purpose: "service_messages",
    actor: input.actor ?? null,
    staffUserId: input.actor?.kind === "staff" ? input.actor.userId : null,
  });
  if (result.status === "queued") await tx.update(appointments).set({ confirmationMessageId: result.messageId }).where(eq(appointments.id, row.id));
  return result;
}

