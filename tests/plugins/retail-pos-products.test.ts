// A manager adds a product with its price typed as staff write Rupiah ("Rp 25.000"); an amount the
// form would have to guess at gets a translated message and adds nothing.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { installedPlugins } from "../../plugins/index.ts";
import * as productsPage from "../../plugins/retail-pos/routes/staff.products.tsx";
import { retailPosProducts } from "../../plugins/retail-pos/schema.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let cookie: string;
beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  runtime = app.runtime;
  cookie = (await createStaff(runtime, { roles: ["manager"] })).cookie;
});
afterAll(() => app.close());

const create = (form: Record<string, string>) =>
  callRoute(runtime, productsPage.action, { path: "/staff/pos/products", cookie, form: { intent: "create", name: "Panci Email 24 cm", category: "dapur", ...form } });
const priceOf = async (sku: string) => (await runtime.db.select({ price: retailPosProducts.priceIdr }).from(retailPosProducts).where(eq(retailPosProducts.sku, sku)))[0]?.price;

describe("adding a product", () => {
  it("reads the price with thousands separators or the Rp prefix", async () => {
    for (const [sku, price, expected] of [
      ["PAN-024", "Rp 25.000", 25_000],
      ["PAN-026", "1.250.000", 1_250_000],
      ["PAN-028", "30000", 30_000],
      ["PAN-030", "IDR 45,500", 45_500],
    ] as const) {
      const response = unwrap(await create({ sku, price }));
      expect(response.status, price).toBe(302);
      expect(Number(await priceOf(sku)), price).toBe(expected);
    }
  });

  it("refuses a decimal or garbled price with a translated message, and adds nothing", async () => {
    for (const price of ["25.5", "25,50", "dua puluh ribu", "-100", ""]) {
      const response = unwrap(await create({ sku: "PAN-099", price }));
      expect(response.status, price).toBe(400);
      expect((response.data as { error: Record<string, string[]> }).error.price, price).toEqual(["retail-pos:products.errors.price"]);
    }
    expect(await priceOf("PAN-099")).toBeUndefined();
  });
});
