import { defaultTimeZone, parseLocalDateTime } from "../time/local-time.ts";
import { z } from "../validation/validation.ts";

/** Channels staff log by hand; messages, tickets, surveys and portal activity arrive on their own. */
export const loggableChannels = ["call", "visit", "whatsapp", "email", "note"] as const;
export const interactionDirectionValues = ["inbound", "outbound", "internal"] as const;

export const logInteractionSchema = z.object({
  intent: z.literal("log-interaction"),
  channel: z.enum(loggableChannels),
  direction: z.enum(interactionDirectionValues),
  subject: z.string().trim().min(2).max(200),
  body: z
    .string()
    .trim()
    .max(4000)
    .optional()
    .transform((v) => v || null),
  /** Wall-clock time in the branch's zone (`datetime-local`); empty = now. */
  occurredAt: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "validation.date")
        .refine((v) => parseLocalDateTime(v, defaultTimeZone) !== null, "validation.date")
        .nullable(),
    ),
});
export type LogInteractionInput = z.infer<typeof logInteractionSchema>;
