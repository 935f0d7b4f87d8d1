// For plugins that publish a JSON API: zod extended with `.openapi()` metadata and the OpenAPI 3.1
// generator (@asteasolutions/zod-to-openapi 7), so the rules a route validates with are the spec it publishes.
/** zod with `.openapi()`, the registry and the 3.1 generator; `codePoints` counts a string as JSON Schema does. */
export { z, OpenAPIRegistry, OpenApiGeneratorV31, codePoints, type RouteConfig, type ResponseConfig } from "../core/validation/openapi.ts";
/** The language (`id` default, or `en`) an API answer is written in, from the caller's Accept-Language. */
export { languageFromAcceptLanguage } from "../core/i18n/accept-language.ts";
