// Page titles come from the locales, in the reader's language: a route's loader returns `title`
// (pageTitle / withAppName) and its meta shows it; no route carries a hard-coded title.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import * as forgotPassword from "../../app/routes/auth/forgot-password.tsx";
import * as partnerUsers from "../../app/routes/partner/users.tsx";
import * as portalTickets from "../../app/routes/portal/tickets.tsx";
import * as contactsPage from "../../app/routes/staff/contacts.tsx";
import * as segmentEdit from "../../app/routes/staff/segments.edit.tsx";
import * as taskNew from "../../app/routes/staff/task-new.tsx";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import * as dayView from "../../plugins/hospital-appointments/routes/staff.appointments.tsx";
import * as partnerReferrals from "../../plugins/hospital-referrals/routes/partner.referrals.tsx";
import { callRoute, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

const root = path.resolve(import.meta.dirname, "../..");

function routeFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".tsx") ? [path.join(dir, e.name)] : []));
  const plugins = fs
    .readdirSync(path.join(root, "plugins"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, "plugins", e.name, "routes")))
    .flatMap((e) => walk(path.join(root, "plugins", e.name, "routes")));
  return [...walk(path.join(root, "app/routes")), ...plugins];
}

describe("page titles", () => {
  it("no route file writes a title as a literal (e.g. \"Kontak · Contacts · Nusa CRM\")", () => {
    const literal = /(["'])[^"'\n]*· Nusa CRM\1|`[^`$\n]*· Nusa CRM`/;
    const offenders = routeFiles()
      .filter((file) => literal.test(fs.readFileSync(file, "utf8")))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });

  describe("from the reader's language", () => {
    let app: Awaited<ReturnType<typeof createTestApp>>;
    let runtime: AppRuntime;
    let staff: Awaited<ReturnType<typeof createStaff>>;
    let customer: Awaited<ReturnType<typeof createCustomer>>;
    let partner: Awaited<ReturnType<typeof createPartnerUser>>;

    beforeAll(async () => {
      app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals] });
      runtime = app.runtime;
      staff = await createStaff(runtime, { roles: ["admin"] });
      customer = await createCustomer(runtime);
      const org = await createPartnerOrg(runtime);
      partner = await createPartnerUser(runtime, org.id);
    });
    afterAll(() => app?.close());

    const titleOf = async (loader: (args: never) => unknown, route: string, cookie: string | undefined, language: "id" | "en") =>
      (unwrap(await callRoute(runtime, loader as never, { path: route, cookie, headers: { "Accept-Language": language } })).data as { title: string }).title;

    it.each([
      ["/staff/contacts", "staff", contactsPage.loader, "Kontak · Nusa CRM", "Contacts · Nusa CRM"],
      ["/staff/segments/new", "staff", segmentEdit.loader, "Segmen baru · Nusa CRM", "New segment · Nusa CRM"],
      ["/staff/tasks/new?title=Telepon+balik", "staff", taskNew.loader, "Tugas baru · Nusa CRM", "New task · Nusa CRM"],
      ["/staff/appointments", "staff", dayView.loader, "Janji temu harian · Nusa CRM", "Appointments by day · Nusa CRM"],
      ["/portal/tickets", "customer", portalTickets.loader, "Keluhan & permintaan · Nusa CRM", "Complaints & requests · Nusa CRM"],
      ["/partner/users", "partner", partnerUsers.loader, "Pengguna organisasi · Nusa CRM", "Organisation users · Nusa CRM"],
      ["/partner/referrals", "partner", partnerReferrals.loader, "Rujukan · Nusa CRM", "Referrals · Nusa CRM"],
      ["/staff/forgot-password", "nobody", forgotPassword.loader, "Lupa kata sandi · Nusa CRM", "Forgot password · Nusa CRM"],
    ] as const)("%s in Indonesian and English", async (route, who, loader, id, en) => {
      const cookie = who === "staff" ? staff.cookie : who === "customer" ? customer.cookie : who === "partner" ? partner.cookie : undefined;
      expect(await titleOf(loader, route, cookie, "id")).toBe(id);
      expect(await titleOf(loader, route, cookie, "en")).toBe(en);
    });

    it("a prefilled task title stays apart from the page title", async () => {
      const page = unwrap(await callRoute(runtime, taskNew.loader, { path: "/staff/tasks/new?title=Telepon+balik", cookie: staff.cookie })).data as { title: string; taskTitle: string };
      expect(page.taskTitle).toBe("Telepon balik");
    });
  });
});
