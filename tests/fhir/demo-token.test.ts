// The FHIR demo token README.md lists is seeded with the demo data, once, and reads the demo patient.
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../app/core/api-tokens/api-tokens.server.ts";
import * as typeRoute from "../../app/routes/fhir/type.ts";
import { demoFhirToken, seedDemoData } from "../../db/seed/demo.ts";
import { apiTokens } from "../../db/schema/index.ts";
import { callRoute, createTestApp } from "../support/test-app.ts";
import { fhirSchemaErrors } from "./fhir-schema.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("the demo FHIR token", () => {
  it("is in README.md, seeded once with scope system/*.read, and finds the demo patient by NIK", async () => {
    expect(fs.readFileSync(new URL("../../README.md", import.meta.url), "utf8")).toContain(demoFhirToken);
    await seedDemoData(app.runtime);
    await seedDemoData(app.runtime);
    const rows = await app.runtime.db.select().from(apiTokens).where(eq(apiTokens.secretHash, hashSecret(demoFhirToken)));
    expect(rows).toHaveLength(1);
    expect(rows[0].scopes).toEqual(["system/*.read"]);
    const response = (await callRoute(app.runtime, typeRoute.loader, {
      path: "/fhir/r4/Patient?identifier=https://fhir.kemkes.go.id/id/nik%7C3171011207840003",
      headers: { Authorization: `Bearer ${demoFhirToken}` },
      params: { type: "Patient" },
    })) as Response;
    expect(response.status).toBe(200);
    const bundle = await response.json();
    expect(fhirSchemaErrors(bundle)).toEqual([]);
    expect(bundle.entry.map((e: { resource: { name: { text: string }[] } }) => e.resource.name[0].text)).toEqual(["Budi Santoso"]);
  });
});
