import { sql } from "drizzle-orm";
import { boolean, date, index, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { branches } from "./branches.ts";

export const lifecycleStages = ["lead", "prospect", "customer", "inactive"] as const;
export const contactChannels = ["whatsapp", "email", "sms", "none"] as const;
export const identifierSystems = ["nik", "bpjs", "mrn", "member_card", "pos_customer", "external"] as const;

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    fullName: text("full_name").notNull(),
    email: text("email"),
    phone: text("phone"),
    birthDate: date("birth_date"),
    gender: text("gender", { enum: ["female", "male"] }),
    address: text("address"),
    city: text("city"),
    preferredLocale: text("preferred_locale", { enum: ["id", "en"] }).notNull().default("id"),
    preferredChannel: text("preferred_channel", { enum: contactChannels }).notNull().default("whatsapp"),
    lifecycleStage: text("lifecycle_stage", { enum: lifecycleStages }).notNull().default("lead"),
    ownerId: uuid("owner_id"),
    branchId: uuid("branch_id").references(() => branches.id),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    blacklisted: boolean("blacklisted").notNull().default(false),
    blacklistReason: text("blacklist_reason"),
    mergedIntoId: uuid("merged_into_id"),
    source: text("source", { enum: ["staff", "portal", "import", "pos", "partner", "seed"] }).notNull().default("staff"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("contacts_created_id_idx").on(t.createdAt.desc(), t.id.desc()),
    index("contacts_phone_idx").on(t.phone),
    // A GIN index keeps new entries in a pending list that every search reads through, up to 4 MB
    // by default: after an import that halved the speed of a name search at 100,000 contacts.
    // 128 kB keeps bulk inserts batched (25,000 rows: 0.8 s against 0.6 s) and searches fast.
    index("contacts_email_trgm_idx").using("gin", sql`lower(${t.email}) gin_trgm_ops`).with({ gin_pending_list_limit: 128 }),
    index("contacts_email_idx").on(sql`lower(${t.email})`),
    index("contacts_name_trgm_idx").using("gin", sql`${t.fullName} gin_trgm_ops`).with({ gin_pending_list_limit: 128 }),
  ],
);

export const contactIdentifiers = pgTable(
  "contact_identifiers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    system: text("system", { enum: identifierSystems }).notNull(),
    value: text("value").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("contact_identifiers_system_value_key").on(t.system, t.value),
    index("contact_identifiers_contact_idx").on(t.contactId),
    index("contact_identifiers_value_idx").on(t.value),
  ],
);
