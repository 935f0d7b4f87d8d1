// POST /api/pos/v1/vouchers/:code/redeem — burn a loyalty voucher on a receipt, once. See openapi.json.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "../api-errors.server.ts";
import { handleVoucher } from "../voucher-api.server.ts";

export const loader = ({ request }: LoaderFunctionArgs) => methodNotAllowed(request, "POST");
export const action = ({ request, context, params }: ActionFunctionArgs) => handleVoucher(request, context, params.code, "redeem");
