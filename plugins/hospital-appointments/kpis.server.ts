// hospital-appointments' KPIs for dashboards and reports. An appointment's day is its `local_date`
// (already the day in its branch's zone); its hour and weekday are read in that zone too.
import { sql, type SQL } from "drizzle-orm";
import { defineKpi, rowsOf, type KpiDefinition, type KpiQuery } from "../../app/plugin-api/index.ts";
import { aggregate, branchDimension, dailyBy, inBranchesSql, inRangeSql, localHourSql } from "../../app/plugin-api/server.ts";

const strings = (id: string, withDenominator: boolean) => ({
  name: `kpis.${id}.name`,
  definition: `kpis.${id}.definition`,
  numerator: `kpis.${id}.numerator`,
  ...(withDenominator ? { denominator: `kpis.${id}.denominator` } : {}),
});

const onDays = (q: Pick<KpiQuery, "range" | "branchIds">) =>
  sql`a.local_date between ${q.range.from}::date and ${q.range.to}::date and ${inBranchesSql(sql`a.branch_id`, q)}`;

const from = sql`hospital_appointments_appointments a
  join hospital_appointments_services s on s.id = a.service_id
  join hospital_appointments_practitioners p on p.id = a.practitioner_id`;

const dimensions = {
  branch: branchDimension(sql`a.branch_id`),
  poli: { key: sql`s.id`, label: sql`s.name` },
  doctor: { key: sql`p.id`, label: sql`p.name` },
  weekday: { key: sql`extract(isodow from a.local_date)::int::text` },
  hour: { key: localHourSql(sql`a.start_at`, sql`a.branch_id`) },
  weekdayHour: { key: sql`extract(isodow from a.local_date)::int::text || '|' || ${localHourSql(sql`a.start_at`, sql`a.branch_id`)}` },
  channel: { key: sql`a.channel` },
  confirmation: { key: sql`case when a.confirmed_at is not null then 'confirmed' else 'unconfirmed' end` },
};

const attended = sql.raw(`a.status in ('arrived','fulfilled')`);
// dashboards read these from daily rollups (ADR 021): an appointment counts on its local_date
const onLocalDate = { day: sql`a.local_date`, branch: sql`a.branch_id` };
const appointmentsSource = { table: "hospital_appointments_appointments", days: ["local_date", "created_at"] };

/** The appointments behind a figure, newest first by `at` (the visit's start unless told). */
function appointmentRecords(where: (q: KpiQuery) => SQL, at: SQL = sql`a.start_at`): KpiDefinition["records"] {
  return async (q, { db }) =>
    rowsOf<{ contact_id: string; full_name: string; at: Date; service: string; doctor: string }>(
      await db.execute(sql`select a.contact_id, c.full_name, ${at} as at, s.name as service, p.name as doctor from ${from} join contacts c on c.id = a.contact_id
        where ${where(q)} order by ${at} desc limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: `/staff/contacts/${r.contact_id}`, at: new Date(r.at), detail: `${r.service} · ${r.doctor}` }));
}

/** Visits: appointments the patient came to (arrived or fulfilled), on their local day. */
const visits = defineKpi({
  id: "visits",
  ...strings("visits", false),
  unit: "count",
  permission: "hospital-appointments.appointment.read",
  dimensions: ["branch", "poli", "doctor", "weekday", "hour", "weekdayHour", "channel"],
  better: "up",
  rollup: { sources: [appointmentsSource] },
  compute: (q, { db }) => aggregate(db, q, { from, where: sql`${attended} and ${onDays(q)}`, numerator: sql`count(*)`, dimensions, daily: onLocalDate }),
  records: appointmentRecords((q) => sql`${attended} and ${onDays(q)}`),
});

/** No-show rate: no-shows over appointments that were due and settled (came or did not come). */
const noShowRate = defineKpi({
  id: "noShowRate",
  ...strings("noShowRate", true),
  unit: "percent",
  permission: "hospital-appointments.appointment.read",
  dimensions: ["branch", "poli", "doctor", "weekday", "hour", "weekdayHour", "confirmation", "channel"],
  better: "down",
  rollup: { sources: [appointmentsSource] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      from,
      where: sql`a.status in ('arrived','fulfilled','noshow') and ${onDays(q)}`,
      numerator: sql`count(*) filter (where a.status = 'noshow')`,
      denominator: sql`count(*)`,
      dimensions,
      daily: onLocalDate,
    }),
  records: appointmentRecords((q) => sql`a.status = 'noshow' and ${onDays(q)}`),
});

const waitlistFrom = sql`hospital_appointments_waitlist w join hospital_appointments_services s on s.id = w.service_id`;
const waitlistMade = (q: KpiQuery) => inRangeSql(sql`w.created_at`, sql`s.branch_id`, q);

/** Waitlist fill rate: entries made in the period that got an appointment, over all entries made. */
const waitlistFillRate = defineKpi({
  id: "waitlistFillRate",
  ...strings("waitlistFillRate", true),
  unit: "percent",
  permission: "hospital-appointments.appointment.read",
  dimensions: ["branch", "poli"],
  better: "up",
  rollup: { sources: [{ table: "hospital_appointments_waitlist", days: ["created_at"] }, { table: "hospital_appointments_services", days: ["*branch_id"] }] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: waitlistFrom,
      where: waitlistMade(q),
      numerator: sql`count(*) filter (where w.status = 'booked')`,
      denominator: sql`count(*)`,
      dimensions: { branch: branchDimension(sql`s.branch_id`), poli: { key: sql`s.id`, label: sql`s.name` } },
      daily: dailyBy(sql`w.created_at`, sql`s.branch_id`),
    }),
  // the entries made in the period that got no appointment (the denominator less the numerator), each opening its patient
  records: async (q, { db }) =>
    rowsOf<{ contact_id: string; full_name: string; created_at: Date; service: string; status: string }>(
      await db.execute(sql`select w.contact_id, c.full_name, w.created_at, s.name as service, w.status from ${waitlistFrom} join contacts c on c.id = w.contact_id
        where w.status <> 'booked' and ${waitlistMade(q)} order by w.created_at desc limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: `/staff/contacts/${r.contact_id}`, at: new Date(r.created_at), detail: `${r.service} · ${r.status}` })),
});

const bookedIn = (q: KpiQuery) => sql`a.status <> 'proposed' and ${inRangeSql(sql`a.created_at`, sql`a.branch_id`, q)}`;

/** Booking lead time: days from booking (local day) to the appointment's day, averaged over bookings made in the period. */
const bookingLeadDays = defineKpi({
  id: "bookingLeadDays",
  ...strings("bookingLeadDays", true),
  unit: "days",
  permission: "hospital-appointments.appointment.read",
  dimensions: ["branch", "poli", "doctor", "channel"],
  better: "down",
  rollup: { sources: [appointmentsSource] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      daily: dailyBy(sql`a.created_at`, sql`a.branch_id`),
      from,
      where: bookedIn(q),
      numerator: sql`coalesce(sum(a.local_date - (a.created_at at time zone coalesce((select b.time_zone from branches b where b.id = a.branch_id), 'Asia/Jakarta'))::date), 0)`,
      denominator: sql`count(*)`,
      dimensions,
    }),
  // the bookings averaged over, newest booking first
  records: appointmentRecords(bookedIn, sql`a.created_at`),
});

export const appointmentKpis = [visits, noShowRate, waitlistFillRate, bookingLeadDays];
