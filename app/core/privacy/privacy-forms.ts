import { z } from "zod";
import { consentPurposeValues } from "../consents/consent-forms.ts";

export const requestKinds = ["access", "correction", "deletion", "no_profiling"] as const;

/** The forms on "Privasi & data saya". */
export const myPrivacySchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("consent"), purpose: z.enum(consentPurposeValues), granted: z.enum(["true", "false"]).transform((v) => v === "true") }),
  z.object({ intent: z.literal("profiling"), object: z.enum(["true", "false"]).transform((v) => v === "true") }),
  z.object({ intent: z.literal("request"), kind: z.enum(requestKinds), details: z.string().trim().max(2000).optional() }),
]);
