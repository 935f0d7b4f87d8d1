// The admin page for a plugin's settings: fields from its manifest, its own schema, its defaults.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as pluginsPage from "../app/routes/staff/settings.plugins.tsx";
import * as settingsPage from "../app/routes/staff/settings.plugin.tsx";
import { auditLog } from "../db/schema/index.ts";
import hospitalAppointments from "../plugins/hospital-appointments/index.ts";
import testGreetings from "./fixtures/plugins/test-greetings/index.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let admin: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, testGreetings] });
  runtime = app.runtime;
  admin = await createStaff(runtime, { roles: ["admin"] });
});
afterAll(() => app?.close());

type Page = { plugin: { name: string; fields: { name: string; label: string; value: unknown }[] } };
const path = (id: string) => `/staff/settings/plugins/${id}`;
const load = async (id: string, cookie = admin.cookie, language?: string) =>
  unwrap(await callRoute(runtime, settingsPage.loader, { path: path(id), params: { pluginId: id }, cookie, headers: language ? { "Accept-Language": language } : undefined }));
const save = (id: string, form: Record<string, string>, cookie = admin.cookie) =>
  callRoute(runtime, settingsPage.action, { path: path(id), method: "POST", params: { pluginId: id }, cookie, form });

const appointmentForm = { reminderTime: "17:30", cancelCutoffHours: "4", noShowGraceMinutes: "45", horizonDays: "60", waitlistHoldMinutes: "20" };

describe("a plugin's settings page", () => {
  it("shows each field, labelled in the plugin's words, with the defaults until an admin saves", async () => {
    const page = (await load("hospital-appointments")).data as Page;
    const byName = Object.fromEntries(page.plugin.fields.map((f) => [f.name, f]));
    expect(byName.reminderTime).toMatchObject({ value: "18.00", label: "Jam pengingat (sehari sebelumnya, waktu cabang)" });
    // a time is shown as each language writes it
    const english = (await load("hospital-appointments", admin.cookie, "en")).data as Page;
    expect(english.plugin.fields.find((f) => f.name === "reminderTime")?.value).toBe("6:00 pm");
    expect(byName.waitlistHoldMinutes.value).toBe(30);
    const listed = unwrap(await callRoute(runtime, pluginsPage.loader, { path: "/staff/settings/plugins", cookie: admin.cookie })).data as {
      plugins: { id: string; hasSettings: boolean }[];
    };
    expect(listed.plugins.find((p) => p.id === "hospital-appointments")?.hasSettings).toBe(true);
  });

  it("saves valid values through the plugin's schema, audited, and the plugin reads them", async () => {
    const res = await save("hospital-appointments", appointmentForm);
    expect((res as Response).headers.get("Location")).toBe(`${path("hospital-appointments")}?notice=saved`);
    expect(await runtime.registry.settings(runtime.db, "hospital-appointments")).toEqual({
      reminderTime: "17:30",
      cancelCutoffHours: 4,
      noShowGraceMinutes: 45,
      horizonDays: 60,
      waitlistHoldMinutes: 20,
    });
    const entries = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "plugin.settings_changed"), eq(auditLog.entityId, "hospital-appointments")));
    expect(entries).toHaveLength(1);
    const page = (await load("hospital-appointments")).data as Page;
    expect(page.plugin.fields.find((f) => f.name === "reminderTime")?.value).toBe("17.30");
    // typed the English way
    await save("hospital-appointments", { ...appointmentForm, reminderTime: "6:45 pm" });
    expect((await runtime.registry.settings(runtime.db, "hospital-appointments")).reminderTime).toBe("18:45");
    await save("hospital-appointments", appointmentForm);
  });

  it("refuses bad values with translated messages per field, keeps what was typed, and changes nothing", async () => {
    const before = await runtime.registry.settings(runtime.db, "hospital-appointments");
    const bad = { ...appointmentForm, reminderTime: "25:99", horizonDays: "", waitlistHoldMinutes: "dua" };
    const reply = unwrap(await save("hospital-appointments", bad));
    expect(reply.status).toBe(400);
    const { errors, entered } = reply.data as { errors: Record<string, string>; entered: Record<string, string> };
    expect(Object.keys(errors).sort()).toEqual(["horizonDays", "reminderTime", "waitlistHoldMinutes"]);
    for (const message of Object.values(errors)) {
      expect(message).not.toMatch(/validation\.|^[a-z_.]+$/);
    }
    expect(errors.reminderTime).toBe("Tulis jam dan menit, misalnya 18.00.");
    expect(entered).toMatchObject({ reminderTime: "25:99", waitlistHoldMinutes: "dua" });
    expect(await runtime.registry.settings(runtime.db, "hospital-appointments")).toEqual(before);
  });

  it("reads a checkbox as true or false", async () => {
    await save("test-greetings", { greeting: "Selamat pagi", loud: "on" });
    expect(await runtime.registry.settings(runtime.db, "test-greetings")).toEqual({ greeting: "Selamat pagi", loud: true });
    await save("test-greetings", { greeting: "Selamat pagi" });
    expect(await runtime.registry.settings(runtime.db, "test-greetings")).toEqual({ greeting: "Selamat pagi", loud: false });
  });

  it("answers 404 for a plugin that is not installed, and 403 to staff without core.plugin.manage", async () => {
    expect((await load("no-such-plugin")).status).toBe(404);
    const manager = await createStaff(runtime, { roles: ["manager"] });
    expect((await load("hospital-appointments", manager.cookie)).status).toBe(403);
    expect(((await save("hospital-appointments", appointmentForm, manager.cookie)) as Response).status).toBe(403);
  });
});
