// The OpenAPI 3.1 description of the POS ingest API v1, served at /api/pos/v1/openapi.json.
const rupiah = { type: "integer", minimum: 0, description: "Integer Rupiah" };
const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: {
          type: "string",
          enum: ["unauthorized", "signature_missing", "signature_invalid", "signature_expired", "payload_too_large", "invalid_json", "validation_failed", "total_mismatch", "idempotency_key_reused", "receipt_already_recorded", "original_sale_not_found", "refund_exceeds_sale", "voucher_not_found", "voucher_used", "voucher_expired", "loyalty_unavailable"],
        },
        message: { type: "string" },
        issues: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
      },
    },
  },
};
const headers = [
  { name: "Nusa-Signature", in: "header", required: true, schema: { type: "string" }, description: 't=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw body>")>. 300 s tolerance; several v1 values may be sent while a secret rotates.' },
  { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 128 }, description: "Defaults to the receipt number. A retried request with the same key and body is answered 200 with Idempotent-Replayed: true; the same key with another body is refused with 409." },
];
const recorded = {
  type: "object",
  properties: { id: { type: "string", format: "uuid" }, type: { enum: ["sale", "refund"] }, receiptNumber: { type: "string" }, status: { const: "recorded" }, customerMatched: { type: "boolean" }, total: rupiah },
};
const responses = {
  "201": { description: "Recorded", content: { "application/json": { schema: recorded } } },
  "200": { description: "Already recorded with this key and body (replay)", content: { "application/json": { schema: recorded } } },
  "400": { description: "Body is not JSON", content: { "application/json": { schema: error } } },
  "401": { description: "API key or signature wrong", content: { "application/json": { schema: error } } },
  "409": { description: "Key reused with another body, or receipt recorded under another key", content: { "application/json": { schema: error } } },
  "413": { description: "Body over 1 MB", content: { "application/json": { schema: error } } },
  "422": { description: "Body does not validate", content: { "application/json": { schema: error } } },
};

const voucher = {
  type: "object",
  properties: {
    code: { type: "string", example: "NV-7K2Q9XW4PD" },
    value: { ...rupiah, description: "Discount to give, integer Rupiah" },
    reward: { type: "object", properties: { id: { type: "string" }, en: { type: "string" } }, description: "Reward name in Indonesian and English" },
    expiresAt: { type: "string", format: "date-time" },
    usedAt: { type: "string", format: "date-time" },
    receiptNumber: { type: "string", description: "The receipt it was used on" },
  },
};
const voucherAnswer = (status: string) => ({ type: "object", properties: { status: { const: status }, voucher } });
const codeParam = { name: "code", in: "path", required: true, schema: { type: "string", minLength: 4, maxLength: 40 }, description: "The voucher code the shopper shows (case-insensitive)" };
const signatureHeader = headers[0];
const voucherErrors = {
  "401": responses["401"],
  "404": { description: "voucher_not_found", content: { "application/json": { schema: error } } },
  "409": { description: "voucher_used or voucher_expired (error.voucher tells which voucher)", content: { "application/json": { schema: error } } },
  "422": responses["422"],
  "503": { description: "loyalty_unavailable: the retail-loyalty plugin is disabled", content: { "application/json": { schema: error } } },
};

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Nusa CRM POS ingest API",
    version: "1.0.0",
    description: "Stores push sales and refunds in real time, and check and burn loyalty vouchers at the till. Authenticate with the connection's API key and sign the raw body with its signing secret.",
  },
  servers: [{ url: "/api/pos/v1" }],
  components: {
    securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "The connection's API key (nusa_pos_…)" } },
    schemas: {
      Error: error,
      Sale: {
        type: "object",
        additionalProperties: false,
        required: ["receiptNumber", "occurredAt", "lines", "total"],
        properties: {
          receiptNumber: { type: "string", maxLength: 64 },
          occurredAt: { type: "string", format: "date-time", description: "With offset, e.g. 2026-11-24T10:15:00+07:00" },
          customer: {
            type: "object",
            additionalProperties: false,
            description: "Any of these identify the shopper; without them the sale stays anonymous.",
            properties: { memberCard: { type: "string" }, phone: { type: "string", description: "08…, 628… or +62 8…" }, posCustomerId: { type: "string" }, name: { type: "string" } },
          },
          lines: {
            type: "array",
            minItems: 1,
            maxItems: 500,
            items: {
              type: "object",
              additionalProperties: false,
              required: ["sku", "quantity", "unitPrice"],
              properties: { sku: { type: "string" }, name: { type: "string" }, category: { type: "string" }, quantity: { type: "integer", minimum: 1 }, unitPrice: rupiah, discount: rupiah },
            },
          },
          total: { ...rupiah, description: "Must equal the sum of quantity × unitPrice − discount" },
          paymentMethod: { enum: ["cash", "debit", "credit", "qris", "ewallet", "transfer", "voucher", "other"] },
          voucherCodes: { type: "array", items: { type: "string" }, maxItems: 5, description: "Loyalty vouchers accepted on this sale; they are marked used." },
        },
      },
      Refund: {
        type: "object",
        additionalProperties: false,
        required: ["receiptNumber", "originalReceiptNumber", "occurredAt", "total"],
        properties: {
          receiptNumber: { type: "string" },
          originalReceiptNumber: { type: "string", description: "A sale of the same store" },
          occurredAt: { type: "string", format: "date-time" },
          total: { ...rupiah, minimum: 1, description: "Refunds of one sale never exceed its total" },
          reason: { type: "string" },
        },
      },
    },
  },
  security: [{ apiKey: [] }],
  paths: {
    "/sales": {
      post: { summary: "Record a sale", parameters: headers, requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Sale" } } } }, responses },
    },
    "/refunds": {
      post: { summary: "Record a refund of a recorded sale", parameters: headers, requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Refund" } } } }, responses },
    },
    "/vouchers/{code}/check": {
      post: {
        summary: "Check a loyalty voucher at the till (nothing changes)",
        description: "Signed like every request; the body is `{}`.",
        parameters: [codeParam, signatureHeader],
        requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
        responses: { "200": { description: "Valid: give `voucher.value` off", content: { "application/json": { schema: voucherAnswer("valid") } } }, ...voucherErrors },
      },
    },
    "/vouchers/{code}/redeem": {
      post: {
        summary: "Burn a loyalty voucher on a receipt, once",
        description: "Idempotent per (code, receiptNumber): a retry for the same receipt answers 200 with Idempotent-Replayed: true; another receipt gets 409 voucher_used.",
        parameters: [codeParam, signatureHeader],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object", additionalProperties: false, required: ["receiptNumber"], properties: { receiptNumber: { type: "string", maxLength: 64 } } } } },
        },
        responses: {
          "201": { description: "Burned now", content: { "application/json": { schema: voucherAnswer("redeemed") } } },
          "200": { description: "Already burned on this receipt (replay)", content: { "application/json": { schema: voucherAnswer("redeemed") } } },
          ...voucherErrors,
        },
      },
    },
  },
} as const;
