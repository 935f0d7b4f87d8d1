// Read-only FHIR R4 for the appointments plugin: Practitioner, Schedule, Slot and Appointment,
// served by the core at /fhir/r4 through the `fhirResources` extension point. Times are UTC.
// Slots are computed from the weekly schedules (as the booking pages do); a Slot's Schedule is
// the practitioner's whole timetable, so Schedule ids are practitioner ids.
import { and, asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database, FhirContext, FhirResource, FhirResourceProvider, FhirSearch } from "../../app/plugin-api/index.ts";
import { contacts, branches } from "../../app/plugin-api/schema.ts";
import {
  anyOf,
  codeValues,
  dateBounds,
  dateCondition,
  dateMatches,
  FhirSearchError,
  fhirInstant,
  orValues,
  parseDateParam,
  parseToken,
  referenceId,
  satusehatIdentifierSystem,
} from "../../app/plugin-api/server.ts";
import { daySlots } from "./availability.server.ts";
import { appointmentStatuses, appointments, practitioners, schedules, services } from "./schema.ts";
import { addDays, localDateOf, type TimeZone, isUuid } from "../../app/plugin-api/index.ts";

/** SATUSEHAT's systems for a practitioner's IHS number and NIK. */
const ihsSystem = "https://fhir.kemkes.go.id/id/nakes-his-number";
const nikSystem = "https://fhir.kemkes.go.id/id/nik";
/** Our own code systems and identifier systems (SATUSEHAT has none for these). */
const serviceSystem = "https://nusa-crm.id/fhir/CodeSystem/poli";
const queueNumberSystem = "https://nusa-crm.id/fhir/sid/queue-number";
/** Our branches, for a location reference by identifier until the branch's SATUSEHAT Location id is set. */
const branchSystem = "https://nusa-crm.id/fhir/sid/branch";

/** A uuid condition from reference values: an id that cannot exist matches nobody. */
function idsCondition(column: Parameters<typeof eq>[0], raw: string, type: string): SQL {
  const ids = orValues(raw).map((v) => referenceId(v, type)).filter(isUuid);
  return ids.length ? inArray(column, ids) : sql`false`;
}

function serviceConcept(s: { code: string; name: string }) {
  return { coding: [{ system: serviceSystem, code: s.code, display: s.name }], text: s.name };
}

// ---- Practitioner -------------------------------------------------------------------------------

const practitionerColumns = {
  id: practitioners.id,
  name: practitioners.name,
  specialty: practitioners.specialty,
  ihsNumber: practitioners.ihsNumber,
  nik: practitioners.nik,
  active: practitioners.active,
  updatedAt: practitioners.updatedAt,
};
type PractitionerRow = { id: string; name: string; specialty: string | null; ihsNumber: string | null; nik: string | null; active: boolean; updatedAt: Date };

function toPractitioner(p: PractitionerRow): FhirResource {
  const identifier = [
    p.ihsNumber ? { use: "official", system: ihsSystem, value: p.ihsNumber } : null,
    p.nik ? { use: "official", system: nikSystem, value: p.nik } : null,
  ].filter((x) => x !== null);
  return {
    resourceType: "Practitioner",
    id: p.id,
    meta: { lastUpdated: fhirInstant(p.updatedAt) },
    ...(identifier.length ? { identifier } : {}),
    active: p.active,
    name: [{ use: "official", text: p.name }],
    ...(p.specialty ? { qualification: [{ code: { text: p.specialty } }] } : {}),
  };
}

const practitionerProvider: FhirResourceProvider = {
  searchParams: [
    { name: "_id", type: "token" },
    { name: "identifier", type: "token", documentation: `IHS number (${ihsSystem}|<number>) or NIK (${nikSystem}|<16 digits>)` },
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
          if (!code) return sql`false`;
          if (system === ihsSystem) return eq(practitioners.ihsNumber, code);
          if (system === nikSystem) return eq(practitioners.nik, code);
          if (system === undefined || system === null) return sql`(${practitioners.ihsNumber} = ${code} or ${practitioners.nik} = ${code})`;
          return sql`false`;
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
  // a Schedule changes with its practitioner, any of their timetable rows, or a service they offer
  const changed = await db
    .select({ practitionerId: schedules.practitionerId, at: sql<string>`greatest(max(${schedules.updatedAt}), max(${services.updatedAt}))`.mapWith((v) => new Date(v)) })
    .from(schedules)
    .innerJoin(services, eq(services.id, schedules.serviceId))
    .where(inArray(schedules.practitionerId, rows.map((r) => r.id)))
    .groupBy(schedules.practitionerId);
  const changedAt = new Map(changed.map((c) => [c.practitionerId, c.at]));
  const offered = await db
    .selectDistinct({ practitionerId: schedules.practitionerId, code: services.code, name: services.name })
    .from(schedules)
    .innerJoin(services, eq(services.id, schedules.serviceId))
    .where(and(inArray(schedules.practitionerId, rows.map((r) => r.id)), eq(schedules.active, true), eq(services.active, true)))
    .orderBy(asc(services.name));
  return rows.map((p) => {
    const mine = offered.filter((o) => o.practitionerId === p.id);
    const at = changedAt.get(p.id);
    return {
      resourceType: "Schedule",
      id: p.id,
      meta: { lastUpdated: fhirInstant(at && at > p.updatedAt ? at : p.updatedAt) },
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
  return rows.map((r) => ({ branchId: r.branchId, tz: r.timeZone as TimeZone }));
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
  // a computed Slot changes with its practitioner's timetable or with a booking of it
  const practitionerIds = [...new Set(slots.map((s) => s.practitionerId))];
  const timetables = practitionerIds.length
    ? await db
        .select({ practitionerId: schedules.practitionerId, at: sql<string>`max(${schedules.updatedAt})`.mapWith((v) => new Date(v)) })
        .from(schedules)
        .where(inArray(schedules.practitionerId, practitionerIds))
        .groupBy(schedules.practitionerId)
    : [];
  const timetableAt = new Map(timetables.map((t) => [t.practitionerId, t.at]));
  const starts = [...new Set(slots.map((s) => s.startAt.toISOString()))];
  const bookings = starts.length
    ? await db
        .select({ practitionerId: appointments.practitionerId, startAt: appointments.startAt, at: sql<string>`max(${appointments.updatedAt})`.mapWith((v) => new Date(v)) })
        .from(appointments)
        .where(and(inArray(appointments.practitionerId, practitionerIds), inArray(appointments.startAt, starts.map((v) => new Date(v)))))
        .groupBy(appointments.practitionerId, appointments.startAt)
    : [];
  const bookedAt = new Map(bookings.map((b) => [`${b.practitionerId}.${b.startAt.toISOString()}`, b.at]));
  return slots.map((s) => {
    const service = byId.get(s.serviceId);
    const changes = [timetableAt.get(s.practitionerId), bookedAt.get(`${s.practitionerId}.${s.startAt.toISOString()}`)].filter((d): d is Date => !!d);
    const lastUpdated = changes.reduce((a, b) => (b > a ? b : a), new Date(0));
    return {
      resourceType: "Slot",
      id: slotId(s.practitionerId, s.startAt),
      meta: { lastUpdated: fhirInstant(lastUpdated) },
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
/** FHIR's slotstatus codes: we compute free and busy; the others match nothing. */
const slotStatusCodes = ["busy", "free", "busy-unavailable", "busy-tentative", "entered-in-error"] as const;

const slotProvider: FhirResourceProvider = {
  searchParams: [
    { name: "start", type: "date", documentation: `Slot start; default from now for 7 days, at most ${maxSlotDays} days per search` },
    { name: "schedule", type: "reference", documentation: "Schedule/<practitioner id>" },
    { name: "practitioner", type: "reference", documentation: "Practitioner/<id> (same as schedule)" },
    { name: "status", type: "token", documentation: "free or busy (busy-unavailable, busy-tentative and entered-in-error match nothing)" },
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
    const statuses = (query.params.status ?? []).map((raw) => orValues(raw).map((v) => parseToken(v).code ?? ""));
    for (const raw of query.params.status ?? []) codeValues("status", raw, slotStatusCodes, "http://hl7.org/fhir/slotstatus");
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

/** FHIR's appointmentstatus codes (ours are a subset: the rest match nothing). */
const fhirAppointmentStatuses = ["proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow", "entered-in-error", "checked-in", "waitlist"] as const;

/**
 * Participation statuses that agree with the appointment's: a proposed (held) slot still needs the
 * patient's answer; a cancelled visit is declined by both; a patient who did not come declined it.
 */
function participantStatuses(status: AppointmentRow["status"]): { patient: string; practitioner: string } {
  switch (status) {
    case "proposed":
      return { patient: "needs-action", practitioner: "accepted" };
    case "cancelled":
      return { patient: "declined", practitioner: "declined" };
    case "noshow":
      return { patient: "declined", practitioner: "accepted" };
    default:
      return { patient: "accepted", practitioner: "accepted" };
  }
}

function toAppointment(a: AppointmentRow): FhirResource {
  // FHIR Appointment.status has the same codes as ours (booked, arrived, fulfilled, cancelled, noshow)
  const participation = participantStatuses(a.status);
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
      { actor: { reference: `Patient/${a.contactId}`, display: a.patientName }, required: "required", status: participation.patient },
      { actor: { reference: `Practitioner/${a.practitionerId}`, display: a.practitionerName }, required: "required", status: participation.practitioner },
    ],
  };
}

const appointmentProvider: FhirResourceProvider = {
  searchParams: [
    { name: "_id", type: "token" },
    { name: "patient", type: "reference", documentation: "Patient/<id>" },
    { name: "practitioner", type: "reference", documentation: "Practitioner/<id>" },
    { name: "date", type: "date", documentation: "Appointment start; prefixes eq, ne, gt, lt, ge, le, sa, eb; values without a zone are UTC" },
    { name: "status", type: "token", documentation: `${fhirAppointmentStatuses.join(", ")} (held here: ${appointmentStatuses.join(", ")})` },
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
      const values = codeValues("status", raw, fhirAppointmentStatuses, "http://hl7.org/fhir/appointmentstatus").filter((v): v is (typeof appointmentStatuses)[number] =>
        (appointmentStatuses as readonly string[]).includes(v),
      );
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

// ---- Encounter (one per visit: SATUSEHAT's "Pendaftaran Kunjungan") -----------------------------------

const encounterColumns = {
  ...appointmentColumns,
  branchId: appointments.branchId,
  branchName: branches.name,
  practitionerIhs: practitioners.ihsNumber,
  arrivedAt: appointments.arrivedAt,
  fulfilledAt: appointments.fulfilledAt,
  cancelledAt: appointments.cancelledAt,
  noShowAt: appointments.noShowAt,
};

function encounterQuery(db: Database) {
  return db
    .select(encounterColumns)
    .from(appointments)
    .innerJoin(contacts, eq(contacts.id, appointments.contactId))
    .innerJoin(practitioners, eq(practitioners.id, appointments.practitionerId))
    .innerJoin(services, eq(services.id, appointments.serviceId))
    .innerJoin(branches, eq(branches.id, appointments.branchId));
}
type EncounterRow = Awaited<ReturnType<ReturnType<typeof encounterQuery>["execute"]>>[number];

/** FHIR's encounter-status codes; a held (proposed) slot is no visit yet and has no Encounter. */
const encounterStatusCodes = ["planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown"] as const;
type EncounterStatus = (typeof encounterStatusCodes)[number];
const encounterStatusOf: Record<Exclude<AppointmentRow["status"], "proposed">, EncounterStatus> = {
  booked: "planned",
  arrived: "arrived",
  fulfilled: "finished",
  cancelled: "cancelled",
  noshow: "cancelled",
};
const visitStatuses = Object.keys(encounterStatusOf) as (keyof typeof encounterStatusOf)[];

/**
 * An outpatient visit as SATUSEHAT's Encounter: class AMB; status following check-in (arrived) and
 * completion (finished); period from arrival (the booked start until then) to completion; the
 * doctor as attender; the branch as location; the organisation as serviceProvider. With the
 * organisation's SATUSEHAT ids set, identifier and references use SATUSEHAT's systems.
 */
function toEncounter(e: EncounterRow, ctx: FhirContext): FhirResource {
  const status = encounterStatusOf[e.status as keyof typeof encounterStatusOf];
  const { organizationId, locationIds } = ctx.satusehat;
  const locationId = locationIds[e.branchId];
  const start = e.arrivedAt ?? e.startAt;
  const end = status === "finished" ? e.fulfilledAt : status === "cancelled" ? (e.cancelledAt ?? e.noShowAt) : null;
  const history: { status: EncounterStatus; period: { start: string; end?: string } }[] = [];
  if (e.arrivedAt) {
    history.push({ status: "planned", period: { start: fhirInstant(e.createdAt), end: fhirInstant(e.arrivedAt) } });
    history.push({ status: "arrived", period: { start: fhirInstant(e.arrivedAt), ...(e.fulfilledAt ? { end: fhirInstant(e.fulfilledAt) } : {}) } });
    if (e.fulfilledAt) history.push({ status: "finished", period: { start: fhirInstant(e.fulfilledAt) } });
  }
  return {
    resourceType: "Encounter",
    id: e.id,
    meta: { lastUpdated: fhirInstant(e.updatedAt) },
    identifier: [
      ...(organizationId ? [{ use: "official", system: satusehatIdentifierSystem("encounter", organizationId), value: e.id }] : []),
      { use: "secondary", type: { text: "Nomor antrian" }, system: queueNumberSystem, value: String(e.queueNumber) },
    ],
    status,
    ...(history.length ? { statusHistory: history } : {}),
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB", display: "ambulatory" },
    serviceType: serviceConcept({ code: e.serviceCode, name: e.serviceName }),
    subject: { reference: `Patient/${e.contactId}`, display: e.patientName },
    participant: [
      {
        type: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", code: "ATND", display: "attender" }] }],
        individual: {
          reference: `Practitioner/${e.practitionerId}`,
          ...(e.practitionerIhs ? { identifier: { system: ihsSystem, value: e.practitionerIhs } } : {}),
          display: e.practitionerName,
        },
      },
    ],
    appointment: [{ reference: `Appointment/${e.id}` }],
    period: { start: fhirInstant(start), ...(end ? { end: fhirInstant(end) } : {}) },
    ...(e.sourceType === "hospital-referrals.referral" && e.sourceId ? { basedOn: [{ reference: `ServiceRequest/${e.sourceId}` }] } : {}),
    location: [
      {
        location: locationId
          ? { reference: `Location/${locationId}`, display: `${e.serviceName}, ${e.branchName}` }
          : { identifier: { system: branchSystem, value: e.branchId }, display: `${e.serviceName}, ${e.branchName}` },
      },
    ],
    serviceProvider: organizationId ? { reference: `Organization/${organizationId}`, display: e.branchName } : { display: e.branchName },
  };
}

const encounterProvider: FhirResourceProvider = {
  searchParams: [
    { name: "_id", type: "token" },
    { name: "patient", type: "reference", documentation: "Patient/<id>" },
    { name: "subject", type: "reference", documentation: "Patient/<id>" },
    { name: "practitioner", type: "reference", documentation: "Practitioner/<id>" },
    { name: "date", type: "date", documentation: "The visit's booked start; values without a zone are UTC" },
    { name: "status", type: "token", documentation: `${encounterStatusCodes.join(", ")} (held here: planned, arrived, finished, cancelled)` },
  ],
  async read(id, ctx) {
    if (!isUuid(id)) return null;
    const [row] = await encounterQuery(ctx.db).where(and(eq(appointments.id, id), inArray(appointments.status, visitStatuses)));
    return row ? toEncounter(row, ctx) : null;
  },
  async search(query, ctx) {
    const where: SQL[] = [inArray(appointments.status, visitStatuses)];
    for (const raw of query.params._id ?? []) where.push(idsCondition(appointments.id, raw, "Encounter"));
    for (const raw of [...(query.params.patient ?? []), ...(query.params.subject ?? [])]) where.push(idsCondition(appointments.contactId, raw, "Patient"));
    for (const raw of query.params.practitioner ?? []) where.push(idsCondition(appointments.practitionerId, raw, "Practitioner"));
    for (const raw of query.params.date ?? []) where.push(dateCondition(appointments.startAt, parseDateParam(raw)));
    for (const raw of query.params.status ?? []) {
      const wanted = codeValues("status", raw, encounterStatusCodes, "http://hl7.org/fhir/encounter-status");
      const ours = visitStatuses.filter((s) => wanted.includes(encounterStatusOf[s]));
      where.push(ours.length ? inArray(appointments.status, ours) : sql`false`);
    }
    const cond = and(...where);
    const [[{ total }], rows] = await Promise.all([
      ctx.db.select({ total: count() }).from(appointments).where(cond),
      encounterQuery(ctx.db).where(cond).orderBy(asc(appointments.startAt), asc(appointments.id)).limit(query.count).offset(query.offset),
    ]);
    return { total: Number(total), resources: rows.map((r) => toEncounter(r, ctx)) };
  },
};

/** What this plugin adds to /fhir/r4. */
export const fhirResources: Record<string, FhirResourceProvider> = {
  Practitioner: practitionerProvider,
  Schedule: scheduleProvider,
  Slot: slotProvider,
  Appointment: appointmentProvider,
  Encounter: encounterProvider,
};
