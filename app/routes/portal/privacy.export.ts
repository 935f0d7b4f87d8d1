import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireCustomer } from "../../core/auth/guards.server.ts";
import { ownDataExport } from "../../core/privacy/my-privacy.server.ts";

// A resource route: the customer's own data as a zip (their contact and account only; a patient's
// also holds a FHIR R4 Bundle).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  return ownDataExport(context.runtime, actor, context.clientIp);
}
