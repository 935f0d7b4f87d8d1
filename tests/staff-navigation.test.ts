// The staff menu by area of work (issue 15 item 1): the dashboard, then each area in the order of
// the work, core and plugin entries together, each only for roles that can use it, in both languages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as staffLayout from "../app/routes/staff/layout.tsx";
import type { NavItem } from "../app/ui/portal-shell.tsx";
import { installedPlugins } from "../plugins/index.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  runtime = app.runtime;
});
afterAll(() => app.close());

async function menuOf(roles: string[], language: "id" | "en") {
  const staff = await createStaff(runtime, { roles });
  const layout = unwrap(await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie: staff.cookie, headers: { "Accept-Language": language } }));
  return (layout.data as { nav: NavItem[] }).nav;
}

/** "Area: entry, entry" per area, in menu order; the dashboard has no area. */
function outline(nav: NavItem[]) {
  const lines: string[] = [];
  for (const item of nav) {
    const head = item.group ?? "-";
    const last = lines.at(-1);
    if (last?.startsWith(`${head}:`)) lines[lines.length - 1] = `${last}, ${item.label}`;
    else lines.push(`${head}: ${item.label}`);
  }
  return lines;
}

describe("the staff menu", () => {
  it("lists an administrator's pages by area of work, in the order of the work", async () => {
    expect(outline(await menuOf(["admin"], "id"))).toEqual([
      "-: Dasbor",
      "Pelanggan: Kontak, Mitra",
      "Layanan: Tiket, Tugas, Survei",
      "Rumah sakit: Janji temu, Pasien saya hari ini, Jadwal praktik, Rujukan",
      "Ritel: Laporan penjualan, Produk, Koneksi POS, Impor penjualan, Program loyalitas, Voucher kasir",
      "Pemasaran: Segmen, Analitik pelanggan",
      "Laporan: Laporan manajemen, Laporan terjadwal",
      "Administrasi: Pengaturan, Privasi, Log audit, Kotak surat",
    ]);
  });

  it("speaks English with the same structure", async () => {
    const menu = outline(await menuOf(["admin"], "en"));
    expect(menu.map((line) => line.split(":")[0])).toEqual(["-", "Customers", "Service", "Hospital", "Retail", "Marketing", "Reports", "Administration"]);
    expect(menu[3]).toMatch(/^Hospital: Appointments/);
  });

  it("shows a store cashier only the retail desk and the customers she serves", async () => {
    const menu = await menuOf(["cashier"], "id");
    expect(new Set(menu.map((n) => n.group))).not.toContain("Rumah sakit");
    expect(menu.filter((n) => n.group === "Ritel").length).toBeGreaterThan(0);
    expect(menu.map((n) => n.to)).not.toContain("/staff/appointments");
    expect(menu.map((n) => n.to)).not.toContain("/staff/referrals");
    expect(menu.map((n) => n.to)).not.toContain("/staff/settings");
  });

  it("shows a doctor the hospital desk and no retail pages", async () => {
    const menu = await menuOf(["doctor"], "id");
    expect(menu.filter((n) => n.group === "Rumah sakit").map((n) => n.to)).toContain("/staff/appointments/doctor");
    expect(menu.some((n) => n.group === "Ritel")).toBe(false);
  });

  it("drops a disabled plugin's entries, and its area when nothing else is in it", async () => {
    const system = { kind: "system" as const };
    for (const id of ["hospital-appointments", "hospital-referrals"]) await runtime.registry.setEnabled(runtime.db, system, id, false);
    try {
      const menu = await menuOf(["admin"], "en");
      expect(menu.some((n) => n.group === "Hospital")).toBe(false);
      expect(menu.some((n) => n.group === "Retail")).toBe(true);
    } finally {
      for (const id of ["hospital-appointments", "hospital-referrals"]) await runtime.registry.setEnabled(runtime.db, system, id, true);
    }
  });
});
