// The published OpenAPI document against the server that publishes it: requests generated from the
// document's schemas (json-schema-faker), invalid requests derived from each constraint in them, and
// edge cases. Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses) with the document is the oracle: the
// server must accept exactly what the document allows (plus the rules its descriptions state: the
// line sums), and every answer must carry a documented status and match that status's schema.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { sql } from "drizzle-orm";
import { generateSync } from "json-schema-faker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../app/plugin-api/index.ts";
import type { AppRuntime } from "../../app/plugin-api/server.ts";
import { callWithBody } from "../support/raw-request.ts";
import { createTestApp } from "../support/test-app.ts";
import { signatureHeader } from "../../plugins/retail-pos/api-auth.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import * as openapiRoute from "../../plugins/retail-pos/routes/api.openapi.ts";
import * as refundsRoute from "../../plugins/retail-pos/routes/api.refunds.ts";
import * as salesRoute from "../../plugins/retail-pos/routes/api.sales.ts";
import * as checkRoute from "../../plugins/retail-pos/routes/api.voucher-check.ts";
import * as redeemRoute from "../../plugins/retail-pos/routes/api.voucher-redeem.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";

type Schema = Record<string, any>; // JSON Schema objects as the document has them
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let creds: { apiKey: string; signingSecret: string };
let doc: Schema;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

function deref(s: unknown): any {
  if (Array.isArray(s)) return s.map(deref);
  if (!s || typeof s !== "object") return s;
  const o = s as Schema;
  if (typeof o.$ref === "string") return deref(doc.components.schemas[o.$ref.split("/").pop()!]);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, deref(v)]));
}
const schemaOf = (name: string) => deref(doc.components.schemas[name]);
const validatorCache = new Map<string, ReturnType<typeof ajv.compile>>();
function validator(key: string, schema: Schema) {
  let v = validatorCache.get(key);
  if (!v) validatorCache.set(key, (v = ajv.compile(schema)));
  return v;
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, retailLoyalty] });
  runtime = app.runtime;
  const [{ id: branchId }] = rowsOf<{ id: string }>(await runtime.db.execute(sql`insert into branches (code, name, kind) values ('TST-OA', 'Toko Spesifikasi', 'store') returning id`));
  const created = await createConnection(runtime.db, { kind: "system" }, { branchId, name: "Kasir spesifikasi" });
  if (!created.ok) throw new Error("no connection");
  creds = created;
  doc = (await (openapiRoute.loader() as Response).json()) as Schema;
});
afterAll(() => app.close());

const routes = { "/sales": salesRoute, "/refunds": refundsRoute, "/vouchers/{code}/check": checkRoute, "/vouchers/{code}/redeem": redeemRoute } as const;
type ApiPath = keyof typeof routes;

async function post(path: ApiPath, body: unknown, options: { code?: string; headers?: Record<string, string>; raw?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${creds.apiKey}`, "Nusa-Signature": signatureHeader(creds.signingSecret, raw), ...options.headers };
  const url = `/api/pos/v1${path.replace("{code}", encodeURIComponent(options.code ?? ""))}`;
  const res = (await callWithBody(runtime, routes[path].action, { path: url, method: "POST", body: raw, headers, params: options.code === undefined ? {} : { code: options.code } })) as Response;
  return { status: res.status, headers: res.headers, body: (await res.json()) as Schema };
}

/** The answer has a status the document lists for the operation, and its body matches that status's schema. */
function expectDocumented(path: string, method: string, res: { status: number; headers: Headers; body: unknown }) {
  const response = doc.paths[path][method].responses[String(res.status)];
  expect(response, `${method.toUpperCase()} ${path} answered ${res.status}, which the document does not list`).toBeDefined();
  const schema = deref(response.content["application/json"].schema);
  const validate = validator(`${path} ${method} ${res.status}`, schema);
  expect(validate(res.body), JSON.stringify({ body: res.body, errors: validate.errors })).toBe(true);
  for (const [name, header] of Object.entries<Schema>(response.headers ?? {})) {
    if (header.required) expect(res.headers.get(name), `header ${name}`).not.toBeNull();
  }
}

const looksLikeKey = /^[a-zA-Z]+(\.[a-zA-Z_]+)+(\|\d+)?$/;
function expectSentences(body: Schema) {
  expect(body.error.message).not.toMatch(looksLikeKey);
  expect(body.error.message).toMatch(/\s/);
  for (const issue of body.error.issues ?? []) {
    expect(issue.message).not.toMatch(looksLikeKey);
    expect(issue.message.length).toBeGreaterThan(5);
  }
}

type Sale = { receiptNumber: string; lines: { quantity: number; unitPrice: number; discount?: number }[]; total: number };
const lineSum = (s: Sale) => s.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice - (l.discount ?? 0), 0);
const discountOk = (s: Sale) => s.lines.every((l) => (l.discount ?? 0) <= l.quantity * l.unitPrice);

/** What the document (schema + the rules its descriptions state) says the server must answer. */
function expectedForSale(body: unknown): { status: number; code?: string } {
  if (!validator("Sale", schemaOf("Sale"))(body)) return { status: 422, code: "validation_failed" };
  const sale = body as Sale;
  if (!discountOk(sale)) return { status: 422, code: "validation_failed" };
  if (lineSum(sale) !== sale.total) return { status: 422, code: "total_mismatch" };
  return { status: 201 };
}

const seen = new Set<string>();
/** A generated sale whose receipt number was not used yet in this file (the receipt is unique per store). */
function fresh(body: Sale) {
  const key = body.receiptNumber.trim();
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

describe("requests generated from the published schemas", () => {
  it("accepts every generated sale that keeps the sums the document states, answering 201 with the documented body", async () => {
    // the document's own schema, narrowed so the generated lines can add up to an allowed total
    const sale = schemaOf("Sale");
    sale.properties.lines.maxItems = 6;
    sale.properties.lines.items.properties.quantity.maximum = 50;
    sale.properties.lines.items.properties.unitPrice.maximum = 5_000_000;
    let accepted = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const body = generateSync(sale, { seed, optionalsProbability: 0.6 }) as Sale;
      for (const l of body.lines) if (l.discount !== undefined) l.discount = Math.min(l.discount, l.quantity * l.unitPrice);
      body.total = lineSum(body);
      if (!fresh(body)) continue;
      expect(expectedForSale(body)).toEqual({ status: 201 });
      const res = await post("/sales", body);
      expect(res.status, JSON.stringify({ body, answer: res.body })).toBe(201);
      expectDocumented("/sales", "post", res);
      accepted++;
    }
    expect(accepted).toBeGreaterThan(30);
  });

  it("answers raw generated sales (random totals and discounts) exactly as the document says", async () => {
    const sale = schemaOf("Sale");
    const outcomes = new Map<string, number>();
    for (let seed = 101; seed <= 125; seed++) {
      const body = generateSync(sale, { seed, optionalsProbability: 0.6 }) as Sale;
      if (!fresh(body)) continue;
      const expected = expectedForSale(body);
      const res = await post("/sales", body);
      expect({ status: res.status, code: res.body.error?.code }, JSON.stringify(body).slice(0, 300)).toEqual(expected);
      expectDocumented("/sales", "post", res);
      if (res.body.error) expectSentences(res.body);
      outcomes.set(expected.code ?? "ok", (outcomes.get(expected.code ?? "ok") ?? 0) + 1);
    }
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
  });

  it("answers generated refunds as documented (no such sale: 422 original_sale_not_found)", async () => {
    const refund = schemaOf("Refund");
    for (let seed = 1; seed <= 10; seed++) {
      const body = generateSync(refund, { seed, optionalsProbability: 0.6 });
      expect(validator("Refund", refund)(body)).toBe(true);
      const res = await post("/refunds", body);
      expect([res.status, res.body.error?.code]).toEqual([422, "original_sale_not_found"]);
      expectDocumented("/refunds", "post", res);
    }
  });

  it("answers generated voucher checks and redeems as documented (unknown codes: 404)", async () => {
    const codeSchema = deref(doc.paths["/vouchers/{code}/check"].post.parameters.find((p: Schema) => p.name === "code").schema);
    const redeem = schemaOf("VoucherRedeem");
    for (let seed = 1; seed <= 8; seed++) {
      const code = generateSync(codeSchema, { seed }) as string;
      const check = await post("/vouchers/{code}/check", {}, { code });
      expect([check.status, check.body.error?.code]).toEqual([404, "voucher_not_found"]);
      expectDocumented("/vouchers/{code}/check", "post", check);
      const res = await post("/vouchers/{code}/redeem", generateSync(redeem, { seed }), { code });
      expect([res.status, res.body.error?.code]).toEqual([404, "voucher_not_found"]);
      expectDocumented("/vouchers/{code}/redeem", "post", res);
    }
  });
});

// ---- invalid requests derived from each constraint of the schema ---------------------------------

type Mutation = { path: (string | number)[]; what: string; apply: (body: any) => void };
const getAt = (o: any, path: (string | number)[]) => path.reduce((x, k) => x[k], o);
const setAt = (o: any, path: (string | number)[], v: unknown) => {
  getAt(o, path.slice(0, -1))[path[path.length - 1]] = v;
};

/** For every property of the (dereferenced) schema: one body per constraint that breaks it, and only it where possible. */
function mutations(schema: Schema, path: (string | number)[] = []): Mutation[] {
  const out: Mutation[] = [];
  const at = (what: string, value: () => unknown): Mutation => ({ path, what, apply: (b) => setAt(b, path, value()) });
  if (path.length > 0) {
    const wrongType = schema.type === "string" ? 12345 : schema.type === "integer" || schema.type === "number" ? "12" : schema.type === "array" ? {} : "x";
    out.push(at(`type ${schema.type}`, () => wrongType));
    out.push(at("null", () => null));
  }
  if (schema.type === "integer") {
    out.push(at("fraction", () => 1.5));
    if (schema.minimum !== undefined) out.push(at(`minimum ${schema.minimum}`, () => schema.minimum - 1));
    if (schema.maximum !== undefined) out.push(at(`maximum ${schema.maximum}`, () => schema.maximum + 1));
  }
  if (schema.type === "string") {
    if (schema.minLength) out.push(at(`minLength ${schema.minLength}`, () => "x".repeat(schema.minLength - 1)));
    if (schema.maxLength) out.push(at(`maxLength ${schema.maxLength}`, () => "8".repeat(schema.maxLength + 1)));
    if (schema.maxLength) out.push(at(`maxLength ${schema.maxLength} (code points)`, () => "😀".repeat(schema.maxLength + 1)));
    if (schema.pattern) {
      for (const candidate of ["   ", "\u0000abc", "abc def!", "2026-12-06 10:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T10:00:00Z", "2026-12-06T10:00:00", "0712345678", "+1 202 555 0100"]) {
        const len = [...candidate].length;
        if (len < (schema.minLength ?? 0) || len > (schema.maxLength ?? Infinity)) continue;
        if (!new RegExp(schema.pattern, "u").test(candidate)) out.push(at(`pattern (${JSON.stringify(candidate)})`, () => candidate));
      }
    }
    if (schema.format === "date-time") out.push(at("format date-time (30 Feb)", () => "2026-02-30T10:00:00+07:00"));
  }
  if (schema.enum) out.push(at("enum", () => "not-a-choice"));
  if (schema.type === "array") {
    if (schema.minItems) out.push({ path, what: `minItems ${schema.minItems}`, apply: (b) => setAt(b, path, getAt(b, path).slice(0, schema.minItems - 1)) });
    if (schema.maxItems !== undefined)
      out.push({ path, what: `maxItems ${schema.maxItems}`, apply: (b) => setAt(b, path, Array.from({ length: schema.maxItems + 1 }, () => structuredClone(getAt(b, path)[0]))) });
    out.push(...mutations(schema.items, [...path, 0]));
  }
  if (schema.type === "object") {
    if (schema.additionalProperties === false) out.push({ path, what: "additionalProperties", apply: (b) => (getAt(b, path).unexpected = 1) });
    for (const name of schema.required ?? []) out.push({ path: [...path, name], what: "required", apply: (b) => delete getAt(b, path)[name] });
    for (const [name, sub] of Object.entries<Schema>(schema.properties ?? {})) out.push(...mutations(sub, [...path, name]));
  }
  return out;
}

describe("invalid requests derived from the schema", () => {
  const base = () => ({
    receiptNumber: `INV-${seen.size}-${Math.random().toString(36).slice(2, 8)}`,
    occurredAt: "2026-12-06T10:00:00+07:00",
    customer: { memberCard: "RK-OA-1", phone: "0812-3456-7890", posCustomerId: "C-1", name: "Rina" },
    lines: [{ sku: "SKU-OA", name: "Ember", category: "rumah", quantity: 2, unitPrice: 15000, discount: 1000 }],
    total: 29000,
    paymentMethod: "cash",
    voucherCodes: ["NV-AAAA1111"],
  });

  it("refuses each one with 422 validation_failed, an issue at the broken field and sentences in the caller's language", async () => {
    const sale = schemaOf("Sale");
    const all = mutations(sale);
    expect(all.length).toBeGreaterThan(60);
    let checked = 0;
    for (const m of all) {
      const body = base();
      m.apply(body);
      if (validator("Sale", sale)(body)) continue; // e.g. removing an optional field's wrong value: nothing to test
      const res = await post("/sales", body, { headers: { "Accept-Language": checked % 2 ? "en-US,en;q=0.9" : "id" } });
      const label = `${m.path.join(".")}: ${m.what}`;
      expect([res.status, res.body.error?.code], label).toEqual([422, "validation_failed"]);
      expectDocumented("/sales", "post", res);
      expectSentences(res.body);
      expect(res.headers.get("Content-Language")).toBe(checked % 2 ? "en" : "id");
      const paths = (res.body.error.issues as { path: string }[]).map((i) => i.path);
      const target = m.what === "additionalProperties" ? [...m.path, "unexpected"].join(".") : m.path.join(".");
      expect(paths.some((p) => p === target || p.startsWith(`${target}.`)), `${label} → ${JSON.stringify(res.body.error.issues)}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
    expect(await count(sql`receipt_no like 'INV-%'`)).toBe(0);
  });

  it("refuses invalid voucher codes and bodies with 422", async () => {
    for (const code of ["abc", "NV 1234", "x".repeat(41), "NV-12€4"]) {
      const res = await post("/vouchers/{code}/check", {}, { code });
      expect([res.status, res.body.error.code, res.body.error.issues[0].path], code).toEqual([422, "validation_failed", "code"]);
      expectDocumented("/vouchers/{code}/check", "post", res);
    }
    for (const [path, body] of [
      ["/vouchers/{code}/check", { unexpected: 1 }],
      ["/vouchers/{code}/check", []],
      ["/vouchers/{code}/redeem", {}],
      ["/vouchers/{code}/redeem", { receiptNumber: "" }],
      ["/vouchers/{code}/redeem", { receiptNumber: "R-1", more: true }],
    ] as const) {
      const res = await post(path, body, { code: "NV-AAAA1111" });
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([422, "validation_failed"]);
      expectDocumented(path, "post", res);
    }
  });
});

const count = async (where: ReturnType<typeof sql>) =>
  Number(rowsOf<{ n: number }>(await runtime.db.execute(sql`select count(*)::int as n from retail_pos_sales where ${where}`))[0].n);

describe("edge cases", () => {
  const sale = (overrides: Record<string, unknown>) => ({
    receiptNumber: `EDGE-${Math.random().toString(36).slice(2, 10)}`,
    occurredAt: "2026-12-06T10:00:00+07:00",
    lines: [{ sku: "SKU-E", quantity: 1, unitPrice: 10000 }],
    total: 10000,
    ...overrides,
  });

  it("accepts what the document allows at its limits", async () => {
    const maxLine = { sku: "😀".repeat(64), name: "é".repeat(200), category: "カ".repeat(80), quantity: 100_000, unitPrice: 10_000, discount: 1_000_000_000 };
    for (const body of [
      sale({ occurredAt: "2026-12-06t10:00:00z" }),
      sale({ occurredAt: "2000-01-01T00:00:00.123456789-12:00" }),
      sale({ occurredAt: "2099-12-31T23:59:59Z" }),
      sale({ occurredAt: "2028-02-29T07:00:00+09:00" }),
      sale({ receiptNumber: `  ${"😀".repeat(40)}  ` }),
      sale({ lines: [maxLine], total: 0 }),
      sale({ customer: { phone: "+62 812-3456-7890" } }),
      sale({ customer: { phone: "62812345678901" } }),
      sale({ customer: { memberCard: "ABC", name: " x " } }),
      sale({ voucherCodes: [] }),
      sale({ lines: Array.from({ length: 500 }, (_, i) => ({ sku: `S${i}`, quantity: 1, unitPrice: 2 })), total: 1000 }),
    ]) {
      expect(expectedForSale(body), JSON.stringify(body).slice(0, 200)).toEqual({ status: 201 });
      const res = await post("/sales", body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expectDocumented("/sales", "post", res);
    }
  });

  it("refuses years 0001 and 9999 with a sentence that says the allowed years, in Indonesian or English", async () => {
    for (const occurredAt of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59+07:00", "1999-12-31T23:59:59Z"]) {
      const body = sale({ occurredAt });
      expect(expectedForSale(body).status).toBe(422);
      const id = await post("/sales", body);
      expect(id.body.error.issues).toEqual([{ path: "occurredAt", code: "date_out_of_range", message: "Tahun harus antara 2000 dan 2099." }]);
      const en = await post("/sales", body, { headers: { "Accept-Language": "en" } });
      expect(en.body.error.issues).toEqual([{ path: "occurredAt", code: "date_out_of_range", message: "The year must be between 2000 and 2099." }]);
      expect(en.body.error.message).toBe("The body does not match the schema: 1 issue, see error.issues.");
    }
  });

  it("states a discount over the line and a wrong total with their own codes", async () => {
    const over = await post("/sales", sale({ lines: [{ sku: "SKU-E", quantity: 2, unitPrice: 1000, discount: 2001 }], total: 0 }), { headers: { "Accept-Language": "en" } });
    expect(over.body.error.issues).toEqual([{ path: "lines.0.discount", code: "discount_exceeds_line", message: "The discount is more than this line's quantity × unitPrice (2000)." }]);
    const wrong = await post("/sales", sale({ total: 9999 }));
    expect(wrong.body.error).toMatchObject({ code: "total_mismatch", expected: 10000, received: 9999, message: "total (9999) tidak sama dengan jumlah quantity × unitPrice − discount semua baris (10000)." });
    expectDocumented("/sales", "post", wrong);
  });

  it("answers 400 for bodies that are not JSON and 405 with Allow for other methods, both documented", async () => {
    const bad = await post("/sales", null, { raw: "{not json" });
    expect([bad.status, bad.body.error.code]).toEqual([400, "invalid_json"]);
    expectDocumented("/sales", "post", bad);
    for (const [path, route] of Object.entries(routes)) {
      const res = (await callWithBody(runtime, route.loader, { path: `/api/pos/v1${path}`, headers: { "Accept-Language": "en" } })) as Response;
      expect(res.status).toBe(405);
      expect(res.headers.get("Allow")).toBe("POST");
      const body = (await res.json()) as Schema;
      expect(body.error).toMatchObject({ code: "method_not_allowed", message: "Method GET is not supported here; use POST." });
      expectDocumented(path, "post", { status: 405, headers: res.headers, body });
    }
    const put = (await callWithBody(runtime, salesRoute.action, { path: "/api/pos/v1/sales", method: "PUT", body: "{}" })) as Response;
    expect([put.status, put.headers.get("Allow")]).toEqual([405, "POST"]);
    const postDoc = (await callWithBody(runtime, openapiRoute.action, { path: "/api/pos/v1/openapi.json", method: "POST", body: "{}" })) as Response;
    expect([postDoc.status, postDoc.headers.get("Allow")]).toEqual([405, "GET, HEAD"]);
  });

  it("answers 413 for a body over 1 MB and 401 for a wrong key, documented, in the caller's language", async () => {
    const big = JSON.stringify(sale({ reason: "x".repeat(1_100_000) }));
    const res = await post("/sales", null, { raw: big, headers: { "Accept-Language": "en" } });
    expect([res.status, res.body.error.message]).toEqual([413, "The body is larger than 1 MB."]);
    expectDocumented("/sales", "post", res);
    const voucher = await post("/vouchers/{code}/redeem", null, { raw: big, code: "NV-AAAA1111" });
    expect([voucher.status, voucher.body.error.message]).toEqual([413, "Isi permintaan lebih dari 1 MB."]);
    expectDocumented("/vouchers/{code}/redeem", "post", voucher);
    const denied = await post("/sales", sale({}), { headers: { Authorization: "Bearer nusa_pos_wrong" } });
    expect([denied.status, denied.body.error.code]).toEqual([401, "unauthorized"]);
    expectDocumented("/sales", "post", denied);
  });
});
