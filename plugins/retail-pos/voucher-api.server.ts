// POST /api/pos/v1/vouchers/{code}/check and /redeem: the till checks and burns a loyalty voucher.
// POS owns the API and its authentication; retail-loyalty owns the vouchers and answers the core
// commands `retail-loyalty.voucher.check` / `.redeem` (POS never imports loyalty nor reads its
// tables: the answer's shape is re-declared and validated here, like loyalty does with POS events).
import type { AppLoadContext } from "@remix-run/node";
import { callCommand } from "../../app/plugin-api/server.ts";
import { z } from "../../app/plugin-api/index.ts";
import { apiIssues, posError, posJson } from "./api-errors.server.ts";
import { authenticatePosRequest } from "./api-handler.server.ts";
import { voucherCheckSchema, voucherCodeSchema, voucherRedeemSchema } from "./sale-payload.ts";

const voucherAnswerV1 = z.object({
  status: z.enum(["valid", "redeemed", "replayed", "not_found", "used", "expired"]),
  voucher: z
    .object({
      code: z.string(),
      valueIdr: z.number(),
      reward: z.object({ id: z.string(), en: z.string() }),
      expiresAt: z.string(),
      usedAt: z.string().nullish(),
      receiptNumber: z.string().nullish(),
    })
    .optional(),
});


function voucherView(v: z.infer<typeof voucherAnswerV1>["voucher"]) {
  if (!v) return undefined;
  return { code: v.code, value: v.valueIdr, reward: v.reward, expiresAt: v.expiresAt, ...(v.usedAt ? { usedAt: v.usedAt } : {}), ...(v.usedAt && v.receiptNumber ? { receiptNumber: v.receiptNumber } : {}) };
}

/** Handles both voucher endpoints; `redeem` is idempotent per (code, receiptNumber). */
export async function handleVoucher(request: Request, context: AppLoadContext, codeParam: string | undefined, op: "check" | "redeem"): Promise<Response> {
  const auth = await authenticatePosRequest(request, context);
  if (auth instanceof Response) return auth;
  const { language } = auth;
  const code = voucherCodeSchema.safeParse(codeParam ?? "");
  const body = op === "redeem" ? voucherRedeemSchema.safeParse(auth.body) : voucherCheckSchema.safeParse(auth.body);
  if (!code.success || !body.success) {
    const issues = [
      ...(code.success ? [] : apiIssues(language, code.error).map((i) => ({ ...i, path: "code" }))),
      ...(body.success ? [] : apiIssues(language, body.error)),
    ];
    return posError(language, "validation_failed", 422, { issues });
  }
  const input: Record<string, unknown> = { code: code.data, ...(body.data && "receiptNumber" in body.data ? { receiptNumber: body.data.receiptNumber } : {}) };
  const called = await callCommand(context.runtime, `retail-loyalty.voucher.${op}`, input);
  if (!called.ok) return posError(language, "loyalty_unavailable", 503);
  const answer = voucherAnswerV1.parse(called.result);
  const voucher = voucherView(answer.voucher);
  switch (answer.status) {
    case "valid":
      return posJson(language, { status: "valid", voucher }, 200);
    case "redeemed":
      return posJson(language, { status: "redeemed", voucher }, 201);
    case "replayed":
      return posJson(language, { status: "redeemed", voucher }, 200, { "Idempotent-Replayed": "true" });
    case "not_found":
      return posError(language, "voucher_not_found", 404);
    case "used":
      return posError(language, "voucher_used", 409, { voucher });
    case "expired":
      return posError(language, "voucher_expired", 409, { voucher });
  }
}
