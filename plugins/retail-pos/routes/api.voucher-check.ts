// POST /api/pos/v1/vouchers/:code/check — is a loyalty voucher valid at the till? See openapi.json.
import type { ActionFunctionArgs } from "@remix-run/node";
import { posError } from "../api-handler.server.ts";
import { handleVoucher } from "../voucher-api.server.ts";

export const loader = () => posError("validation_failed", 405, { issues: [{ path: "method", message: "use POST" }] });
export const action = ({ request, context, params }: ActionFunctionArgs) => handleVoucher(request, context, params.code, "check");
