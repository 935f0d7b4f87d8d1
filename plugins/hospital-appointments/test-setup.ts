// Test helpers for this plugin: a branch, a clinic and a doctor working every day.
import { branches } from "../../app/plugin-api/schema.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { practitioners, schedules, services } from "./schema.ts";

export async function createClinic(runtime: AppRuntime, options: { capacity?: number; timeZone?: "Asia/Jakarta" | "Asia/Makassar" } = {}) {
  const code = `RS-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const [branch] = await runtime.db.insert(branches).values({ code, name: `RS Uji ${code}`, kind: "hospital", timeZone: options.timeZone ?? "Asia/Jakarta" }).returning();
  const [service] = await runtime.db.insert(services).values({ branchId: branch.id, code: "PD", name: "Poli Penyakit Dalam" }).returning();
  const [doctor] = await runtime.db.insert(practitioners).values({ name: "dr. Uji, Sp.PD" }).returning();
  await runtime.db.insert(schedules).values(
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      practitionerId: doctor.id,
      serviceId: service.id,
      branchId: branch.id,
      weekday,
      startTime: "08:00",
      endTime: "12:00",
      breakStart: "10:00",
      breakEnd: "10:30",
      slotMinutes: 15,
      capacity: options.capacity ?? 1,
    })),
  );
  return { branch, service, doctor };
}
