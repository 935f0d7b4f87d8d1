// GET /api/pos/v1/openapi.json — the API's description, public; generated from the request schemas.
import type { ActionFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "../api-errors.server.ts";
import { openApiDocument } from "../openapi.ts";

export const loader = () => Response.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
export const action = ({ request }: ActionFunctionArgs) => methodNotAllowed(request, "GET, HEAD");
