// Everything the demo data serves, walked as an outside FHIR client would: every type in the
// CapabilityStatement, every page by its `next` link, each resource checked with HL7's R4 JSON
// schema and the no-empty-values rule, with meta.versionId and meta.lastUpdated, and read back
// by id with an ETag that a conditional read honours.
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFhirToken, seedDemoData } from "../../db/seed/demo.ts";
import { contacts } from "../../db/schema/index.ts";
import { installedPlugins } from "../../plugins/index.ts";
import { createTestApp } from "../support/test-app.ts";
import { fhirCall, type Json } from "./fhir-client.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  await seedDemoData(app.runtime);
}, 300_000);
afterAll(() => app.close());

const whole = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

describe("the demo data over FHIR", () => {
  it("serves only valid R4 resources without empty values, each with meta and a working ETag", async () => {
    const fhir = (path: string, headers: Record<string, string> = {}) => fhirCall(app.runtime, path, { token: demoFhirToken, headers });
    const types = (await fhir("/fhir/r4/metadata")).body.rest[0].resource.map((r: Json) => r.type as string);
    expect(types).toEqual(expect.arrayContaining(["Patient", "Practitioner", "Schedule", "Slot", "Appointment", "ServiceRequest"]));
    const served: Record<string, number> = {};
    for (const type of types) {
      let next: string | undefined = `/fhir/r4/${type}?_count=100`;
      let first: Json | null = null;
      while (next) {
        const { status, body } = await fhir(next);
        expect(status, next).toBe(200);
        for (const entry of body.entry ?? []) {
          const resource = entry.resource as Json;
          first ??= resource;
          expect(resource.resourceType).toBe(type);
          expect(resource.meta?.versionId, `${type}/${resource.id}`).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
          expect(resource.meta?.lastUpdated, `${type}/${resource.id}`).toMatch(whole);
          served[type] = (served[type] ?? 0) + 1;
        }
        next = body.link.find((l: Json) => l.relation === "next")?.url;
      }
      expect(first, `${type} has demo data`).not.toBeNull();
      const read = await fhir(`/fhir/r4/${type}/${first!.id}`);
      expect(read.status).toBe(200);
      expect(read.body.meta.versionId).toBe(first!.meta.versionId);
      expect((await fhir(`/fhir/r4/${type}/${first!.id}`, { "If-None-Match": read.headers.get("ETag")! })).status).toBe(304);
    }
    // purpose limitation: the demo's shoppers are contacts, not Patients
    const [{ total }] = await app.runtime.db.select({ total: count() }).from(contacts);
    expect(served.Patient).toBeGreaterThan(0);
    expect(served.Patient).toBeLessThan(Number(total));
    console.log(`FHIR demo walk: ${Object.entries(served).map(([t, n]) => `${t} ${n}`).join(", ")} (contacts ${total})`);
  }, 600_000);
});
