// The OpenAPI 3.1 description of the POS ingest API v1, served at /api/pos/v1/openapi.json. It is
// generated from the zod schemas the routes validate with (sale-payload.ts), so the published rules
// and the enforced rules cannot drift apart (ADR 011).
import { OpenAPIRegistry, OpenApiGeneratorV31, z, type ResponseConfig } from "../../app/plugin-api/openapi.ts";
import {
  idempotencyKeySchema,
  issueCodes,
  posErrorCodes,
  refundSchema,
  saleSchema,
  voucherCheckSchema,
  voucherCodeSchema,
  voucherRedeemSchema,
} from "./sale-payload.ts";

/** Body size limit, in bytes (the handler enforces the same number). */
export const apiMaxBodyBytes = 1_000_000;

const issueSchema = z
  .object({
    path: z.string().openapi({ description: "Dotted path of the field, e.g. `lines.0.sku`, or `Idempotency-Key` / `code`", example: "lines.0.quantity" }),
    code: z.enum(issueCodes).openapi({ description: "Stable machine code of the problem" }),
    message: z.string().openapi({ description: "A sentence in the caller's Accept-Language (Indonesian by default)", example: "Minimal 1." }),
  })
  .openapi("Issue");

const recordedSchema = z
  .object({
    id: z.string().uuid(),
    type: z.enum(["sale", "refund"]),
    receiptNumber: z.string(),
    status: z.literal("recorded"),
    customerMatched: z.boolean().openapi({ description: "Whether the sale is linked to a contact" }),
    total: z.number().int().min(0).openapi({ description: "Integer Rupiah" }),
  })
  .openapi("Recorded", {
    example: { id: "0b9f3c1e-4a52-4c8e-9a51-2f0f1d3c9e11", type: "sale", receiptNumber: "BDG-0001", status: "recorded", customerMatched: true, total: 189000 },
  });

const voucherSchema = z
  .object({
    code: z.string().openapi({ example: "NV-7K2Q9XW4PD" }),
    value: z.number().int().min(0).openapi({ description: "Discount to give, integer Rupiah", example: 50000 }),
    reward: z.object({ id: z.string(), en: z.string() }).openapi({ description: "Reward name in Indonesian and English" }),
    expiresAt: z.string().datetime().openapi({ format: "date-time" }),
    usedAt: z.string().datetime().optional().openapi({ format: "date-time", description: "When it was burned (redeemed vouchers)" }),
    receiptNumber: z.string().optional().openapi({ description: "The receipt it was used on (redeemed vouchers)" }),
  })
  .openapi("Voucher");

const errorSchema = z
  .object({
    error: z
      .object({
        code: z.enum(posErrorCodes).openapi({ description: "Stable machine code; the HTTP status and this code say what happened" }),
        message: z.string().openapi({ description: "A sentence in the caller's Accept-Language (Indonesian by default, or English)" }),
        issues: z.array(issueSchema).optional().openapi({ description: "validation_failed: one entry per field" }),
        expected: z.number().int().optional().openapi({ description: "total_mismatch: the sum of the lines" }),
        received: z.number().int().optional().openapi({ description: "total_mismatch: the total sent" }),
        saleTotal: z.number().int().optional().openapi({ description: "refund_exceeds_sale: the sale's total" }),
        originalReceiptNumber: z.string().optional().openapi({ description: "original_sale_not_found" }),
        receiptNumber: z.string().optional().openapi({ description: "receipt_already_recorded" }),
        method: z.string().optional().openapi({ description: "method_not_allowed: the method used" }),
        allow: z.string().optional().openapi({ description: "method_not_allowed: the methods this path takes (also the Allow header)" }),
        voucher: voucherSchema.optional().openapi({ description: "voucher_used / voucher_expired: which voucher" }),
      })
      .openapi({ description: "What went wrong. Nothing was written." }),
  })
  .openapi("Error", {
    example: { error: { code: "validation_failed", message: "Isi permintaan tidak sesuai skema: 1 masalah, lihat error.issues.", issues: [{ path: "lines.0.quantity", code: "too_small", message: "Minimal 1." }] } },
  });

const contentLanguage = z.enum(["id", "en"]).openapi({ description: "The language of error messages" });
const json = (schema: z.ZodTypeAny) => ({ "application/json": { schema } });
const errorResponse = (description: string, headers: Record<string, z.ZodTypeAny> = {}): ResponseConfig => ({
  description,
  headers: z.object({ "Content-Language": contentLanguage, ...headers }),
  content: json(errorSchema),
});

const errors = {
  400: errorResponse("`invalid_json`: the body is not UTF-8 JSON"),
  401: errorResponse("`unauthorized` (API key missing or unknown), `signature_missing`, `signature_invalid` or `signature_expired`"),
  405: errorResponse("`method_not_allowed`: only POST is served here", { Allow: z.string().openapi({ description: "The methods this path takes", example: "POST" }) }),
  413: errorResponse(`\`payload_too_large\`: the body is over ${apiMaxBodyBytes.toLocaleString("en")} bytes. The body is still read, so the keep-alive connection can be reused (bodies over 17 MB close it).`),
  422: errorResponse("`validation_failed` (see `error.issues`) or a rule beyond the schema"),
};

const signatureHeader = z
  .string()
  .regex(/^t=\d{1,12}(,v1=[0-9a-fA-F]{64})+$/)
  .openapi({
    param: {
      description:
        't=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw body>")>. 300 s tolerance; several v1 values may be sent while a secret rotates. A wrong or expired signature is 401.',
    },
    example: "t=1764123456,v1=5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
  });
const acceptLanguage = z.string().optional().openapi({ param: { description: "`id` (default) or `en`: the language of error messages" }, example: "en" });
const ingestHeaders = z.object({
  "Nusa-Signature": signatureHeader,
  "Idempotency-Key": idempotencyKeySchema.optional().openapi({
    param: {
      description:
      "Defaults to `sale:<receiptNumber>` / `refund:<receiptNumber>`. A retry with the same key and body is answered 200 with Idempotent-Replayed: true; the same key with another body is 409.",
    },
  }),
  "Accept-Language": acceptLanguage,
});
const voucherHeaders = z.object({ "Nusa-Signature": signatureHeader, "Accept-Language": acceptLanguage });
const codeParams = z.object({
  code: voucherCodeSchema.openapi({ param: { name: "code", in: "path", description: "The voucher code the shopper shows (case-insensitive)" } }),
});

const replayed = z.object({ "Idempotent-Replayed": z.literal("true").openapi({ description: "This answer repeats the first one" }) });
const recorded = (description: string, replay = false): ResponseConfig => ({ description, ...(replay ? { headers: replayed } : {}), content: json(recordedSchema) });
const voucherAnswer = (status: "valid" | "redeemed") =>
  z.object({ status: z.literal(status), voucher: voucherSchema }).openapi(status === "valid" ? "VoucherValid" : "VoucherRedeemed");

function buildDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "The connection's API key (`nusa_pos_…`), created by a manager at /staff/pos/connections" });

  registry.registerPath({
    method: "post",
    path: "/sales",
    operationId: "recordSale",
    tags: ["sales"],
    summary: "Record a sale",
    description: "Records a sale once. Idempotent: the Idempotency-Key (default `sale:<receiptNumber>`) makes a retry safe.",
    security: [{ apiKey: [] }],
    request: { headers: ingestHeaders, body: { required: true, content: json(saleSchema) } },
    responses: {
      201: recorded("Recorded now"),
      200: recorded("Already recorded with this key and body (replay)", true),
      ...errors,
      409: errorResponse("`idempotency_key_reused` (key used with another body) or `receipt_already_recorded` (receipt recorded under another key)"),
      422: errorResponse("`validation_failed` (see `error.issues`) or `total_mismatch`"),
    },
  });
  registry.registerPath({
    method: "post",
    path: "/refunds",
    operationId: "recordRefund",
    tags: ["sales"],
    summary: "Record a refund of a recorded sale",
    description: "Records a refund once (Idempotency-Key default `refund:<receiptNumber>`). Refunds of one sale never exceed its total.",
    security: [{ apiKey: [] }],
    request: { headers: ingestHeaders, body: { required: true, content: json(refundSchema) } },
    responses: {
      201: recorded("Recorded now"),
      200: recorded("Already recorded with this key and body (replay)", true),
      ...errors,
      409: errorResponse("`idempotency_key_reused` or `receipt_already_recorded`"),
      422: errorResponse("`validation_failed` (see `error.issues`), `original_sale_not_found` or `refund_exceeds_sale`"),
    },
  });
  const voucherErrors = {
    ...errors,
    404: errorResponse("`voucher_not_found`"),
    409: errorResponse("`voucher_used` or `voucher_expired` (`error.voucher` tells which voucher)"),
    422: errorResponse("`validation_failed`: the code or the body does not match (see `error.issues`)"),
    503: errorResponse("`loyalty_unavailable`: the retail-loyalty plugin is disabled"),
  };
  registry.registerPath({
    method: "post",
    path: "/vouchers/{code}/check",
    operationId: "checkVoucher",
    tags: ["vouchers"],
    summary: "Check a loyalty voucher at the till",
    description: "Changes nothing. Signed like every request; the body is `{}`.",
    security: [{ apiKey: [] }],
    request: { params: codeParams, headers: voucherHeaders, body: { required: true, content: json(voucherCheckSchema) } },
    responses: { 200: { description: "Valid: give `voucher.value` off", content: json(voucherAnswer("valid")) }, ...voucherErrors },
  });
  registry.registerPath({
    method: "post",
    path: "/vouchers/{code}/redeem",
    operationId: "redeemVoucher",
    tags: ["vouchers"],
    summary: "Burn a loyalty voucher on a receipt, once",
    description: "Idempotent per (code, receiptNumber): a retry for the same receipt answers 200 with Idempotent-Replayed: true; another receipt gets 409 voucher_used.",
    security: [{ apiKey: [] }],
    request: { params: codeParams, headers: voucherHeaders, body: { required: true, content: json(voucherRedeemSchema) } },
    responses: {
      201: { description: "Burned now", content: json(voucherAnswer("redeemed")) },
      200: { description: "Already burned on this receipt (replay)", headers: replayed, content: json(voucherAnswer("redeemed")) },
      ...voucherErrors,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApi",
    tags: ["meta"],
    summary: "This document",
    description: "Public; no key needed.",
    security: [],
    responses: {
      200: { description: "The OpenAPI 3.1 document", content: { "application/json": { schema: z.object({ openapi: z.string() }).passthrough() } } },
      405: { description: "Only GET and HEAD", headers: z.object({ Allow: z.string().openapi({ example: "GET, HEAD" }) }), content: json(errorSchema) },
    },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Nusa CRM POS ingest API",
      version: "1.1.0",
      description:
        "Store tills push sales and refunds in real time, and check and burn loyalty vouchers at the till. Authenticate with the connection's API key (`Authorization: Bearer …`) and sign the raw body with its signing secret (`Nusa-Signature`). Bodies are JSON, at most 1 MB. Errors: `{ error: { code, message, issues? } }`, the message in the caller's Accept-Language (`id` default, `en`).",
      contact: { name: "Nusa CRM integrations", email: "integrasi@nusa-crm.id", url: "https://nusa-crm.id/integrasi" },
      license: { name: "Proprietary", url: "https://nusa-crm.id/lisensi" },
    },
    servers: [{ url: "/api/pos/v1", description: "This CRM" }],
    tags: [
      { name: "meta", description: "This description" },
      { name: "sales", description: "Sales and refunds pushed by the till" },
      { name: "vouchers", description: "Loyalty vouchers checked and burned at the till (answered by retail-loyalty)" },
    ],
  });
}

let cached: ReturnType<typeof buildDocument> | undefined;
/** The document (built once). */
export function openApiDocument() {
  cached ??= buildDocument();
  return cached;
}
