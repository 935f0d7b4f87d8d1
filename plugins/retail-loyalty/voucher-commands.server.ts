// Vouchers at the till, offered to other plugins as core commands (retail-pos's API calls them;
// loyalty never sees POS credentials and POS never reads loyalty's tables).
// Contract, version 1 — input and result are plain JSON:
//   retail-loyalty.voucher.check  { code }                -> VoucherAnswerV1
//   retail-loyalty.voucher.redeem { code, receiptNumber } -> VoucherAnswerV1
// A redeem retried with the same receipt number answers `replayed` instead of `used`.
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database, PluginCommand } from "../../app/plugin-api/index.ts";
import { burnVoucher, checkVoucher } from "./ledger.server.ts";
import { retailLoyaltyVouchers } from "./schema.ts";

export const voucherCheckInput = z.object({ code: z.string().trim().min(4).max(40) });
export const voucherRedeemInput = voucherCheckInput.extend({ receiptNumber: z.string().trim().min(1).max(64) });

export interface VoucherAnswerV1 {
  status: "valid" | "redeemed" | "replayed" | "not_found" | "used" | "expired";
  voucher?: { code: string; valueIdr: number; reward: { id: string; en: string }; expiresAt: string; usedAt?: string | null; receiptNumber?: string | null };
}

const refusal = { voucherNotFound: "not_found", voucherUsed: "used", voucherExpired: "expired" } as const;

async function usage(db: Database, code: string) {
  const [row] = await db
    .select({ usedAt: retailLoyaltyVouchers.usedAt, receiptNo: retailLoyaltyVouchers.usedReceiptNo, usedBy: retailLoyaltyVouchers.usedBy })
    .from(retailLoyaltyVouchers)
    .where(eq(retailLoyaltyVouchers.code, code));
  return row ?? null;
}

/** Is the code valid at the till right now (and what is it worth)? */
export async function tillCheckVoucher(db: Database, input: z.infer<typeof voucherCheckInput>): Promise<VoucherAnswerV1> {
  const check = await checkVoucher(db, input.code);
  const voucher = "voucher" in check && check.voucher ? { code: check.voucher.code, valueIdr: check.voucher.valueIdr, reward: check.voucher.reward, expiresAt: check.voucher.expiresAt } : undefined;
  if (check.ok) return { status: "valid", voucher };
  return { status: refusal[check.error], voucher };
}

/** Burns the voucher once for a receipt; the same receipt again is a replay, another receipt is refused. */
export async function tillRedeemVoucher(db: Database, input: z.infer<typeof voucherRedeemInput>): Promise<VoucherAnswerV1> {
  const code = input.code.toUpperCase();
  const burned = await burnVoucher(db, { kind: "system" }, { code, receiptNo: input.receiptNumber });
  const check = await tillCheckVoucher(db, { code });
  const used = await usage(db, code);
  const voucher = check.voucher ? { ...check.voucher, usedAt: used?.usedAt?.toISOString() ?? null, receiptNumber: used?.receiptNo ?? null } : undefined;
  if (burned.ok) return { status: "redeemed", voucher };
  if (burned.error === "voucherUsed" && used && used.usedBy === null && used.receiptNo === input.receiptNumber) return { status: "replayed", voucher };
  return { status: refusal[burned.error], voucher: voucher && { ...voucher, usedAt: undefined, receiptNumber: undefined } };
}

export const voucherCommands: Record<string, PluginCommand> = {
  "retail-loyalty.voucher.check": async (input, ctx) => tillCheckVoucher(ctx.db, voucherCheckInput.parse(input)),
  "retail-loyalty.voucher.redeem": async (input, ctx) => tillRedeemVoucher(ctx.db, voucherRedeemInput.parse(input)),
};
