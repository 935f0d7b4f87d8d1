// GET /api/pos/v1/openapi.json — the API's description, public.
import { openApiDocument } from "../openapi.ts";

export const loader = () => Response.json(openApiDocument, { headers: { "Cache-Control": "public, max-age=300" } });
