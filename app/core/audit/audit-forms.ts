// The audit-log viewer's filter, client-safe: read from the page's query string and reused by the export.
import { z } from "zod";
import { isLocalDate } from "../time/local-time.ts";

export const auditActorKinds = ["staff", "customer", "partner", "system", "anonymous"] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => v || undefined)
    .optional();
const localDate = z
  .string()
  .trim()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || isLocalDate(v), "date")
  .optional();

export const auditFilterSchema = z
  .object({
    /** Part of the acting user's e-mail or name. */
    actor: optionalText(200),
    actorKind: z.union([z.enum(auditActorKinds), z.literal("")]).transform((v) => v || undefined).optional(),
    /** An action or the start of one ("privacy." for every privacy action). */
    action: optionalText(100),
    entityType: optionalText(60),
    entityId: optionalText(200),
    /** Local days in the viewer's zone, both included. */
    from: localDate,
    to: localDate,
    /** Keyset: entries older than this id. */
    before: z
      .string()
      .trim()
      .regex(/^\d{1,18}$/)
      .optional()
      .or(z.literal("").transform(() => undefined)),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "range" });

export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** The filter's fields as typed (for the form after a refusal, and for links). */
export const auditFilterFields = ["actor", "actorKind", "action", "entityType", "entityId", "from", "to"] as const;
