import { z } from "../../app/plugin-api/index.ts";
import { referralUrgencies } from "./schema.ts";

const e = (key: string) => `hospital-referrals:errors.${key}`;
const clinical = {
  reason: z.string({ required_error: e("required") }).trim().min(3, e("required")).max(1000),
  icd10Code: z.string({ required_error: e("required") }).trim().toUpperCase().regex(/^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/, e("icd10")),
  icd10Text: z.string({ required_error: e("required") }).trim().min(2, e("required")).max(200),
  urgency: z.enum(referralUrgencies),
  targetService: z.string({ required_error: e("required") }).trim().min(2, e("required")).max(100),
  serviceType: z.enum(["outpatient", "inpatient"]).default("outpatient"),
  notes: z.string().trim().max(2000).optional(),
};

/** A partner clinic refers a patient to us: the patient is found or created by NIK / BPJS number. */
export const incomingSchema = z
  .object({
    intent: z.literal("submit"),
    fullName: z.string({ required_error: e("required") }).trim().min(2, e("required")).max(120),
    nik: z.string().trim().regex(/^\d{16}$/, e("nik")).optional(),
    bpjs: z.string().trim().regex(/^\d{13}$/, e("bpjs")).optional(),
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    phone: z.string().trim().max(20).optional(),
    ...clinical,
  })
  .refine((v) => v.nik || v.bpjs, { path: ["nik"], message: e("identifier") });

/** Our doctor refers one of our patients out to a partner. */
export const outgoingSchema = z.object({
  intent: z.enum(["draft", "send"]),
  contactId: z.string({ required_error: e("patientRequired") }).uuid(e("patientRequired")),
  partnerOrgId: z.string().uuid(e("required")),
  ...clinical,
});

export const referralActionSchema = z.object({
  intent: z.enum(["send", "accept", "reject", "complete", "backRefer"]),
  referralId: z.string().uuid(),
  note: z.string().trim().max(4000).optional(),
});
