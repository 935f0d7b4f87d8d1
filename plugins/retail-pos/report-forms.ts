// Client-safe form schemas of the retail-pos staff pages.
import { rupiahField, z } from "../../app/plugin-api/index.ts";

export const productSchema = z.object({
  intent: z.literal("create"),
  sku: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, "validation.code").transform((v) => v.toUpperCase()),
  name: z.string().trim().min(2).max(200),
  category: z.string().trim().min(2).max(80).transform((v) => v.toLowerCase()),
  price: rupiahField(0, 9_999_999_999_999, "retail-pos:products.errors.price"),
  supplier: z.string().uuid().optional().or(z.literal("").transform(() => undefined)),
});

export const connectionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: z.string().trim().min(2).max(80), branchId: z.string().uuid() }),
  z.object({ intent: z.literal("rotate"), id: z.string().uuid() }),
  z.object({ intent: z.literal("deactivate"), id: z.string().uuid() }),
]);
