// The data protection officer's overview: consent coverage per purpose counted by hand, and each
// part shown only to who holds its permission.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consents, rolePermissions, roles } from "../../db/schema/index.ts";
import { consentCoverage } from "../../app/core/privacy/dpo-overview.server.ts";
import * as overviewRoute from "../../app/routes/staff/privacy.tsx";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("consent coverage", () => {
  it("counts living contacts only: allowed, withdrawn and never asked per purpose", async () => {
    const [a, b, c, d] = await Promise.all(["Ayu", "Bagus", "Citra", "Dewi"].map((fullName) => createContact(app.runtime, { fullName })));
    const erased = await createContact(app.runtime, { fullName: "—", email: null });
    const merged = await createContact(app.runtime, { fullName: "Ayu (lama)", mergedIntoId: a.id });
    const answer = (contactId: string, purpose: "marketing" | "service_messages", granted: boolean) => ({ contactId, purpose, granted, source: "staff" as const });
    await app.runtime.db.insert(consents).values([
      answer(a.id, "marketing", true),
      answer(b.id, "marketing", true),
      answer(c.id, "marketing", false),
      answer(erased.id, "marketing", true),
      answer(merged.id, "marketing", true),
      answer(a.id, "service_messages", true),
    ]);
    void d; // never asked anything
    // 4 living contacts (Ayu, Bagus, Citra, Dewi); the tombstone and the merged record do not count
    expect(await consentCoverage(app.runtime.db)).toEqual([
      { purpose: "service_messages", contacts: 4, granted: 1, withdrawn: 0, unknown: 3 },
      { purpose: "marketing", contacts: 4, granted: 2, withdrawn: 1, unknown: 1 },
      { purpose: "surveys", contacts: 4, granted: 0, withdrawn: 0, unknown: 4 },
      { purpose: "partner_sharing", contacts: 4, granted: 0, withdrawn: 0, unknown: 4 },
    ]);

    const admin = await createStaff(app.runtime, { roles: ["admin"] });
    const page = unwrap(await callRoute(app.runtime, overviewRoute.loader, { path: "/staff/privacy", cookie: admin.cookie }));
    const coverage = (page.data as { coverage: { purpose: string; share: string; name: string }[] }).coverage;
    expect(coverage.find((row) => row.purpose === "marketing")).toMatchObject({ share: "50", name: "Promosi dan penawaran" });
    expect(coverage.find((row) => row.purpose === "service_messages")).toMatchObject({ share: "25" });
  });

  it("shows an incident handler the incidents, without requests or coverage", async () => {
    await app.runtime.db.insert(roles).values({ id: "security" });
    await app.runtime.db.insert(rolePermissions).values({ roleId: "security", permissionId: "core.privacyIncident.manage" });
    const handler = await createStaff(app.runtime, { roles: ["security"] });
    const page = unwrap(await callRoute(app.runtime, overviewRoute.loader, { path: "/staff/privacy", cookie: handler.cookie }));
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ requests: null, coverage: null, incidents: [] });
  });
});
