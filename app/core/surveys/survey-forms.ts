// Client-safe: the survey answer form and the results filter.
import { satisfactionRatings } from "../../../db/schema/tickets.ts";
import { isLocalDate } from "../time/local-time.ts";
import { fields, z } from "../validation/validation.ts";

export { satisfactionRatings };

export const surveyAnswerSchema = z.object({
  rating: z.enum(satisfactionRatings),
  comment: fields.optionalText(1000),
});

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isLocalDate);

/** Results over whole days (inclusive), in the viewer's branch time zone. */
export const surveyResultsFilterSchema = z.object({
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
});
