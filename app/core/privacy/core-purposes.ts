// The core's own processing purposes. The four consent purposes are the ones people choose in the
// portal and the messaging outbox checks; the others rest on a contract or a legal obligation.
import type { ProcessingPurpose } from "./purposes.ts";

const whatsapp = {
  name: "Meta Platforms (WhatsApp Business Cloud API)",
  role: { id: "Mengirim pesan WhatsApp atas nama kami", en: "Delivers WhatsApp messages on our behalf" },
  country: "US",
};
const emailProvider = {
  name: "SMTP e-mail provider (SMTP_URL)",
  role: { id: "Mengirim e-mail atas nama kami", en: "Delivers e-mail on our behalf" },
  country: "ID",
};

export const corePurposes = [
  {
    id: "customer_records",
    name: { id: "Data pelanggan dan pasien", en: "Customer and patient records" },
    description: {
      id: "Menyimpan identitas, kontak, dan riwayat layanan agar kami dapat melayani Anda.",
      en: "Keeping identity, contact details and service history so that we can serve you.",
    },
    legalBasis: "contract",
    dataCategories: { general: ["identity", "contact_details", "demographics", "communications"], specific: [] },
    retentionDays: 5 * 365,
    processors: [],
  },
  {
    id: "service_messages",
    name: { id: "Pesan layanan", en: "Service messages" },
    description: {
      id: "Pengingat, konfirmasi, dan kabar tentang tiket atau kunjungan Anda lewat WhatsApp atau e-mail.",
      en: "Reminders, confirmations and updates about your tickets or visits by WhatsApp or e-mail.",
    },
    legalBasis: "consent",
    dataCategories: { general: ["contact_details", "communications"], specific: [] },
    retentionDays: 2 * 365,
    processors: [whatsapp, emailProvider],
  },
  {
    id: "marketing",
    name: { id: "Promosi dan penawaran", en: "Promotions and offers" },
    description: {
      id: "Kampanye dan penawaran yang sesuai dengan minat Anda.",
      en: "Campaigns and offers that match your interests.",
    },
    legalBasis: "consent",
    dataCategories: { general: ["contact_details", "preferences", "transactions"], specific: [] },
    retentionDays: 2 * 365,
    processors: [whatsapp, emailProvider],
  },
  {
    id: "surveys",
    name: { id: "Survei kepuasan", en: "Satisfaction surveys" },
    description: {
      id: "Pertanyaan singkat setelah kunjungan atau pembelian untuk memperbaiki layanan.",
      en: "A short question after a visit or purchase so we can improve our service.",
    },
    legalBasis: "consent",
    dataCategories: { general: ["contact_details", "communications"], specific: [] },
    retentionDays: 2 * 365,
    processors: [emailProvider],
  },
  {
    id: "partner_sharing",
    name: { id: "Berbagi dengan mitra", en: "Sharing with partners" },
    description: {
      id: "Membagikan data yang diperlukan kepada klinik atau rumah sakit mitra yang merujuk atau menerima Anda.",
      en: "Sharing what is needed with partner clinics or hospitals that refer or receive you.",
    },
    legalBasis: "consent",
    dataCategories: { general: ["identity", "contact_details"], specific: [] },
    retentionDays: 2 * 365,
    processors: [],
    recipients: [{ id: "Organisasi mitra", en: "Partner organisations" }],
  },
  {
    id: "profiling",
    name: { id: "Analisis pelanggan (profil)", en: "Customer analysis (profiling)" },
    description: {
      id: "Skor seperti RFM, risiko berhenti, dan nilai seumur hidup; Anda dapat menolaknya kapan saja.",
      en: "Scores such as RFM, churn risk and lifetime value; you may object to it at any time.",
    },
    legalBasis: "legitimate_interest",
    dataCategories: { general: ["transactions", "usage"], specific: [] },
    retentionDays: 365,
    processors: [],
  },
  {
    id: "security_audit",
    name: { id: "Keamanan dan jejak audit", en: "Security and audit trail" },
    description: {
      id: "Mencatat siapa melihat atau mengubah data, untuk melindungi data Anda dan memenuhi kewajiban hukum.",
      en: "Recording who viewed or changed data, to protect your data and meet legal duties.",
    },
    legalBasis: "legal_obligation",
    dataCategories: { general: ["account", "usage"], specific: [] },
    retentionDays: 5 * 365,
    processors: [],
  },
] as const satisfies readonly ProcessingPurpose[];

/** Purposes a person chooses in the portal (legal basis: consent); the outbox checks them at send time. */
export const coreConsentPurposeIds = corePurposes.filter((p) => p.legalBasis === "consent").map((p) => p.id);
