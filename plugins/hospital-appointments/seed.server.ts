// Demo data (idempotent): clinics at both hospital branches, doctors with weekly schedules, leave,
// and a month of visits around today. The demo doctor account gets the doctor role and a record.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { JobContext } from "../../app/plugin-api/index.ts";
import { branches, contacts, userRoles, users } from "../../app/plugin-api/schema.ts";
import { daySlots } from "./availability.server.ts";
import { appointments, practitioners, scheduleExceptions, schedules, services } from "./schema.ts";
import { addDays, localDateOf, type TimeZone } from "../../app/plugin-api/index.ts";

const clinicDefs = [
  { code: "PD", name: "Poli Penyakit Dalam", nameEn: "Internal Medicine Clinic" },
  { code: "ANAK", name: "Poli Anak", nameEn: "Paediatric Clinic" },
  { code: "GIGI", name: "Poli Gigi", nameEn: "Dental Clinic" },
  { code: "OBGYN", name: "Poli Kebidanan dan Kandungan", nameEn: "Obstetrics and Gynaecology Clinic" },
];

const doctorDefs = [
  { name: "dr. Andi Pratama, Sp.PD", specialty: "Penyakit Dalam", clinic: "PD", branch: "RSNM-JKT", email: "dokter@nusa-crm.id", days: [1, 2, 3, 4, 5], from: "08:00", to: "12:00" },
  { name: "dr. Sri Wahyuni, Sp.A", specialty: "Anak", clinic: "ANAK", branch: "RSNM-JKT", days: [1, 3, 5], from: "09:00", to: "13:00" },
  { name: "drg. Rina Kartika", specialty: "Gigi", clinic: "GIGI", branch: "RSNM-JKT", days: [2, 4, 6], from: "13:00", to: "17:00" },
  { name: "dr. Bambang Sutrisno, Sp.PD", specialty: "Penyakit Dalam", clinic: "PD", branch: "RSNM-JKT", days: [1, 2, 3, 4, 5, 6], from: "14:00", to: "18:00" },
  { name: "dr. Andi Makkasau, Sp.A", specialty: "Anak", clinic: "ANAK", branch: "RSNM-MKS", days: [1, 2, 3, 4, 5], from: "08:00", to: "12:00" },
  { name: "dr. Nurhayati Daeng, Sp.OG", specialty: "Kebidanan dan Kandungan", clinic: "OBGYN", branch: "RSNM-MKS", days: [1, 3, 5], from: "10:00", to: "14:00" },
  { name: "dr. Yusuf Rahman, Sp.PD", specialty: "Penyakit Dalam", clinic: "PD", branch: "RSNM-MKS", days: [2, 4, 6], from: "08:00", to: "12:00" },
];

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

export async function seedAppointments(ctx: JobContext) {
  const { db } = ctx;
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(services);
  if (Number(existing?.n ?? 0) > 0) return;
  const branchRows = await db.select({ id: branches.id, code: branches.code, timeZone: branches.timeZone }).from(branches).where(inArray(branches.code, ["RSNM-JKT", "RSNM-MKS"]));
  if (branchRows.length === 0) return;
  const branchByCode = new Map(branchRows.map((b) => [b.code, b]));
  const rand = random(4242);

  await db.transaction(async (tx) => {
    const serviceIds = new Map<string, string>();
    for (const b of branchRows) {
      const defs = b.code === "RSNM-JKT" ? clinicDefs.slice(0, 3) : [clinicDefs[0], clinicDefs[1], clinicDefs[3]];
      const inserted = await tx.insert(services).values(defs.map((d) => ({ branchId: b.id, ...d }))).returning({ id: services.id, code: services.code });
      for (const s of inserted) serviceIds.set(`${b.code}:${s.code}`, s.id);
    }
    const [doctorUser] = await tx.select({ id: users.id }).from(users).where(and(eq(users.email, "dokter@nusa-crm.id"), eq(users.kind, "staff")));
    if (doctorUser) await tx.insert(userRoles).values({ userId: doctorUser.id, roleId: "doctor" }).onConflictDoNothing();
    const practitionerIds: string[] = [];
    for (const d of doctorDefs) {
      const branch = branchByCode.get(d.branch);
      const serviceId = serviceIds.get(`${d.branch}:${d.clinic}`);
      if (!branch || !serviceId) continue;
      const [p] = await tx
        .insert(practitioners)
        .values({ name: d.name, specialty: d.specialty, userId: d.email && doctorUser ? doctorUser.id : null })
        .returning({ id: practitioners.id });
      practitionerIds.push(p.id);
      await tx.insert(schedules).values(
        d.days.map((weekday) => ({
          practitionerId: p.id,
          serviceId,
          branchId: branch.id,
          weekday,
          startTime: d.from,
          endTime: d.to,
          breakStart: d.to === "12:00" ? null : null,
          breakEnd: null,
          slotMinutes: 15,
          capacity: d.clinic === "GIGI" ? 1 : 2,
        })),
      );
    }
    // a week of leave in three weeks, and a branch holiday
    const today = localDateOf(new Date(), "Asia/Jakarta");
    if (practitionerIds[1]) await tx.insert(scheduleExceptions).values({ kind: "leave", practitionerId: practitionerIds[1], startDate: addDays(today, 21), endDate: addDays(today, 25), reason: "Cuti tahunan" });
    const mks = branchByCode.get("RSNM-MKS");
    if (mks) await tx.insert(scheduleExceptions).values({ kind: "holiday", branchId: mks.id, startDate: addDays(today, 28), endDate: addDays(today, 28), reason: "Libur daerah" });
  });

  // a month of visits: two weeks back, two weeks ahead, for the hospital's patients
  const patients = await db
    .select({ id: contacts.id, email: contacts.email })
    .from(contacts)
    .where(and(sql`'pasien' = any(${contacts.tags})`, sql`${contacts.mergedIntoId} is null`))
    .limit(60);
  if (patients.length === 0) return;
  const demoPatient = patients.find((p) => p.email === "pasien@contoh.id");
  const now = new Date();
  const rows: (typeof appointments.$inferInsert)[] = [];
  for (const b of branchRows) {
    const tz = b.timeZone as TimeZone;
    const today = localDateOf(now, tz);
    for (let offset = -14; offset <= 14; offset++) {
      const date = addDays(today, offset);
      const slots = await daySlots(db, { date, tz, branchId: b.id });
      const taken = new Set<string>();
      for (const slot of slots) {
        if (rand() > (offset < 0 ? 0.45 : 0.3)) continue;
        const patient = patients[Math.floor(rand() * patients.length)];
        const key = `${patient.id}|${slot.practitionerId}|${slot.startAt.getTime()}`;
        if (taken.has(key)) continue;
        taken.add(key);
        const past = slot.endAt < now;
        const r = rand();
        const status = past ? (r < 0.78 ? "fulfilled" : r < 0.9 ? "noshow" : "cancelled") : r < 0.06 ? "cancelled" : "booked";
        rows.push({
          contactId: patient.id,
          practitionerId: slot.practitionerId,
          serviceId: slot.serviceId,
          branchId: b.id,
          startAt: slot.startAt,
          endAt: slot.endAt,
          localDate: date,
          seat: 1,
          queueNumber: slot.firstQueueNumber,
          status,
          channel: rand() < 0.6 ? "portal" : rand() < 0.5 ? "frontdesk" : "phone",
          arrivedAt: status === "fulfilled" ? new Date(slot.startAt.getTime() - 10 * 60_000) : null,
          fulfilledAt: status === "fulfilled" ? slot.endAt : null,
          noShowAt: status === "noshow" ? slot.endAt : null,
          cancelledAt: status === "cancelled" ? new Date(slot.startAt.getTime() - 86_400_000) : null,
          cancelReason: status === "cancelled" ? "patient" : null,
        });
      }
    }
  }
  // the demo patient: one past visit and one next week at the Jakarta internal medicine clinic
  if (demoPatient) {
    const jkt = branchByCode.get("RSNM-JKT");
    if (jkt) {
      for (const offset of [-7, 7]) {
        const date = addDays(localDateOf(now, "Asia/Jakarta"), offset);
        const slot = (await daySlots(db, { date, tz: "Asia/Jakarta", branchId: jkt.id })).find((s) => !rows.some((r) => r.practitionerId === s.practitionerId && (r.startAt as Date).getTime() === s.startAt.getTime()));
        if (slot)
          rows.push({
            contactId: demoPatient.id,
            practitionerId: slot.practitionerId,
            serviceId: slot.serviceId,
            branchId: jkt.id,
            startAt: slot.startAt,
            endAt: slot.endAt,
            localDate: date,
            seat: 1,
            queueNumber: slot.firstQueueNumber,
            status: offset < 0 ? "fulfilled" : "booked",
            channel: "portal",
            fulfilledAt: offset < 0 ? slot.endAt : null,
          });
      }
    }
  }
  for (let i = 0; i < rows.length; i += 200) await db.insert(appointments).values(rows.slice(i, i + 200)).onConflictDoNothing();
}
