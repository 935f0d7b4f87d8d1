/** A complete incoming-referral form as a partner clinic submits it, for the patient with this NIK. */
export const referralForm = (nik: string) => ({
  intent: "submit",
  fullName: "Siti Rahmawati",
  nik,
  bpjs: "0009876543210",
  reason: "Sesak napas dan demam lima hari",
  icd10Code: "j18.9",
  icd10Text: "Pneumonia",
  urgency: "urgent",
  targetService: "Poli Penyakit Dalam",
  serviceType: "outpatient",
});
