// GET /fhir/r4/:type — search one resource type; answers a searchset Bundle (token required).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readOnly, searchResources } from "../../core/fhir/fhir-api.server.ts";

export const loader = ({ request, context, params }: LoaderFunctionArgs) => searchResources(context.runtime, request, params.type ?? "");
export const action = () => readOnly();
