// GET /fhir/r4/metadata — the CapabilityStatement (public, like most FHIR servers).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { capabilityStatement, readOnly } from "../../core/fhir/fhir-api.server.ts";

export const loader = ({ context }: LoaderFunctionArgs) => capabilityStatement(context.runtime);
export const action = () => readOnly();
