// POST /api/pos/v1/sales — a POS reports a sale (signed, idempotent). See openapi.json.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "../api-errors.server.ts";
import { handleIngest } from "../api-handler.server.ts";

export const loader = ({ request }: LoaderFunctionArgs) => methodNotAllowed(request, "POST");
export const action = ({ request, context }: ActionFunctionArgs) => handleIngest(request, context, "sale");
