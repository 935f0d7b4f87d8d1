import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/**
 * Machine credentials for the read-only APIs (FHIR R4). Only a SHA-256 hash of the secret is
 * stored; the secret is shown once when the token is created. Scopes are SMART-style
 * (`system/*.read`, `system/Patient.read`).
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** Hex SHA-256 of the whole secret; the secret has 256 random bits, so no salt or slow hash is needed. */
    secretHash: text("secret_hash").notNull().unique(),
    /** The first characters of the secret, shown in lists so admins can tell tokens apart. */
    prefix: text("prefix").notNull(),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [index("api_tokens_created_idx").on(t.createdAt.desc())],
);
