// POST /api/pos/v1/sales — a POS reports a sale (signed, idempotent). See openapi.json.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleIngest, posError } from "../api-handler.server.ts";

export const loader = () => posError("validation_failed", 405, { issues: [{ path: "method", message: "use POST" }] });
export const action = ({ request, context }: ActionFunctionArgs) => handleIngest(request, context, "sale");
