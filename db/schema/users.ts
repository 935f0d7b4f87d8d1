import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { branches } from "./branches.ts";
import { contacts } from "./contacts.ts";
import { partnerOrganisations } from "./partner-organisations.ts";

export const userKinds = ["staff", "customer", "partner"] as const;
export type UserKind = (typeof userKinds)[number];

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind", { enum: userKinds }).notNull(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    locale: text("locale", { enum: ["id", "en"] }),
    branchId: uuid("branch_id").references(() => branches.id),
    contactId: uuid("contact_id").references(() => contacts.id),
    partnerOrgId: uuid("partner_org_id").references(() => partnerOrganisations.id),
    active: boolean("active").notNull().default(true),
    /** A partner user who manages their organisation's users and contact details. */
    partnerAdmin: boolean("partner_admin").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // the same address may belong to a staff member and, separately, to a patient
    unique("users_kind_email_key").on(t.kind, t.email),
    check("users_email_lowercase", sql`${t.email} = lower(${t.email})`),
    check("users_customer_has_contact", sql`${t.kind} <> 'customer' or ${t.contactId} is not null`),
    check("users_partner_has_org", sql`${t.kind} <> 'partner' or ${t.partnerOrgId} is not null`),
    index("users_partner_org_idx").on(t.partnerOrgId),
    index("users_contact_idx").on(t.contactId),
  ],
);

export const sessionLevels = ["full", "second_factor", "enrolment"] as const;

// ADR 017: the id is the SHA-256 of the cookie's token; a session ends at expires_at, which is the
// earlier of (last_seen_at + idle_seconds) and absolute_expires_at.
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    absoluteExpiresAt: timestamp("absolute_expires_at", { withTimezone: true }).notNull().defaultNow(),
    idleSeconds: integer("idle_seconds").notNull().default(1800),
    // full; second_factor = password proven, factor not yet; enrolment = must enrol a factor first
    level: text("level", { enum: sessionLevels }).notNull().default("full"),
    // when the user last proved who they are (sign-in or step-up), for requireRecentAuth
    reauthenticatedAt: timestamp("reauthenticated_at", { withTimezone: true }).notNull().defaultNow(),
    // the pending WebAuthn challenge of this session (registration or assertion)
    webauthnChallenge: text("webauthn_challenge"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const roles = pgTable("roles", {
  id: text("id").primaryKey(),
  // admin holds every permission, including those plugins add later
  allPermissions: boolean("all_permissions").notNull().default(false),
  pluginId: text("plugin_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const permissions = pgTable("permissions", {
  id: text("id").primaryKey(),
  pluginId: text("plugin_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const rolePermissions = pgTable(
  "role_permissions",
  {
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
    permissionId: text("permission_id")
      .notNull()
      .references(() => permissions.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.roleId, t.permissionId] })],
);

export const userRoles = pgTable(
  "user_roles",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] })],
);

export const authTokenKinds = ["email_verification", "password_reset", "partner_invitation", "staff_invitation"] as const;

export const authTokens = pgTable(
  "auth_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: authTokenKinds }).notNull(),
    // only the SHA-256 of the token is kept; the token itself lives in the e-mail
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("auth_tokens_user_idx").on(t.userId)],
);

export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    succeeded: boolean("succeeded").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_attempts_key_at_idx").on(t.key, t.at)],
);
