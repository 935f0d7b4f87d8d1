// Read-only FHIR R4 for the appointments plugin: Practitioner, Schedule, Slot and Appointment,
// served by the core at /fhir/r4 through the `fhirResources` extension point. Times are UTC.
// Slots are computed from the weekly schedules (as the booking pages do); a Slot's Schedule is
// the practitioner's whole timetable, so Schedule ids are practitioner ids.
import { and, asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database, FhirContext, FhirResource, FhirResourceProvider, FhirSearch } from "../../app/plugin-api/index.ts";
import { contacts, branches } from "../../app/plugin-api/schema.ts";
import {
  anyOf,
  dateBounds,
  dateCondition,
  dateMatches,
  FhirSearchError,
  fhirInstant,
  orValues,
  parseDateParam,
  parseToken,
  referenceId,
} from "../../app/plugin-api/server.ts";
import { daySlots } from "./availability.server.ts";
import { appointmentStatuses, appointments, practitioners, schedules, services } from "./schema.ts";
import { addDays, localDateOf, type BranchTimeZone } from "./zone.ts";

/** SATUSEHAT's system for a practitioner's IHS number. */
const ihsSystem = "https://fhir.kemkes.go.id/id/nakes-his-number";
/** Our own code systems and identifier systems (SATUSEHAT has none for these). */
const serviceSystem = "https://nusa-crm.id/fhir/CodeSystem/poli";
const queueNumberSystem = "https://nusa-crm.id/fhir/sid/queue-number";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (v: string) => uuidPattern.test(v);
/** A uuid condition from reference values: an id that cannot exist matches nobody. */
function idsCondition(column: Parameters<typeof eq>[0], raw: string, type: string): SQL {
  const ids = orValues(raw).map((v) => referenceId(v, type)).filter(isUuid);
  return ids.length ? inArray(column, ids) : sql`false`;
}

function serviceConcept(s: { code: string; name: string }) {
  return { coding: [{ system: serviceSystem, code: s.code, display: s.name }], text: s.name };
}

// ---- Practitioner -------------------------------------------------------------------------------

const practitionerColumns = { id: practitioners.id, name: practitioners.name, specialty: practitioners.specialty, ihsNumber: practitioners.ihsNumber, active: practitioners.active };
type PractitionerRow = { id: string; name: string; specialty: string | null; ihsNumber: string | null; active: boolean };

function toPractitioner(p: PractitionerRow): FhirResource {
  return {
    resourceType: "Practitioner",
    id: p.id,
    ...(p.ihsNumber ? { identifier: [{ use: "official", system: ihsSystem, value: p.ihsNumber }] } : {}),
    active: p.active,
    name: [{ use: "official", text: p.name }],
    ...(p.specialty ? { qualification: [{ code: { text: p.specialty } }] } : {}),
  };
}

const practitionerProvider: FhirResourceProvider = {
  searchParams: [
    { name: "_id", type: "token" },
    { name: "identifier", type: "token", documentation: `IHS number: ${ihsSystem}|<number>` },
    { name: "name", type: "string", documentation: "Name or a word of it starts with the value" },
    { name: "active", type: "token", documentation: "true or false" },
  ],
  async read(id, ctx) {
    if (!isUuid(id)) return null;
    const [row] = await ctx.db.select(practitionerColumns).from(practitioners).where(eq(practitioners.id, id));
    return row ? toPractitioner(row) : null;
  },
  async search(query, ctx) {
    const where: SQL[] = [];
    for (const raw of query.params._id ?? []) where.push(idsCondition(practitioners.id, raw, "Practitioner"));
    for (const raw of query.params.identifier ?? []) {
      where.push(
        anyOf(orValues(raw), (v) => {
          const { system, code } = parseToken(v);
          if (!code || (system !== undefined && system !== ihsSystem)) return sql`false`;
          return eq(practitioners.ihsNumber, code);
        }) ?? sql`false`,
      );
    }
    for (const raw of query.params.name ?? []) {
      const like = raw.replace(/[\\%_]/g, (c) => `\\${c}`);
      where.push(sql`(${practitioners.name} ilike ${`${like}%`} or ${practitioners.name} ilike ${`% ${like}%`})`);
    }
    for (const raw of query.params.active ?? []) {
      if (raw !== "true" && raw !== "false") throw new FhirSearchError(`active must be true or false, not "${raw}"`);
      where.push(eq(practitioners.active, raw === "true"));
    }
    const cond = where.length ? and(...where) : undefined;
    const [[{ total }], rows] = await Promise.all([
      ctx.db.select({ total: count() }).from(practitioners).where(cond),
      ctx.db.select(practitionerColumns).from(practitioners).where(cond).orderBy(asc(practitioners.name), asc(practitioners.id)).limit(query.count).offset(query.offset),
    ]);
    return { total: Number(total), resources: rows.map(toPractitioner) };
  },
};

// ---- Schedule (one per practitioner) -------------------------------------------------------------

async function toSchedules(db: Database, rows: PractitionerRow[]): Promise<FhirResource[]> {
  if (rows.length === 0) return [];
  const offered = await db
    .selectDistinct({ practitionerId: schedules.practitionerId, code: services.code, name: services.name })
    .from(schedules)
    .innerJoin(services, eq(services.id, schedules.serviceId))
    .where(and(inArray(schedules.practitionerId, rows.map((r) => r.id)), eq(schedules.active, true), eq(services.active, true)))
    .orderBy(asc(services.name));
  return rows.map((p) => {
    const mine = offered.filter((o) => o.practitionerId === p.id);
    return {
      resourceType: "Schedule",
      id: p.id,
      active: p.active,
      ...(mine.length ? { serviceType: mine.map(serviceConcept) } : {}),
      actor: [{ reference: `Practitioner/${p.id}`, display: p.name }],
      comment: "Weekly timetable of the practitioner; its slots are listed at Slot?schedule=Schedule/<id>.",
    };
  });
}

const scheduleProvider: FhirResourceProvider = {
  searchParams: [
    { name: "_id", type: "token" },
    { name: "actor", type: "reference", documentation: "Practitioner/<id>" },
    { name: "active", type: "token" },
  ],
  async read(id, ctx) {
    if (!isUuid(id)) return null;
    const rows = await ctx.db.select(practitionerColumns).from(practitioners).where(eq(practitioners.id, id));
    return (await toSchedules(ctx.db, rows))[0] ?? null;
  },
  async search(query, ctx) {
    const where: SQL[] = [];
    for (const raw of query.params._id ?? []) where.push(idsCondition(practitioners.id, raw, "Schedule"));
    for (const raw of query.params.actor ?? []) where.push(idsCondition(practitioners.id, raw, "Practitioner"));
    for (const raw of query.params.active ?? []) {
      if (raw !== "true" && raw !== "false") throw new FhirSearchError(`active must be true or false, not "${raw}"`);
      where.push(eq(practitioners.active, raw === "true"));
    }
    const cond = where.length ? and(...where) : undefined;
    const [[{ total }], rows] = await Promise.all([
      ctx.db.select({ total: count() }).from(practitioners).where(cond),
      ctx.db.select(practitionerColumns).from(practitioners).where(cond).orderBy(asc(practitioners.name), asc(practitioners.id)).limit(query.count).offset(query.offset),
    ]);
    return { total: Number(total), resources: await toSchedules(ctx.db, rows) };
  },
};

// ---- Slot (computed) -----------------------------------------------------------------------------

/** Slot ids: `<practitioner id>.<start as yyyymmddhhmm UTC>`. */
function slotId(practitionerId: string, startAt: Date) {
  return `${practitionerId}.${startAt.toISOString().slice(0, 16).replace(/[-T:]/g, "")}`;
}
function parseSlotId(id: string): { practitionerId: string; startAt: Date } | null {
  const m = /^([0-9a-f-]{36})\.(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/i.exec(id);
  if (!m || !isUuid(m[1])) return null;
  const startAt = new Date(`${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:00Z`);
  return Number.isNaN(startAt.getTime()) ? null : { practitionerId: m[1], startAt };
}

/** Branches where the practitioners (all when null) have active schedules, with their zones. */
async function scheduleBranches(db: Database, practitionerIds: string[] | null) {
  const rows = await db
    .selectDistinct({ branchId: schedules.branchId, timeZone: branches.timeZone })
    .from(schedules)
    .innerJoin(branches, eq(branches.id, schedules.branchId))
    .where(and(eq(schedules.active, true), practitionerIds ? inArray(schedules.practitionerId, practitionerIds) : undefined));
  return rows.map((r) => ({ branchId: r.branchId, tz: r.timeZone as BranchTimeZone }));
}

/** The slots starting in [from, to) of the practitioners (all when null), in start order. */
async function slotsBetween(db: Database, from: Date, to: Date, practitionerIds: string[] | null) {
  if (practitionerIds && practitionerIds.length === 0) return [];
  const out: Awaited<ReturnType<typeof daySlots>> = [];
  for (const { branchId, tz } of await scheduleBranches(db, practitionerIds)) {
    const last = localDateOf(new Date(to.getTime() - 1), tz);
    for (let date = localDateOf(from, tz); date <= last; date = addDays(date, 1)) {
      const day = await daySlots(db, { date, tz, branchId, ...(practitionerIds ? { practitionerIds } : {}) });
      out.push(...day.filter((s) => s.startAt >= from && s.startAt < to));
    }
  }
  return out.sort((a, b) => a.startAt.getTime() - b.startAt.getTime() || a.practitionerId.localeCompare(b.practitionerId));
}

type ComputedSlot = Awaited<ReturnType<typeof daySlots>>[number];

async function toSlots(db: Database, slots: ComputedSlot[]): Promise<FhirResource[]> {
  const serviceIds = [...new Set(slots.map((s) => s.serviceId))];
  const named = serviceIds.length ? await db.select({ id: services.id, code: services.code, name: services.name }).from(services).where(inArray(services.id, serviceIds)) : [];
  const byId = new Map(named.map((s) => [s.id, s]));
  return slots.map((s) => {
    const service = byId.get(s.serviceId);
    return {
      resourceType: "Slot",
      id: slotId(s.practitionerId, s.startAt),
      ...(service ? { serviceType: [serviceConcept(service)] } : {}),
      schedule: { reference: `Schedule/${s.practitionerId}`, display: s.practitionerName },
      status: s.taken >= s.capacity ? "busy" : "free",
      start: fhirInstant(s.startAt),
      end: fhirInstant(s.endAt),
      // FHIR has no seat count on a Slot; a slot for several patients says how many places are left
      ...(s.capacity > 1 ? { comment: `${Math.max(0, s.capacity - s.taken)} of ${s.capacity} places free` } : {}),
    };
  });
}

const maxSlotDays = 31;

const slotProvider: FhirResourceProvider = {
  searchParams: [
    { name: "start", type: "date", documentation: `Slot start; default from now for 7 days, at most ${maxSlotDays} days per search` },
    { name: "schedule", type: "reference", documentation: "Schedule/<practitioner id>" },
    { name: "practitioner", type: "reference", documentation: "Practitioner/<id> (same as schedule)" },
    { name: "status", type: "token", documentation: "free or busy" },
  ],
  async read(id, ctx) {
    const parsed = parseSlotId(id);
    if (!parsed) return null;
    const found = (await slotsBetween(ctx.db, parsed.startAt, new Date(parsed.startAt.getTime() + 60_000), [parsed.practitionerId]))[0];
    return found ? (await toSlots(ctx.db, [found]))[0] : null;
  },
  async search(query, ctx) {
    let practitionerIds: string[] | null = null;
    const narrow = (ids: string[]) => {
      practitionerIds = practitionerIds ? practitionerIds.filter((id) => ids.includes(id)) : ids;
    };
    for (const raw of query.params.schedule ?? []) narrow(orValues(raw).map((v) => referenceId(v, "Schedule")).filter(isUuid));
    for (const raw of query.params.practitioner ?? []) narrow(orValues(raw).map((v) => referenceId(v, "Practitioner")).filter(isUuid));
    const statuses = (query.params.status ?? []).map((raw) => orValues(raw));
    for (const values of statuses) for (const v of values) if (v !== "free" && v !== "busy") throw new FhirSearchError(`Slot status must be free or busy, not "${v}"`);
    const starts = (query.params.start ?? []).map(parseDateParam);
    const bounds = dateBounds(starts);
    const from = bounds.from ?? new Date();
    const to = bounds.to ?? new Date(from.getTime() + 7 * 86_400_000);
    if (to.getTime() - from.getTime() > maxSlotDays * 86_400_000) throw new FhirSearchError(`A Slot search covers at most ${maxSlotDays} days: narrow "start" (e.g. start=ge2026-12-01&start=lt2026-12-08).`);
    if (to <= from) return { total: 0, resources: [] };
    const all = (await slotsBetween(ctx.db, from, to, practitionerIds))
      .filter((s) => starts.every((p) => dateMatches(s.startAt, p)))
      .filter((s) => statuses.every((values) => values.includes(s.taken >= s.capacity ? "busy" : "free")));
    return { total: all.length, resources: await toSlots(ctx.db, all.slice(query.offset, query.offset + query.count)) };
  },
};

// ---- Appointment ---------------------------------------------------------------------------------

const appointmentColumns = {
  id: appointments.id,
  contactId: appointments.contactId,
  patientName: contacts.fullName,
  practitionerId: appointments.practitionerId,
  practitionerName: practitioners.name,
  serviceCode: services.code,
  serviceName: services.name,
  startAt: appointments.startAt,
  endAt: appointments.endAt,
  queueNumber: appointments.queueNumber,
  status: appointments.status,
  sourceType: appointments.sourceType,
  sourceId: appointments.sourceId,
  cancelReason: appointments.cancelReason,
  createdAt: appointments.createdAt,
  updatedAt: appointments.updatedAt,
};

function appointmentQuery(db: Database) {
  return db
    .select(appointmentColumns)
    .from(appointments)
    .innerJoin(contacts, eq(contacts.id, appointments.contactId))
    .innerJoin(practitioners, eq(practitioners.id, appointments.practitionerId))
    .innerJoin(services, eq(services.id, appointments.serviceId));
}

type AppointmentRow = Awaited<ReturnType<ReturnType<typeof appointmentQuery>["execute"]>>[number];

function toAppointment(a: AppointmentRow): FhirResource {
  // FHIR Appointment.status has the same codes as ours (booked, arrived, fulfilled, cancelled, noshow)
  return {
    resourceType: "Appointment",
    id: a.id,
    meta: { lastUpdated: fhirInstant(a.updatedAt) },
    identifier: [{ use: "secondary", type: { text: "Nomor antrian" }, system: queueNumberSystem, value: String(a.queueNumber) }],
    status: a.status,
    ...(a.status === "cancelled" && a.cancelReason ? { cancelationReason: { text: a.cancelReason } } : {}),
    serviceType: [serviceConcept({ code: a.serviceCode, name: a.serviceName })],
    start: fhirInstant(a.startAt),
    end: fhirInstant(a.endAt),
    minutesDuration: Math.round((a.endAt.getTime() - a.startAt.getTime()) / 60_000),
    slot: [{ reference: `Slot/${slotId(a.practitionerId, a.startAt)}` }],
    created: fhirInstant(a.createdAt),
    // a visit booked from a referral points at it by id only: the referral lives in another plugin
    ...(a.sourceType === "hospital-referrals.referral" && a.sourceId ? { basedOn: [{ reference: `ServiceRequest/${a.sourceId}` }] } : {}),
    participant: [
      { actor: { reference: `Patient/${a.contactId}`, display: a.patientName }, required: "required", status: "accepted" },
      { actor: { reference: `Practitioner/${a.practitionerId}`, display: a.practitionerName }, required: "required", status: "accepted" },
    ],
  };
}

const appointmentProvider: FhirResourceProvider = {
  searchParams: [
    { name: "_id", type: "token" },
    { name: "patient", type: "reference", documentation: "Patient/<id>" },
    { name: "practitioner", type: "reference", documentation: "Practitioner/<id>" },
    { name: "date", type: "date", documentation: "Appointment start; prefixes eq, ne, gt, lt, ge, le, sa, eb; values without a zone are UTC" },
    { name: "status", type: "token", documentation: appointmentStatuses.join(", ") },
  ],
  async read(id, ctx) {
    if (!isUuid(id)) return null;
    const [row] = await appointmentQuery(ctx.db).where(eq(appointments.id, id));
    return row ? toAppointment(row) : null;
  },
  async search(query: FhirSearch, ctx: FhirContext) {
    const where: SQL[] = [];
    for (const raw of query.params._id ?? []) where.push(idsCondition(appointments.id, raw, "Appointment"));
    for (const raw of query.params.patient ?? []) where.push(idsCondition(appointments.contactId, raw, "Patient"));
    for (const raw of query.params.practitioner ?? []) where.push(idsCondition(appointments.practitionerId, raw, "Practitioner"));
    for (const raw of query.params.date ?? []) where.push(dateCondition(appointments.startAt, parseDateParam(raw)));
    for (const raw of query.params.status ?? []) {
      const values = orValues(raw).filter((v): v is (typeof appointmentStatuses)[number] => (appointmentStatuses as readonly string[]).includes(v));
      where.push(values.length ? inArray(appointments.status, values) : sql`false`);
    }
    const cond = where.length ? and(...where) : undefined;
    const [[{ total }], rows] = await Promise.all([
      ctx.db.select({ total: count() }).from(appointments).where(cond),
      appointmentQuery(ctx.db).where(cond).orderBy(asc(appointments.startAt), asc(appointments.id)).limit(query.count).offset(query.offset),
    ]);
    return { total: Number(total), resources: rows.map(toAppointment) };
  },
};

/** What this plugin adds to /fhir/r4. */
export const fhirResources: Record<string, FhirResourceProvider> = {
  Practitioner: practitionerProvider,
  Schedule: scheduleProvider,
  Slot: slotProvider,
  Appointment: appointmentProvider,
};
