// zod with `.openapi()` metadata, so a JSON API's request rules and its published OpenAPI document
// come from the same schemas (ADR 011). The extension patches zod's prototype once, here.
import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "./validation.ts";

extendZodWithOpenApi(z);

export { z, OpenAPIRegistry, OpenApiGeneratorV31 };
export type { RouteConfig, ResponseConfig } from "@asteasolutions/zod-to-openapi";

/** Length in Unicode code points, as JSON Schema's minLength/maxLength count (JavaScript's `length` counts UTF-16 units). */
export const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
