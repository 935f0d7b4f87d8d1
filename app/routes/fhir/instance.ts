// GET /fhir/r4/:type/:id — read one resource (token required); POST /fhir/r4/:type/_search — search
// with a form-encoded body.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { readOnly, readResource, searchResourcesByPost } from "../../core/fhir/fhir-api.server.ts";

export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  params.id === "_search" ? readOnly("POST") : readResource(context.runtime, request, params.type ?? "", params.id ?? "");
export const action = ({ request, context, params }: ActionFunctionArgs) =>
  params.id === "_search" && request.method === "POST" ? searchResourcesByPost(context.runtime, request, params.type ?? "") : readOnly(params.id === "_search" ? "POST" : "GET");
