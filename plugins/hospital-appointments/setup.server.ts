// Staff set-up: services (poliklinik), practitioners, weekly schedules, leave and holidays.
import { and, asc, eq, gte, inArray, ne, sql } from "drizzle-orm";
import type { Actor, Database } from "../../app/plugin-api/index.ts";
import { audit } from "../../app/plugin-api/server.ts";
import { branches, users } from "../../app/plugin-api/schema.ts";
import type { exceptionSchema, practitionerSchema, scheduleSchema, serviceSchema } from "./appointment-forms.ts";
import { appointments, practitioners, scheduleExceptions, schedules, services } from "./schema.ts";
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
      .select({ id: services.id, code: services.code, name: services.name, nameEn: services.nameEn, branchId: services.branchId, branchName: branches.name, active: services.active })
      .from(services)
      .innerJoin(branches, eq(branches.id, services.branchId))
      .orderBy(asc(branches.name), asc(services.name)),
    db
      .select({ id: practitioners.id, name: practitioners.name, specialty: practitioners.specialty, nik: practitioners.nik, ihsNumber: practitioners.ihsNumber, userId: practitioners.userId, userName: users.name, email: users.email, active: practitioners.active })
      .from(practitioners)
      .leftJoin(users, eq(users.id, practitioners.userId))
      .orderBy(asc(practitioners.name)),
    db
      .select({
        id: schedules.id,
        practitionerId: schedules.practitionerId,
        serviceId: schedules.serviceId,
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
        practitionerId: scheduleExceptions.practitionerId,
        branchId: scheduleExceptions.branchId,
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
    .values({ name: input.name, specialty: input.specialty || null, userId: input.userId || null, nik: input.nik || null, ihsNumber: input.ihsNumber || null })
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

// ---- editing and removing set-up (history is never lost) ----

export type SetupError = "notFound" | "codeTaken" | "userTaken";
export type SetupResult =
  | { ok: true; outcome: "updated" | "deleted" | "deactivated" | "activated"; kept?: number }
  | { ok: false; error: SetupError };

const fail = (error: SetupError) => ({ ok: false as const, error });

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return typeof e.code === "string" ? e.code : typeof e.cause?.code === "string" ? e.cause.code : undefined;
}

/**
 * Deletes a row that nothing points at, or else keeps it and switches it off. Whatever points at
 * it (appointments, waitlist entries, or a table added later) is found by the database's foreign
 * keys, not by a list here that could go stale; the savepoint keeps the caller's transaction usable.
 */
async function deleteOrDeactivate(tx: Database, remove: (db: Database) => Promise<unknown>, deactivate: (db: Database) => Promise<unknown>) {
  try {
    await tx.transaction(async (sp) => {
      await remove(sp);
    });
    return "deleted" as const;
  } catch (error) {
    if (errorCode(error) !== "23503") throw error;
    await deactivate(tx);
    return "deactivated" as const;
  }
}

/** Live visits from `today` on that would have come from a schedule (same doctor, clinic and weekday). */
async function liveVisitsOf(db: Database, schedule: { practitionerId: string; serviceId: string; weekday: number }, today: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(appointments)
    .where(
      and(
        eq(appointments.practitionerId, schedule.practitionerId),
        eq(appointments.serviceId, schedule.serviceId),
        gte(appointments.localDate, today),
        inArray(appointments.status, ["booked", "arrived"]),
        sql`extract(isodow from ${appointments.localDate}) = ${schedule.weekday}`,
      ),
    );
  return row?.n ?? 0;
}

export async function updateService(db: Database, actor: Staff, input: { serviceId: string; code: string; name: string; nameEn?: string }): Promise<SetupResult> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(services).where(eq(services.id, input.serviceId)).for("update");
    if (!before) return fail("notFound");
    const [clash] = await tx
      .select({ id: services.id })
      .from(services)
      .where(and(eq(services.branchId, before.branchId), eq(services.code, input.code), ne(services.id, before.id)));
    if (clash) return fail("codeTaken");
    const after = { code: input.code, name: input.name, nameEn: input.nameEn || null };
    await tx.update(services).set(after).where(eq(services.id, before.id));
    await audit(tx, actor, {
      action: "appointments.service_updated",
      entityType: "hospital-appointments.service",
      entityId: before.id,
      data: { before: { code: before.code, name: before.name, nameEn: before.nameEn }, after },
    });
    return { ok: true as const, outcome: "updated" as const };
  });
}

/** Deletes a clinic nobody has booked or waited for; one with history is deactivated instead (no new bookings). */
export async function removeService(db: Database, actor: Staff, serviceId: string): Promise<SetupResult> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(services).where(eq(services.id, serviceId)).for("update");
    if (!before) return fail("notFound");
    const outcome = await deleteOrDeactivate(
      tx,
      (sp) => sp.delete(services).where(eq(services.id, serviceId)),
      (d) => d.update(services).set({ active: false }).where(eq(services.id, serviceId)),
    );
    await audit(tx, actor, {
      action: outcome === "deleted" ? "appointments.service_deleted" : "appointments.service_deactivated",
      entityType: "hospital-appointments.service",
      entityId: serviceId,
      data: { code: before.code, name: before.name, branchId: before.branchId },
    });
    return { ok: true as const, outcome };
  });
}

export async function activateService(db: Database, actor: Staff, serviceId: string): Promise<SetupResult> {
  const [row] = await db.update(services).set({ active: true }).where(eq(services.id, serviceId)).returning({ id: services.id });
  if (!row) return fail("notFound");
  await audit(db, actor, { action: "appointments.service_activated", entityType: "hospital-appointments.service", entityId: serviceId });
  return { ok: true, outcome: "activated" };
}

export async function updatePractitioner(
  db: Database,
  actor: Staff,
  input: { practitionerId: string; name: string; specialty?: string; userId?: string; nik?: string; ihsNumber?: string },
): Promise<SetupResult> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(practitioners).where(eq(practitioners.id, input.practitionerId)).for("update");
    if (!before) return fail("notFound");
    const userId = input.userId || null;
    if (userId) {
      const [staffUser] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, userId), eq(users.kind, "staff")));
      if (!staffUser) return fail("notFound");
      const [clash] = await tx.select({ id: practitioners.id }).from(practitioners).where(and(eq(practitioners.userId, userId), ne(practitioners.id, before.id)));
      if (clash) return fail("userTaken");
    }
    const after = { name: input.name, specialty: input.specialty || null, userId, nik: input.nik || null, ihsNumber: input.ihsNumber || null };
    await tx.update(practitioners).set(after).where(eq(practitioners.id, before.id));
    await audit(tx, actor, {
      action: "appointments.practitioner_updated",
      entityType: "hospital-appointments.practitioner",
      entityId: before.id,
      // the NIK itself stays out of the audit log: only whether it changed
      data: {
        before: { name: before.name, specialty: before.specialty, userId: before.userId, ihsNumber: before.ihsNumber },
        after: { name: after.name, specialty: after.specialty, userId: after.userId, ihsNumber: after.ihsNumber },
        nikChanged: (before.nik ?? null) !== after.nik,
      },
    });
    return { ok: true as const, outcome: "updated" as const };
  });
}

/** Deletes a doctor with no visits (their schedules and leave go with them); one with history is deactivated. */
export async function removePractitioner(db: Database, actor: Staff, practitionerId: string): Promise<SetupResult> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(practitioners).where(eq(practitioners.id, practitionerId)).for("update");
    if (!before) return fail("notFound");
    const outcome = await deleteOrDeactivate(
      tx,
      (sp) => sp.delete(practitioners).where(eq(practitioners.id, practitionerId)),
      (d) => d.update(practitioners).set({ active: false }).where(eq(practitioners.id, practitionerId)),
    );
    await audit(tx, actor, {
      action: outcome === "deleted" ? "appointments.practitioner_deleted" : "appointments.practitioner_deactivated",
      entityType: "hospital-appointments.practitioner",
      entityId: practitionerId,
      data: { name: before.name, specialty: before.specialty, userId: before.userId },
    });
    return { ok: true as const, outcome };
  });
}

export async function activatePractitioner(db: Database, actor: Staff, practitionerId: string): Promise<SetupResult> {
  const [row] = await db.update(practitioners).set({ active: true }).where(eq(practitioners.id, practitionerId)).returning({ id: practitioners.id });
  if (!row) return fail("notFound");
  await audit(db, actor, { action: "appointments.practitioner_activated", entityType: "hospital-appointments.practitioner", entityId: practitionerId });
  return { ok: true, outcome: "activated" };
}

const scheduleColumns = {
  practitionerId: schedules.practitionerId,
  serviceId: schedules.serviceId,
  weekday: schedules.weekday,
  startTime: schedules.startTime,
  endTime: schedules.endTime,
  breakStart: schedules.breakStart,
  breakEnd: schedules.breakEnd,
  slotMinutes: schedules.slotMinutes,
  capacity: schedules.capacity,
};

/**
 * Changes a weekly schedule. Visits already booked keep their times (they are stored, not derived);
 * `kept` says how many live ones from today on came from the old version, for staff to check.
 */
export async function updateSchedule(db: Database, actor: Staff, input: Omit<z.infer<typeof scheduleSchema>, "intent"> & { scheduleId: string }, today: string): Promise<SetupResult> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select(scheduleColumns)
      .from(schedules)
      .where(and(eq(schedules.id, input.scheduleId), eq(schedules.active, true)))
      .for("update");
    if (!before) return fail("notFound");
    const [service] = await tx.select({ branchId: services.branchId }).from(services).where(eq(services.id, input.serviceId));
    const [doctor] = await tx.select({ id: practitioners.id }).from(practitioners).where(eq(practitioners.id, input.practitionerId));
    if (!service || !doctor) return fail("notFound");
    const after = {
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
    };
    await tx.update(schedules).set(after).where(eq(schedules.id, input.scheduleId));
    const kept = await liveVisitsOf(tx, before, today);
    await audit(tx, actor, { action: "appointments.schedule_updated", entityType: "hospital-appointments.schedule", entityId: input.scheduleId, data: { before, after, kept } });
    return { ok: true as const, outcome: "updated" as const, kept };
  });
}

/** Ends a weekly schedule: kept (inactive), not deleted, so booked visits stay explainable; booked ones stay booked. */
export async function removeSchedule(db: Database, actor: Staff, scheduleId: string, today: string): Promise<SetupResult> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .update(schedules)
      .set({ active: false })
      .where(and(eq(schedules.id, scheduleId), eq(schedules.active, true)))
      .returning(scheduleColumns);
    if (!before) return fail("notFound");
    const kept = await liveVisitsOf(tx, before, today);
    await audit(tx, actor, { action: "appointments.schedule_removed", entityType: "hospital-appointments.schedule", entityId: scheduleId, data: { before, kept } });
    return { ok: true as const, outcome: "deactivated" as const, kept };
  });
}

export async function updateException(db: Database, actor: Staff, input: Omit<z.infer<typeof exceptionSchema>, "intent"> & { exceptionId: string }): Promise<SetupResult> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(scheduleExceptions).where(eq(scheduleExceptions.id, input.exceptionId)).for("update");
    if (!before) return fail("notFound");
    const after = {
      kind: input.kind,
      practitionerId: input.kind === "leave" ? input.practitionerId! : null,
      branchId: input.kind === "holiday" ? input.branchId! : null,
      startDate: input.startDate,
      endDate: input.endDate,
      reason: input.reason || null,
    };
    await tx.update(scheduleExceptions).set(after).where(eq(scheduleExceptions.id, before.id));
    await audit(tx, actor, {
      action: "appointments.exception_updated",
      entityType: "hospital-appointments.exception",
      entityId: before.id,
      data: { before: { kind: before.kind, practitionerId: before.practitionerId, branchId: before.branchId, startDate: before.startDate, endDate: before.endDate, reason: before.reason }, after },
    });
    return { ok: true as const, outcome: "updated" as const };
  });
}

/** Deletes leave or a holiday (nothing points at it; the audit entry keeps what it was). */
export async function removeException(db: Database, actor: Staff, exceptionId: string): Promise<SetupResult> {
  return db.transaction(async (tx) => {
    const [before] = await tx.delete(scheduleExceptions).where(eq(scheduleExceptions.id, exceptionId)).returning();
    if (!before) return fail("notFound");
    await audit(tx, actor, {
      action: "appointments.exception_deleted",
      entityType: "hospital-appointments.exception",
      entityId: exceptionId,
      data: { kind: before.kind, practitionerId: before.practitionerId, branchId: before.branchId, startDate: before.startDate, endDate: before.endDate, reason: before.reason },
    });
    return { ok: true as const, outcome: "deleted" as const };
  });
}
