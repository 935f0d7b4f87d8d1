// Slots are computed from weekly schedules minus leave and holidays; free places come from the
// live appointments in one SQL round trip. Nothing is materialised, so a schedule change applies at once.
import { and, eq, gte, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { Database } from "../../app/plugin-api/index.ts";
import { branches } from "../../app/plugin-api/schema.ts";
import { appointments, practitioners, scheduleExceptions, schedules, services } from "./schema.ts";
import { isLocalDate, isoWeekday, minutesOf, timeOfMinutes, zonedInstant, type TimeZone, isUuid } from "../../app/plugin-api/index.ts";

export interface Slot {
  practitionerId: string;
  practitionerName: string;
  serviceId: string;
  branchId: string;
  startAt: Date;
  endAt: Date;
  capacity: number;
  taken: number;
  /** Queue number of this slot's first seat in the practitioner's day. */
  firstQueueNumber: number;
}


export async function serviceWithZone(db: Database, serviceId: string) {
  if (!isUuid(serviceId)) return null;
  const [row] = await db
    .select({ id: services.id, name: services.name, nameEn: services.nameEn, branchId: services.branchId, active: services.active, timeZone: branches.timeZone, branchName: branches.name })
    .from(services)
    .innerJoin(branches, eq(branches.id, services.branchId))
    .where(eq(services.id, serviceId));
  return row ? { ...row, timeZone: row.timeZone as TimeZone } : null;
}

/** The slots one practitioner works on a date (all services), in order: the basis of queue numbers. */
function slotsOfSchedules(
  rows: { practitionerId: string; practitionerName: string; serviceId: string; branchId: string; startTime: string; endTime: string; breakStart: string | null; breakEnd: string | null; slotMinutes: number; capacity: number }[],
  date: string,
  tz: TimeZone,
) {
  const out: Omit<Slot, "taken" | "firstQueueNumber">[] = [];
  for (const s of rows) {
    const end = minutesOf(s.endTime);
    const breakStart = s.breakStart ? minutesOf(s.breakStart) : null;
    const breakEnd = s.breakEnd ? minutesOf(s.breakEnd) : null;
    for (let m = minutesOf(s.startTime); m + s.slotMinutes <= end; m += s.slotMinutes) {
      if (breakStart !== null && breakEnd !== null && m < breakEnd && m + s.slotMinutes > breakStart) continue;
      out.push({
        practitionerId: s.practitionerId,
        practitionerName: s.practitionerName,
        serviceId: s.serviceId,
        branchId: s.branchId,
        startAt: zonedInstant(date, timeOfMinutes(m), tz),
        endAt: zonedInstant(date, timeOfMinutes(m + s.slotMinutes), tz),
        capacity: s.capacity,
      });
    }
  }
  return out.sort((a, b) => a.startAt.getTime() - b.startAt.getTime() || a.practitionerId.localeCompare(b.practitionerId));
}

/**
 * Every slot on `date` (branch-local) of the practitioners working for the service — or of the
 * given practitioners — with how many places are taken. Leave and branch holidays remove the day.
 */
export async function daySlots(db: Database, input: { date: string; tz: TimeZone; serviceId?: string; practitionerIds?: string[]; branchId?: string }) {
  if (!isLocalDate(input.date)) return [];
  const weekday = isoWeekday(input.date);
  const conditions = [
    eq(schedules.weekday, weekday),
    eq(schedules.active, true),
    eq(practitioners.active, true),
    eq(services.active, true),
    or(isNull(schedules.validFrom), lte(schedules.validFrom, input.date)),
    or(isNull(schedules.validUntil), gte(schedules.validUntil, input.date)),
    // no leave of the practitioner, no holiday of the branch, on that date
    sql`not exists (select 1 from ${scheduleExceptions} e where ${input.date}::date between e.start_date and e.end_date
        and (e.practitioner_id = ${schedules.practitionerId} or e.branch_id = ${schedules.branchId}))`,
  ];
  if (input.branchId) conditions.push(eq(schedules.branchId, input.branchId));
  if (input.practitionerIds) {
    if (input.practitionerIds.length === 0) return [];
    conditions.push(inArray(schedules.practitionerId, input.practitionerIds));
  } else if (input.serviceId) {
    // the practitioners of the service, with all their schedules that day (queue numbers span services)
    conditions.push(sql`${schedules.practitionerId} in (select practitioner_id from ${schedules} where service_id = ${input.serviceId} and weekday = ${weekday} and active)`);
  }
  const rows = await db
    .select({
      practitionerId: schedules.practitionerId,
      practitionerName: practitioners.name,
      serviceId: schedules.serviceId,
      branchId: schedules.branchId,
      startTime: schedules.startTime,
      endTime: schedules.endTime,
      breakStart: schedules.breakStart,
      breakEnd: schedules.breakEnd,
      slotMinutes: schedules.slotMinutes,
      capacity: schedules.capacity,
    })
    .from(schedules)
    .innerJoin(practitioners, eq(practitioners.id, schedules.practitionerId))
    .innerJoin(services, eq(services.id, schedules.serviceId))
    .where(and(...conditions));
  const slots = slotsOfSchedules(rows, input.date, input.tz);
  const ids = [...new Set(slots.map((s) => s.practitionerId))];
  const taken = ids.length
    ? await db
        .select({ practitionerId: appointments.practitionerId, startAt: appointments.startAt, n: sql<number>`count(*)::int` })
        .from(appointments)
        .where(and(inArray(appointments.practitionerId, ids), eq(appointments.localDate, input.date), ne(appointments.status, "cancelled")))
        .groupBy(appointments.practitionerId, appointments.startAt)
    : [];
  const takenBy = new Map(taken.map((t) => [`${t.practitionerId}|${new Date(t.startAt).getTime()}`, Number(t.n)]));
  const counters = new Map<string, number>();
  return slots.map((s) => {
    const before = counters.get(s.practitionerId) ?? 0;
    counters.set(s.practitionerId, before + s.capacity);
    return { ...s, taken: takenBy.get(`${s.practitionerId}|${s.startAt.getTime()}`) ?? 0, firstQueueNumber: before + 1 };
  });
}

/** Free slots for a service on a date, optionally of one practitioner, not in the past. */
export async function freeSlots(db: Database, input: { serviceId: string; practitionerId?: string | null; date: string; now?: Date }) {
  const service = await serviceWithZone(db, input.serviceId);
  if (!service || !service.active) return { service: null, slots: [] as Slot[] };
  const now = input.now ?? new Date();
  const all = await daySlots(db, { date: input.date, tz: service.timeZone, serviceId: service.id });
  const slots = all.filter(
    (s) => s.serviceId === service.id && s.taken < s.capacity && s.startAt > now && (!input.practitionerId || s.practitionerId === input.practitionerId),
  );
  return { service, slots };
}

/** Active practitioners with a schedule for the service. */
export async function practitionersOfService(db: Database, serviceId: string) {
  if (!isUuid(serviceId)) return [];
  return db
    .selectDistinct({ id: practitioners.id, name: practitioners.name, specialty: practitioners.specialty })
    .from(practitioners)
    .innerJoin(schedules, eq(schedules.practitionerId, practitioners.id))
    .where(and(eq(schedules.serviceId, serviceId), eq(schedules.active, true), eq(practitioners.active, true)))
    .orderBy(practitioners.name);
}

export async function activeServices(db: Database) {
  return db
    .select({ id: services.id, code: services.code, name: services.name, nameEn: services.nameEn, branchId: services.branchId, branchName: branches.name, timeZone: branches.timeZone })
    .from(services)
    .innerJoin(branches, eq(branches.id, services.branchId))
    .where(eq(services.active, true))
    .orderBy(branches.name, services.name);
}

export { timeOfMinutes };
