// POST /api/pos/v1/refunds — a POS reports a refund of a recorded sale (signed, idempotent).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "../api-errors.server.ts";
import { handleIngest } from "../api-handler.server.ts";

export const loader = ({ request }: LoaderFunctionArgs) => methodNotAllowed(request, "POST");
export const action = ({ request, context }: ActionFunctionArgs) => handleIngest(request, context, "refund");
