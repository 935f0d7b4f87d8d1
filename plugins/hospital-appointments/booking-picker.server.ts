// Data for the booking picker, shared by the patient and the front-desk pages.
import type { Database, Language } from "../../app/plugin-api/index.ts";
import { activeServices, freeSlots, practitionersOfService } from "./availability.server.ts";
import { isLocalDate, localDateOf, localTimeOf, addDays, zoneOrDefault } from "../../app/plugin-api/index.ts";
import { formatLocalTime } from "../../app/plugin-api/ui.ts";

export async function bookingPickerData(db: Database, url: URL, options: { horizonDays: number; language: Language }) {
  const serviceId = url.searchParams.get("service") ?? "";
  const doctor = url.searchParams.get("doctor") || "any";
  const all = await activeServices(db);
  const service = all.find((s) => s.id === serviceId) ?? null;
  const tz = zoneOrDefault(service?.timeZone);
  const today = localDateOf(new Date(), tz);
  const rawDate = url.searchParams.get("date") ?? "";
  const date = isLocalDate(rawDate) && rawDate >= today && rawDate <= addDays(today, options.horizonDays) ? rawDate : null;
  const doctors = service ? await practitionersOfService(db, service.id) : [];
  const practitionerId = doctors.some((d) => d.id === doctor) ? doctor : "any";
  const slots =
    service && date ? (await freeSlots(db, { serviceId: service.id, practitionerId: practitionerId === "any" ? null : practitionerId, date })).slots : [];
  // "any doctor": one button per time, the booking picks the least busy doctor
  const byTime = new Map<string, { startAt: string; time: string; free: number; practitioners: string[] }>();
  for (const s of slots) {
    const key = s.startAt.toISOString();
    const entry = byTime.get(key) ?? { startAt: key, time: formatLocalTime(localTimeOf(s.startAt, tz), options.language), free: 0, practitioners: [] };
    entry.free += s.capacity - s.taken;
    entry.practitioners.push(s.practitionerName);
    byTime.set(key, entry);
  }
  return {
    services: all.map((s) => ({ id: s.id, name: s.name, nameEn: s.nameEn, branchName: s.branchName })),
    serviceId: service?.id ?? null,
    doctors,
    practitionerId,
    date,
    minDate: today,
    maxDate: addDays(today, options.horizonDays),
    slots: [...byTime.values()],
  };
}
