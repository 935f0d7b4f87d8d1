import type { LoaderFunctionArgs } from "@remix-run/node";
import { namespaceResources } from "../core/i18n/i18n.server.ts";
import { isLanguage } from "../core/i18n/languages.ts";

/** One namespace's translations for the browser; the URL carries a version, so cache it long. */
export async function loader({ params }: LoaderFunctionArgs) {
  const namespace = params.file?.replace(/\.json$/, "") ?? "";
  const resources = isLanguage(params.lng) ? namespaceResources(params.lng, namespace) : null;
  if (!resources) return new Response("{}", { status: 404, headers: { "Content-Type": "application/json" } });
  return new Response(JSON.stringify(resources), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=31536000, immutable" },
  });
}
