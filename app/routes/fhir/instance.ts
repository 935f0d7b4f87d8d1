// GET /fhir/r4/:type/:id — read one resource (token required).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readOnly, readResource } from "../../core/fhir/fhir-api.server.ts";

export const loader = ({ request, context, params }: LoaderFunctionArgs) => readResource(context.runtime, request, params.type ?? "", params.id ?? "");
export const action = () => readOnly();
