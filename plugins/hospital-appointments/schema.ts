// hospital-appointments tables. Slots are not stored: they are computed from weekly schedules and
// exceptions. What the database guarantees is that one seat of one practitioner's slot (start time)
// is held by at most one live appointment — the partial unique index below.
import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgTable, smallint, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { branches, contacts, users } from "../../app/plugin-api/schema.ts";

// "proposed" (FHIR): a slot held for a waitlisted patient until they accept or the hold expires.
export const appointmentStatuses = ["proposed", "booked", "arrived", "fulfilled", "cancelled", "noshow"] as const;
export const bookingChannels = ["portal", "frontdesk", "phone", "referral", "waitlist"] as const;
export const linkActions = ["confirm", "cancel", "accept", "decline"] as const;
export const waitlistStatuses = ["waiting", "booked", "left"] as const;

export const services = pgTable(
  "hospital_appointments_services",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    nameEn: text("name_en"),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Kept current by every drizzle update ($onUpdate): FHIR's meta.lastUpdated. */
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [unique("hospital_appointments_services_branch_code_key").on(t.branchId, t.code)],
);

export const practitioners = pgTable(
  "hospital_appointments_practitioners",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    specialty: text("specialty"),
    /** SATUSEHAT practitioner IHS number, when known. */
    ihsNumber: text("ihs_number"),
    /** The practitioner's NIK (16 digits), served as SATUSEHAT's https://fhir.kemkes.go.id/id/nik. */
    nik: text("nik"),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Kept current by every drizzle update ($onUpdate): FHIR's meta.lastUpdated. */
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [uniqueIndex("hospital_appointments_practitioners_user_key").on(t.userId)],
);

export const schedules = pgTable(
  "hospital_appointments_schedules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practitionerId: uuid("practitioner_id")
      .notNull()
      .references(() => practitioners.id, { onDelete: "cascade" }),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id),
    /** ISO weekday, 1 = Monday. */
    weekday: smallint("weekday").notNull(),
    /** Wall-clock "HH:MM" in the branch's zone. */
    startTime: text("start_time").notNull(),
    endTime: text("end_time").notNull(),
    breakStart: text("break_start"),
    breakEnd: text("break_end"),
    slotMinutes: integer("slot_minutes").notNull().default(15),
    /** Patients per slot. */
    capacity: integer("capacity").notNull().default(1),
    validFrom: date("valid_from"),
    validUntil: date("valid_until"),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Kept current by every drizzle update ($onUpdate): FHIR's meta.lastUpdated. */
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index("hospital_appointments_schedules_lookup_idx").on(t.serviceId, t.weekday),
    index("hospital_appointments_schedules_practitioner_idx").on(t.practitionerId, t.weekday),
    check("hospital_appointments_schedules_weekday", sql`${t.weekday} between 1 and 7`),
    check("hospital_appointments_schedules_times", sql`${t.startTime} ~ '^[0-2][0-9]:[0-5][0-9]$' and ${t.endTime} ~ '^[0-2][0-9]:[0-5][0-9]$' and ${t.startTime} < ${t.endTime}`),
    check("hospital_appointments_schedules_break", sql`(${t.breakStart} is null) = (${t.breakEnd} is null) and (${t.breakStart} is null or ${t.breakStart} < ${t.breakEnd})`),
    check("hospital_appointments_schedules_slot", sql`${t.slotMinutes} between 5 and 240 and ${t.capacity} between 1 and 50`),
  ],
);

/** Leave of one practitioner, or a holiday of a whole branch, over a range of dates (inclusive). */
export const scheduleExceptions = pgTable(
  "hospital_appointments_exceptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practitionerId: uuid("practitioner_id").references(() => practitioners.id, { onDelete: "cascade" }),
    branchId: uuid("branch_id").references(() => branches.id),
    kind: text("kind", { enum: ["leave", "holiday"] }).notNull(),
    startDate: date("start_date").notNull(),
    endDate: date("end_date").notNull(),
    reason: text("reason"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("hospital_appointments_exceptions_dates_idx").on(t.startDate, t.endDate),
    check("hospital_appointments_exceptions_target", sql`${t.practitionerId} is not null or ${t.branchId} is not null`),
    check("hospital_appointments_exceptions_range", sql`${t.startDate} <= ${t.endDate}`),
  ],
);

export const appointments = pgTable(
  "hospital_appointments_appointments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    practitionerId: uuid("practitioner_id")
      .notNull()
      .references(() => practitioners.id),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id),
    startAt: timestamp("start_at", { withTimezone: true }).notNull(),
    endAt: timestamp("end_at", { withTimezone: true }).notNull(),
    /** The visit's date in the branch's zone (day views and queue numbers go by it). */
    localDate: date("local_date").notNull(),
    /** Which of the slot's places (1..capacity) this appointment holds. */
    seat: smallint("seat").notNull().default(1),
    /** Nomor antrian: per practitioner per day, in slot order. */
    queueNumber: integer("queue_number").notNull(),
    status: text("status", { enum: appointmentStatuses }).notNull().default("booked"),
    channel: text("channel", { enum: bookingChannels }).notNull(),
    /** What the booking came from, e.g. "hospital-referrals.referral" + its id (no foreign key). */
    sourceType: text("source_type"),
    sourceId: text("source_id"),
    note: text("note"),
    bookedByUserId: uuid("booked_by_user_id").references(() => users.id, { onDelete: "set null" }),
    rescheduledFromId: uuid("rescheduled_from_id"),
    cancelReason: text("cancel_reason"),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    arrivedAt: timestamp("arrived_at", { withTimezone: true }),
    fulfilledAt: timestamp("fulfilled_at", { withTimezone: true }),
    noShowAt: timestamp("no_show_at", { withTimezone: true }),
    reminderSentAt: timestamp("reminder_sent_at", { withTimezone: true }),
    /** The patient confirmed they will come (link or WhatsApp reply). */
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    /** Our outbox message ids of the confirmation and the reminder: a WhatsApp reply quoting one refers to this visit. */
    confirmationMessageId: uuid("confirmation_message_id"),
    reminderMessageId: uuid("reminder_message_id"),
    /** A proposed (held) slot offered to a waitlisted patient: the entry, and until when it is held. */
    waitlistEntryId: uuid("waitlist_entry_id"),
    holdExpiresAt: timestamp("hold_expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // the invariant: one live appointment per seat of a practitioner's slot
    uniqueIndex("hospital_appointments_slot_seat_key").on(t.practitionerId, t.startAt, t.seat).where(sql`${t.status} <> 'cancelled'`),
    // and one patient holds a slot once
    uniqueIndex("hospital_appointments_contact_slot_key").on(t.contactId, t.practitionerId, t.startAt).where(sql`${t.status} <> 'cancelled'`),
    index("hospital_appointments_branch_day_idx").on(t.branchId, t.localDate, t.startAt),
    index("hospital_appointments_day_idx").on(t.localDate),
    index("hospital_appointments_practitioner_day_idx").on(t.practitionerId, t.localDate, t.startAt),
    index("hospital_appointments_contact_idx").on(t.contactId, t.startAt.desc()),
    index("hospital_appointments_source_idx").on(t.sourceType, t.sourceId),
    index("hospital_appointments_open_idx").on(t.status, t.endAt),
    index("hospital_appointments_hold_idx").on(t.holdExpiresAt).where(sql`${t.status} = 'proposed'`),
    index("hospital_appointments_messages_idx").on(t.contactId, t.reminderMessageId, t.confirmationMessageId),
    check("hospital_appointments_seat", sql`${t.seat} >= 1`),
    check("hospital_appointments_hold", sql`${t.status} <> 'proposed' or ${t.holdExpiresAt} is not null`),
    check("hospital_appointments_times", sql`${t.startAt} < ${t.endAt}`),
  ],
);

/**
 * Single-purpose links in messages (confirm / cancel a visit, accept / decline an offered slot).
 * Only the SHA-256 of the random token is stored; a link works once and until its expiry.
 */
export const actionLinks = pgTable(
  "hospital_appointments_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    action: text("action", { enum: linkActions }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("hospital_appointments_links_appointment_idx").on(t.appointmentId)],
);

/** Patients waiting for a slot of a service (one doctor or any) within a date range, first come first served. */
export const waitlistEntries = pgTable(
  "hospital_appointments_waitlist",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id),
    /** Null: any doctor of the service. */
    practitionerId: uuid("practitioner_id").references(() => practitioners.id),
    /** Branch-local dates, inclusive. */
    dateFrom: date("date_from").notNull(),
    dateTo: date("date_to").notNull(),
    status: text("status", { enum: waitlistStatuses }).notNull().default("waiting"),
    channel: text("channel", { enum: ["portal", "frontdesk"] }).notNull(),
    createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    /** The visit booked from an accepted offer. */
    appointmentId: uuid("appointment_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("hospital_appointments_waitlist_queue_idx").on(t.serviceId, t.status, t.createdAt),
    uniqueIndex("hospital_appointments_waitlist_contact_key").on(t.contactId, t.serviceId).where(sql`${t.status} = 'waiting'`),
    check("hospital_appointments_waitlist_range", sql`${t.dateFrom} <= ${t.dateTo}`),
  ],
);
