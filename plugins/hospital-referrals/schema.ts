// hospital-referrals tables. A referral links to an appointment only by id (no foreign key into
// the appointments plugin): the link arrives through the core event bus.
import { sql } from "drizzle-orm";
import { bigserial, index, pgSequence, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { branches, contacts, partnerOrganisations, users } from "../../app/plugin-api/schema.ts";

export const referralDirections = ["incoming", "outgoing"] as const;
export const referralStatuses = ["draft", "sent", "accepted", "rejected", "scheduled", "completed", "back_referred"] as const;
export const referralUrgencies = ["routine", "urgent", "emergency"] as const;

export const referralNumbers = pgSequence("hospital_referrals_number_seq", { startWith: 1 });

export const referrals = pgTable(
  "hospital_referrals_referrals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Human number, e.g. RJK-2026-000123. */
    number: text("number")
      .notNull()
      .unique()
      .default(sql`'RJK-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('hospital_referrals_number_seq')::text, 6, '0')`),
    direction: text("direction", { enum: referralDirections }).notNull(),
    status: text("status", { enum: referralStatuses }).notNull().default("draft"),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    /** The other side: who referred to us (incoming) or whom we refer to (outgoing). */
    partnerOrgId: uuid("partner_org_id")
      .notNull()
      .references(() => partnerOrganisations.id),
    branchId: uuid("branch_id").references(() => branches.id),
    /** Our doctor who refers (outgoing) or who treats (incoming). */
    doctorUserId: uuid("doctor_user_id").references(() => users.id, { onDelete: "set null" }),
    createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason").notNull(),
    icd10Code: text("icd10_code").notNull(),
    icd10Text: text("icd10_text").notNull(),
    urgency: text("urgency", { enum: referralUrgencies }).notNull().default("routine"),
    /** Poli tujuan, free text so it fits the partner's services as well as ours. */
    targetService: text("target_service").notNull(),
    serviceType: text("service_type", { enum: ["outpatient", "inpatient"] }).notNull().default("outpatient"),
    notes: text("notes"),
    rejectionReason: text("rejection_reason"),
    /** The appointment it was scheduled into (hospital-appointments id; no foreign key). */
    appointmentId: uuid("appointment_id"),
    scheduledFor: timestamp("scheduled_for", { withTimezone: true }),
    backReferralSummary: text("back_referral_summary"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    backReferredAt: timestamp("back_referred_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("hospital_referrals_box_idx").on(t.direction, t.status, t.createdAt.desc()),
    index("hospital_referrals_partner_idx").on(t.partnerOrgId, t.createdAt.desc()),
    index("hospital_referrals_contact_idx").on(t.contactId, t.createdAt.desc()),
    index("hospital_referrals_appointment_idx").on(t.appointmentId),
  ],
);

/** Every status change, who made it and a note: the referral's history and the timeline entries. */
export const referralHistory = pgTable(
  "hospital_referrals_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    referralId: uuid("referral_id")
      .notNull()
      .references(() => referrals.id, { onDelete: "cascade" }),
    status: text("status", { enum: referralStatuses }).notNull(),
    actorKind: text("actor_kind", { enum: ["staff", "partner", "system"] }).notNull(),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    note: text("note"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("hospital_referrals_history_referral_idx").on(t.referralId, t.at)],
);
