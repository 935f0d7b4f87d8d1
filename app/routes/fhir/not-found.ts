// Anything else below /fhir (e.g. /fhir/r4, _history, operations): a FHIR 404, not an HTML page.
import { operationOutcome } from "../../core/fhir/fhir-response.server.ts";

export const loader = () => operationOutcome(404, "not-found", "Not served by this read-only FHIR R4 API. See /fhir/r4/metadata.");
export const action = loader;
