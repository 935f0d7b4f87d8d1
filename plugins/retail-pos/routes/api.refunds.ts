// POST /api/pos/v1/refunds — a POS reports a refund of a recorded sale (signed, idempotent).
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleIngest, posError } from "../api-handler.server.ts";

export const loader = () => posError("validation_failed", 405, { issues: [{ path: "method", message: "use POST" }] });
export const action = ({ request, context }: ActionFunctionArgs) => handleIngest(request, context, "refund");
