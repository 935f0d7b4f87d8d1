// GET /fhir/r4/metadata — the CapabilityStatement (public, like most FHIR servers).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { capabilityStatement, readOnly } from "../../core/fhir/fhir-api.server.ts";

export const loader = ({ context, request }: LoaderFunctionArgs) => capabilityStatement(context.runtime, request);
export const action = () => readOnly();
