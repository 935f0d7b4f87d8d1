import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { callWithBody } from "../support/raw-request.ts";
import { callRoute, createCustomer, createStaff, createTestApp } from "../support/test-app.ts";
import { signatureHeader } from "../../plugins/retail-pos/api-auth.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as openapiRoute from "../../plugins/retail-pos/routes/api.openapi.ts";
import * as checkRoute from "../../plugins/retail-pos/routes/api.voucher-check.ts";
import * as redeemRoute from "../../plugins/retail-pos/routes/api.voucher-redeem.ts";
import { adjustPoints, enrol, redeemReward } from "../../plugins/retail-loyalty/ledger.server.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { seedRetailLoyalty } from "../../plugins/retail-loyalty/seed.server.ts";

// The till checks and burns loyalty vouchers through retail-pos's signed API; retail-loyalty answers
// through a core command. Driven through the real route actions with signed raw bodies.
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let creds: { apiKey: string; signingSecret: string };
let shopper: Awaited<ReturnType<typeof createCustomer>>;
let rewardId: string;

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, retailLoyalty] });
  runtime = app.runtime;
  const [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values ('TST-V', 'Toko Voucher', 'store') returning id`));
  const created = await createConnection(runtime.db, { kind: "system" }, { branchId, name: "Kasir" });
  if (!created.ok) throw new Error("no connection");
  creds = created;
  await createStaff(runtime, { roles: ["admin"], email: "admin@nusa-crm.id" }); // the demo programme is created by the admin
  await seedRetailLoyalty({ db: runtime.db, logger: runtime.logger });
  shopper = await createCustomer(runtime);
  await runtime.db.execute(sql`insert into contact_identifiers (contact_id, system, value) values (${shopper.contact.id}, 'member_card', 'RK910001')`);
  await enrol(runtime.db, { kind: "system" }, shopper.contact.id);
  const staff = await createStaff(runtime, { roles: ["manager"] });
  await adjustPoints(runtime.db, { kind: "staff", userId: staff.id, permissions: new Set(), branchId: null }, { contactId: shopper.contact.id, points: 5000, reason: "uji voucher" });
  [{ id: rewardId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`select id from retail_loyalty_rewards where code = 'VCR-25K'`));
});
afterAll(() => app.close());

const newVoucher = async () => (await redeemReward(runtime.db, { kind: "customer", userId: shopper.id, contactId: shopper.contact.id }, rewardId)).code;

async function call(route: typeof checkRoute | typeof redeemRoute, code: string, body: unknown, options: { secret?: string; key?: string; signature?: string } = {}) {
  const raw = JSON.stringify(body);
  const op = route === checkRoute ? "check" : "redeem";
  const res = (await callWithBody(runtime, route.action, {
    path: `/api/pos/v1/vouchers/${encodeURIComponent(code)}/${op}`,
    method: "POST",
    body: raw,
    params: { code },
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${options.key ?? creds.apiKey}`, "Nusa-Signature": options.signature ?? signatureHeader(options.secret ?? creds.signingSecret, raw) },
  })) as Response;
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
}

const statusOf = async (code: string) =>
  rowsOf<{ status: string; used_receipt_no: string | null }>(await runtime.db.execute(sql`select status, used_receipt_no from retail_loyalty_vouchers where code = ${code}`))[0];

describe("POST /api/pos/v1/vouchers/{code}/check", () => {
  it("tells the till the voucher is valid and what it is worth, and changes nothing", async () => {
    const code = await newVoucher();
    const res = await call(checkRoute, code.toLowerCase(), {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "valid", voucher: { code, value: 25_000, reward: { id: "Voucher belanja Rp 25.000" } } });
    expect(JSON.stringify(res.body)).not.toContain(shopper.contact.id);
    expect((await statusOf(code)).status).toBe("issued");
  });

  it("answers 404 for an unknown code and 409 voucher_expired for an expired one", async () => {
    expect((await call(checkRoute, "NV-TIDAKADA1", {})).body.error.code).toBe("voucher_not_found");
    const code = await newVoucher();
    await runtime.db.execute(sql`update retail_loyalty_vouchers set expires_at = now() - interval '1 day' where code = ${code}`);
    const res = await call(checkRoute, code, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("voucher_expired");
    const burn = await call(redeemRoute, code, { receiptNumber: "X-EXP" });
    expect(burn.status).toBe(409);
    expect(burn.body.error.code).toBe("voucher_expired");
    expect((await statusOf(code)).status).toBe("issued");
  });

  it("refuses a wrong key or signature before looking at the voucher", async () => {
    const code = await newVoucher();
    expect((await call(checkRoute, code, {}, { key: "nusa_pos_salah" })).status).toBe(401);
    const forged = await call(redeemRoute, code, { receiptNumber: "X-1" }, { secret: "whsec_salah" });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe("signature_invalid");
    expect((await statusOf(code)).status).toBe("issued");
  });
});

describe("POST /api/pos/v1/vouchers/{code}/redeem", () => {
  it("burns once; a retry for the same receipt is replayed, another receipt is refused", async () => {
    const code = await newVoucher();
    const first = await call(redeemRoute, code, { receiptNumber: "BDG-V-1" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: "redeemed", voucher: { code, value: 25_000, receiptNumber: "BDG-V-1" } });
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await statusOf(code)).toEqual({ status: "used", used_receipt_no: "BDG-V-1" });

    const retry = await call(redeemRoute, code, { receiptNumber: "BDG-V-1" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.body).toMatchObject({ status: "redeemed", voucher: { code, receiptNumber: "BDG-V-1" } });

    const other = await call(redeemRoute, code, { receiptNumber: "BDG-V-2" });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("voucher_used");
    expect(other.body.error.voucher.receiptNumber).toBeUndefined();
    expect((await call(checkRoute, code, {})).body.error.code).toBe("voucher_used");
    expect(await statusOf(code)).toEqual({ status: "used", used_receipt_no: "BDG-V-1" });
  });

  it("lets exactly one of several concurrent tills burn the same voucher", async () => {
    const code = await newVoucher();
    const results = await Promise.all(["C-1", "C-2", "C-3"].map((receiptNumber) => call(redeemRoute, code, { receiptNumber })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it("needs a receipt number", async () => {
    const code = await newVoucher();
    const res = await call(redeemRoute, code, {});
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect((await call(redeemRoute, code, { receiptNumber: "R", extra: 1 })).status).toBe(422);
    expect((await statusOf(code)).status).toBe("issued");
  });

  it("answers 503 loyalty_unavailable while retail-loyalty is disabled, and works again after", async () => {
    const code = await newVoucher();
    await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "retail-loyalty", false);
    try {
      const res = await call(redeemRoute, code, { receiptNumber: "OFF-1" });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("loyalty_unavailable");
    } finally {
      await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "retail-loyalty", true);
    }
    expect((await statusOf(code)).status).toBe("issued");
    expect((await call(redeemRoute, code, { receiptNumber: "OFF-1" })).status).toBe(201);
  });
});

it("documents both voucher endpoints in openapi.json", async () => {
  const doc = (await (await callRoute(runtime, openapiRoute.loader, { path: "/api/pos/v1/openapi.json" }) as Response).json()) as Record<string, any>;
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/vouchers/{code}/check", "/vouchers/{code}/redeem"]));
  expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(expect.arrayContaining(["voucher_not_found", "voucher_used", "voucher_expired", "loyalty_unavailable"]));
});
