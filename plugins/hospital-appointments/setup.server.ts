// Staff set-up: services (poliklinik), practitioners, weekly schedules, leave and holidays.
import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { Actor, Database } from "../../app/plugin-api/index.ts";
import { audit } from "../../app/plugin-api/server.ts";
import { branches, users } from "../../app/plugin-api/schema.ts";
import type { exceptionSchema, practitionerSchema, scheduleSchema, serviceSchema } from "./appointment-forms.ts";
import { practitioners, scheduleExceptions, schedules, services } from "./schema.ts";
import type { z } from "../../app/plugin-api/index.ts";

type Staff = Extract<Actor, { kind: "staff" }>;

export async function hospitalBranches(db: Database) {
  return db
    .select({ id: branches.id, code: branches.code, name: branches.name, timeZone: branches.timeZone })
    .from(branches)
    .where(and(eq(branches.kind, "hospital"), eq(branches.active, true)))
    .orderBy(asc(branches.name));
}

export async function setupOverview(db: Database, today: string) {
  const [serviceRows, practitionerRows, scheduleRows, exceptionRows, doctorUsers] = await Promise.all([
    db
      .select({ id: services.id, code: services.code, name: services.name, branchName: branches.name, active: services.active })
      .from(services)
      .innerJoin(branches, eq(branches.id, services.branchId))
      .orderBy(asc(branches.name), asc(services.name)),
    db
      .select({ id: practitioners.id, name: practitioners.name, specialty: practitioners.specialty, email: users.email, active: practitioners.active })
      .from(practitioners)
      .leftJoin(users, eq(users.id, practitioners.userId))
      .orderBy(asc(practitioners.name)),
    db
      .select({
        id: schedules.id,
        practitionerName: practitioners.name,
        serviceName: services.name,
        weekday: schedules.weekday,
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
      .where(eq(schedules.active, true))
      .orderBy(asc(practitioners.name), asc(schedules.weekday), asc(schedules.startTime)),
    db
      .select({
        id: scheduleExceptions.id,
        kind: scheduleExceptions.kind,
        startDate: scheduleExceptions.startDate,
        endDate: scheduleExceptions.endDate,
        reason: scheduleExceptions.reason,
        practitionerName: practitioners.name,
        branchName: branches.name,
      })
      .from(scheduleExceptions)
      .leftJoin(practitioners, eq(practitioners.id, scheduleExceptions.practitionerId))
      .leftJoin(branches, eq(branches.id, scheduleExceptions.branchId))
      .where(gte(scheduleExceptions.endDate, today))
      .orderBy(asc(scheduleExceptions.startDate)),
    db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(and(eq(users.kind, "staff"), eq(users.active, true), sql`not exists (select 1 from ${practitioners} p where p.user_id = ${users.id})`))
      .orderBy(asc(users.name)),
  ]);
  return { services: serviceRows, practitioners: practitionerRows, schedules: scheduleRows, exceptions: exceptionRows, doctorUsers };
}

export async function createService(db: Database, actor: Staff, input: z.infer<typeof serviceSchema>) {
  const [row] = await db
    .insert(services)
    .values({ branchId: input.branchId, code: input.code, name: input.name, nameEn: input.nameEn || null })
    .onConflictDoNothing()
    .returning({ id: services.id });
  if (!row) return { ok: false as const, error: "codeTaken" as const };
  await audit(db, actor, { action: "appointments.service_created", entityType: "hospital-appointments.service", entityId: row.id });
  return { ok: true as const, id: row.id };
}

export async function createPractitioner(db: Database, actor: Staff, input: z.infer<typeof practitionerSchema>) {
  const [row] = await db
    .insert(practitioners)
    .values({ name: input.name, specialty: input.specialty || null, userId: input.userId || null })
    .onConflictDoNothing()
    .returning({ id: practitioners.id });
  if (!row) return { ok: false as const, error: "userTaken" as const };
  await audit(db, actor, { action: "appointments.practitioner_created", entityType: "hospital-appointments.practitioner", entityId: row.id });
  return { ok: true as const, id: row.id };
}

export async function createSchedule(db: Database, actor: Staff, input: z.infer<typeof scheduleSchema>) {
  const [service] = await db.select({ branchId: services.branchId }).from(services).where(eq(services.id, input.serviceId));
  if (!service) return { ok: false as const, error: "notFound" as const };
  const [row] = await db
    .insert(schedules)
    .values({
      practitionerId: input.practitionerId,
      serviceId: input.serviceId,
      branchId: service.branchId,
      weekday: input.weekday,
      startTime: input.startTime,
      endTime: input.endTime,
      breakStart: input.breakStart || null,
      breakEnd: input.breakEnd || null,
      slotMinutes: input.slotMinutes,
      capacity: input.capacity,
    })
    .returning({ id: schedules.id });
  await audit(db, actor, { action: "appointments.schedule_created", entityType: "hospital-appointments.schedule", entityId: row.id });
  return { ok: true as const, id: row.id };
}

export async function removeSchedule(db: Database, actor: Staff, scheduleId: string) {
  // kept, not deleted: booked visits stay explainable
  await db.update(schedules).set({ active: false }).where(eq(schedules.id, scheduleId));
  await audit(db, actor, { action: "appointments.schedule_removed", entityType: "hospital-appointments.schedule", entityId: scheduleId });
}

export async function createException(db: Database, actor: Staff, input: z.infer<typeof exceptionSchema>) {
  const [row] = await db
    .insert(scheduleExceptions)
    .values({
      kind: input.kind,
      practitionerId: input.kind === "leave" ? input.practitionerId! : null,
      branchId: input.kind === "holiday" ? input.branchId! : null,
      startDate: input.startDate,
      endDate: input.endDate,
      reason: input.reason || null,
      createdBy: actor.userId,
    })
    .returning({ id: scheduleExceptions.id });
  await audit(db, actor, { action: "appointments.exception_created", entityType: "hospital-appointments.exception", entityId: row.id });
  return { ok: true as const, id: row.id };
}
