// npm run bench (hospital part; alone: `npx tsx tests/bench/run.ts --only=hospital` or BENCH_ONLY=hospital):
//   1. booking: 50 concurrent patients book through the real bookAppointment (slot lookup, seat claim
//      by the partial unique index, timeline, event, confirmation, audit), half of the attempts at a
//      few hot slots everyone wants, half at slots of their own; bookings/s, p50/p95 per attempt, and
//      a check in SQL that no slot holds more patients than its capacity.
//   2. the front-desk day view: the real route loader (session, permission, branch, visits) for a
//      branch-day with 2,000 appointments, among BENCH_HOSPITAL_DAYS such days; beside a plain-SQL floor.
// Own database: PGlite in a temporary folder, or a fresh one on BENCH_DATABASE_URL.
//   BENCH_PATIENTS (50), BENCH_ATTEMPTS (10 per patient), BENCH_DAY_VISITS (2000), BENCH_HOSPITAL_DAYS (14), BENCH_ITERATIONS (100)
import "../../app/core/runtime/load-context.ts";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { startSession } from "../../app/core/auth/session.server.ts";
import { loadConfig } from "../../app/core/config/config.server.ts";
import { createLogger } from "../../app/core/logging/logger.server.ts";
import type { PluginServices } from "../../app/core/plugins/contract.ts";
import { buildLoadContext } from "../../app/core/runtime/request-context.server.ts";
import { startRuntime } from "../../app/core/runtime/runtime.server.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { bookAppointment } from "../../plugins/hospital-appointments/booking.server.ts";
import * as dayViewRoute from "../../plugins/hospital-appointments/routes/staff.appointments.tsx";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";
import { log, openBenchDatabase, percentile, print, round } from "./bench-support.ts";

const patientsWanted = Number(process.env.BENCH_PATIENTS ?? 50);
const attemptsPerPatient = Number(process.env.BENCH_ATTEMPTS ?? 10);
const dayVisits = Number(process.env.BENCH_DAY_VISITS ?? 2000);
const days = Number(process.env.BENCH_HOSPITAL_DAYS ?? 14);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 100);



async function timeEach(count: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(5, count); i++) await fn(i); // warm caches and plans
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

export async function hospitalBench() {
  const { handle, cleanup } = await openBenchDatabase("hospital", { connections: 10 });
  try {
    log(`${handle.kind}: migrating (hospital)`);
    await handle.migrate();
    const runtime = await startRuntime({
      config: loadConfig({ NODE_ENV: "production", APP_ORIGIN: "http://localhost:3000" }),
      logger: createLogger({ level: "silent" }),
      plugins: [hospitalAppointments],
      database: handle,
      workers: false,
    });
    try {
      const { db } = runtime;
      const one = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(query))[0];
      const services: PluginServices = pluginServices(runtime);
      const tz = "Asia/Jakarta" as const;
      const staff = await one<{ id: string }>(sql`insert into users (kind, email, name) values ('staff', 'frontdesk@nusa-crm.id', 'Petugas Pendaftaran') returning id`);
      await db.execute(sql`insert into user_roles (user_id, role_id) values (${staff.id}, 'frontdesk')`);
      const actor = { kind: "staff" as const, userId: staff.id, permissions: new Set(["hospital-appointments.appointment.manage"]), branchId: null };

      // ---- 1. booking throughput: 10 doctors, 07:00-21:00 in 10-minute slots, one patient per slot
      const branch = await one<{ id: string }>(sql`insert into branches (code, name, kind, time_zone) values ('RSB', 'RS Bench', 'hospital', ${tz}) returning id`);
      const service = await one<{ id: string }>(sql`insert into hospital_appointments_services (branch_id, code, name) values (${branch.id}, 'PD', 'Poli Penyakit Dalam') returning id`);
      const doctors = rowsOf<{ id: string }>(
        await db.execute(sql`insert into hospital_appointments_practitioners (name) select 'dr. Bench ' || g from generate_series(1, 10) g returning id`),
      ).map((r) => r.id);
      await db.execute(sql`insert into hospital_appointments_schedules (practitioner_id, service_id, branch_id, weekday, start_time, end_time, slot_minutes, capacity)
        select p, ${service.id}, ${branch.id}, w, '07:00', '21:00', 10, 1 from unnest(${sql.raw(`array[${doctors.map((d) => `'${d}'::uuid`).join(",")}]`)}) p, generate_series(1, 7) w`);
      const patients = rowsOf<{ id: string }>(
        await db.execute(sql`insert into contacts (full_name, source) select 'Pasien Bench ' || g, 'import' from generate_series(1, ${patientsWanted}) g returning id`),
      ).map((r) => r.id);
      const date = addDays(localDateOf(new Date(), tz), 2);
      const slotStart = (index: number) => {
        const minutes = 7 * 60 + (index % 84) * 10;
        return zonedInstant(date, `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`, tz);
      };
      // half of the attempts go to 5 hot slots (09:00-09:40 of doctor 1) everyone wants; the rest
      // to a slot of the patient's own (distinct doctor and time)
      const target = (p: number, j: number) =>
        (p + j) % 2 === 0
          ? { practitionerId: doctors[0], startAt: slotStart(12 + (j % 5)) }
          : (() => {
              const k = p * attemptsPerPatient + j;
              return { practitionerId: doctors[1 + (k % (doctors.length - 1))], startAt: slotStart(Math.floor(k / (doctors.length - 1))) };
            })();
      const times: number[] = [];
      const outcomes = new Map<string, number>();
      log(`${handle.kind}: ${patientsWanted} patients x ${attemptsPerPatient} booking attempts`);
      const start = performance.now();
      await Promise.all(
        patients.map(async (contactId, p) => {
          for (let j = 0; j < attemptsPerPatient; j++) {
            const t0 = performance.now();
            const result = await bookAppointment(db, services, actor, { contactId, serviceId: service.id, channel: "frontdesk", ...target(p, j) });
            times.push(performance.now() - t0);
            const key = result.ok ? "booked" : result.error;
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          }
        }),
      );
      const elapsed = (performance.now() - start) / 1000;
      times.sort((a, b) => a - b);
      const over = await one<{ n: number }>(sql`select count(*)::int as n from (
          select a.practitioner_id, a.start_at from hospital_appointments_appointments a
          where a.status <> 'cancelled' and a.branch_id = ${branch.id}
          group by 1, 2 having count(*) > 1) x`);
      const rows = await one<{ n: number }>(sql`select count(*)::int as n from hospital_appointments_appointments where branch_id = ${branch.id} and status <> 'cancelled'`);
      const booked = outcomes.get("booked") ?? 0;
      if (over.n !== 0) throw new Error(`${over.n} slots double-booked`);
      if (rows.n !== booked) throw new Error(`${rows.n} appointments for ${booked} successful bookings`);
      print({
        bench: "appointments.booking",
        db: handle.kind,
        patients: patientsWanted,
        attempts: times.length,
        booked,
        refused: Object.fromEntries([...outcomes].filter(([k]) => k !== "booked")),
        bookings_per_s: round(booked / elapsed),
        attempts_per_s: round(times.length / elapsed),
        p50_ms: round(percentile(times, 50)),
        p95_ms: round(percentile(times, 95)),
        double_booked_slots: over.n,
      });

      // ---- 2. the day view of a branch with dayVisits appointments a day, over `days` days
      const perDoctor = 100;
      const doctorCount = Math.ceil(dayVisits / perDoctor);
      const busy = await one<{ id: string }>(sql`insert into branches (code, name, kind, time_zone) values ('RSH', 'RS Hari Sibuk', 'hospital', ${tz}) returning id`);
      const busyService = await one<{ id: string }>(sql`insert into hospital_appointments_services (branch_id, code, name) values (${busy.id}, 'UM', 'Poli Umum') returning id`);
      await db.execute(sql`insert into hospital_appointments_practitioners (name, specialty) select 'dr. Sibuk ' || g, 'Umum' from generate_series(1, ${doctorCount}) g`);
      await db.execute(sql`insert into contacts (full_name, source) select 'Pasien Harian ' || g, 'import' from generate_series(1, ${dayVisits}) g`);
      const firstDay = addDays(localDateOf(new Date(), tz), -Math.floor(days / 2));
      const seedStart = performance.now();
      for (let d = 0; d < days; d++) {
        const day = addDays(firstDay, d);
        // 5-minute slots from 07:00 per doctor; statuses as a real day mixes them
        await db.execute(sql`insert into hospital_appointments_appointments
            (contact_id, practitioner_id, service_id, branch_id, start_at, end_at, local_date, seat, queue_number, status, channel)
          select c.id, p.id, ${busyService.id}, ${busy.id},
            ((${day}::date + time '07:00' + s.i * interval '5 minutes') at time zone ${tz}),
            ((${day}::date + time '07:05' + s.i * interval '5 minutes') at time zone ${tz}),
            ${day}::date, 1, s.i + 1,
            (array['booked','arrived','fulfilled','noshow','booked'])[1 + (s.i % 5)], 'frontdesk'
          from (select id, row_number() over (order by id) - 1 as n from hospital_appointments_practitioners where name like 'dr. Sibuk %') p
          cross join generate_series(0, ${perDoctor - 1}) s(i)
          join (select id, row_number() over (order by id) - 1 as n from contacts where full_name like 'Pasien Harian %') c on c.n = p.n * ${perDoctor} + s.i
          where p.n * ${perDoctor} + s.i < ${dayVisits}`);
      }
      await db.execute(sql`analyze hospital_appointments_appointments`);
      const viewDay = addDays(firstDay, Math.floor(days / 2));
      const inDay = await one<{ n: number }>(sql`select count(*)::int as n from hospital_appointments_appointments where branch_id = ${busy.id} and local_date = ${viewDay}`);
      log(`${handle.kind}: seeded ${days} days x ${inDay.n} visits in ${round((performance.now() - seedStart) / 1000)}s`);
      const cookie = (await startSession(runtime, staff.id, new Request("http://localhost:3000"))).split(";")[0];
      const path_ = `/staff/appointments?branch=${busy.id}&date=${viewDay}`;
      const loadDay = async () => {
        const request = new Request(`http://localhost:3000${path_}`, { headers: { Cookie: cookie } });
        const { context } = await buildLoadContext(runtime, request, { cspNonce: "bench", clientIp: "127.0.0.1" });
        const result = (await dayViewRoute.loader({ request, context: context as AppLoadContext, params: {} })) as { visits: unknown[] };
        if (result.visits.length !== inDay.n) throw new Error(`day view shows ${result.visits.length} of ${inDay.n} visits`);
      };
      const t = await timeEach(iterations, loadDay);
      // floor: the same rows by one plain SQL query (no session, no joins for names)
      const f = await timeEach(iterations, () =>
        db.execute(sql`select id, start_at, queue_number, status, contact_id, practitioner_id from hospital_appointments_appointments
          where branch_id = ${busy.id} and local_date = ${viewDay} and status <> 'cancelled' order by start_at, queue_number`),
      );
      print({
        bench: "appointments.day_view",
        db: handle.kind,
        visits_in_day: inDay.n,
        visits_total: inDay.n * days,
        p50_ms: round(t.p50),
        p95_ms: round(t.p95),
        floor: "SELECT of the day's rows",
        floor_p50_ms: round(f.p50),
        ratio_to_floor: round(t.p50 / Math.max(f.p50, 0.01)),
      });
    } finally {
      await runtime.stop();
    }
  } finally {
    await cleanup();
  }
}

// run directly: `npx tsx tests/bench/hospital.ts`
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  hospitalBench().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
