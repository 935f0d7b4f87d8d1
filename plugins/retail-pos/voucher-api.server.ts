// POST /api/pos/v1/vouchers/{code}/check and /redeem: the till checks and burns a loyalty voucher.
// POS owns the API and its authentication; retail-loyalty owns the vouchers and answers the core
// commands `retail-loyalty.voucher.check` / `.redeem` (POS never imports loyalty nor reads its
// tables: the answer's shape is re-declared and validated here, like loyalty does with POS events).
import type { AppLoadContext } from "@remix-run/node";
import { callCommand } from "../../app/plugin-api/server.ts";
import { z } from "../../app/plugin-api/ui.ts";
import { authenticatePosRequest, posError } from "./api-handler.server.ts";
import { voucherRedeemSchema } from "./sale-payload.ts";

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

const codeSchema = z.string().trim().min(4).max(40);
const headers = { "Cache-Control": "no-store" };

function voucherView(v: z.infer<typeof voucherAnswerV1>["voucher"]) {
  if (!v) return undefined;
  return { code: v.code, value: v.valueIdr, reward: v.reward, expiresAt: v.expiresAt, ...(v.usedAt ? { usedAt: v.usedAt, receiptNumber: v.receiptNumber } : {}) };
}

/** Handles both voucher endpoints; `redeem` is idempotent per (code, receiptNumber). */
export async function handleVoucher(request: Request, context: AppLoadContext, codeParam: string | undefined, op: "check" | "redeem"): Promise<Response> {
  const auth = await authenticatePosRequest(request, context);
  if (auth instanceof Response) return auth;
  const code = codeSchema.safeParse(codeParam ?? "");
  if (!code.success) return posError("validation_failed", 422, { issues: [{ path: "code", message: "4 to 40 characters" }] });
  let input: Record<string, unknown> = { code: code.data };
  if (op === "redeem") {
    const body = voucherRedeemSchema.safeParse(auth.body);
    if (!body.success) return posError("validation_failed", 422, { issues: body.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
    input = { ...input, receiptNumber: body.data.receiptNumber };
  }
  const called = await callCommand(context.runtime, `retail-loyalty.voucher.${op}`, input);
  if (!called.ok) return posError("loyalty_unavailable", 503);
  const answer = voucherAnswerV1.parse(called.result);
  const voucher = voucherView(answer.voucher);
  switch (answer.status) {
    case "valid":
      return Response.json({ status: "valid", voucher }, { headers });
    case "redeemed":
      return Response.json({ status: "redeemed", voucher }, { status: 201, headers });
    case "replayed":
      return Response.json({ status: "redeemed", voucher }, { headers: { ...headers, "Idempotent-Replayed": "true" } });
    case "not_found":
      return posError("voucher_not_found", 404);
    case "used":
      return posError("voucher_used", 409, { voucher });
    case "expired":
      return posError("voucher_expired", 409, { voucher });
  }
}
