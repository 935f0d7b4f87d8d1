// Merging two contact records: which profile fields the person merging chooses between.
// Client-safe: the merge screen builds its radio buttons from this list.
import { z } from "../validation/validation.ts";

export const mergeFields = [
  "fullName",
  "email",
  "phone",
  "birthDate",
  "gender",
  "address",
  "city",
  "preferredLocale",
  "preferredChannel",
  "lifecycleStage",
  "branchId",
  "ownerId",
] as const;
export type MergeField = (typeof mergeFields)[number];

/** For each field, whose value survives; a field not sent keeps the kept record's value. */
export type MergeChoices = Partial<Record<MergeField, "keep" | "merge">>;

const side = z.enum(["keep", "merge"]).optional();

export const mergeFormSchema = z
  .object({
    keep: z.string().uuid(),
    merge: z.string().uuid(),
    ...Object.fromEntries(mergeFields.map((f) => [`choose_${f}`, side])),
  })
  .refine((v) => v.keep !== v.merge, { message: "staff:duplicates.merge.errors.same", path: ["merge"] });

export function choicesFromForm(value: Record<string, unknown>): MergeChoices {
  const choices: MergeChoices = {};
  for (const field of mergeFields) {
    const v = value[`choose_${field}`];
    if (v === "keep" || v === "merge") choices[field] = v;
  }
  return choices;
}
