import crypto from "node:crypto";
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes");

/** web: serves HTTP only; worker: runs jobs, event delivery and cron only; all: both (the default). */
export const processRoles = ["web", "worker", "all"] as const;
export type ProcessRole = (typeof processRoles)[number];

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  // a read replica for reports, exports and analytics (issue 11, item 6); only beside DATABASE_URL
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  // what this process does beside the others on one PostgreSQL (issue 11, item 5)
  NUSA_ROLE: z.enum(processRoles).default("all"),
  DATA_DIR: z.string().default(".data/pglite"),
  APP_ORIGIN: z.string().url("must be a URL such as https://crm.example.co.id").optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().default("Nusa CRM <no-reply@nusa-crm.local>"),
  PLUGINS: z.string().optional(),
  DEMO_DATA: bool.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TRUST_PROXY: bool.default("false"),
  // operations (issue 17)
  BACKUP_DIR: z.string().optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  BACKUP_CRON: z
    .string()
    .regex(/^(\S+\s+){4}\S+$/, "must be a cron expression of five fields, e.g. 0 19 * * *")
    .default("0 19 * * *"),
  BACKUP_MAX_AGE_HOURS: z.coerce.number().min(1).max(24 * 90).default(26),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  ALERT_QUEUE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(15),
  ALERT_EVENT_LAG_MINUTES: z.coerce.number().int().min(1).max(10_080).default(15),
  ALERT_CHANNEL_FAILURES: z.coerce.number().int().min(1).max(10_000).default(5),
  SECRETS_KEY: z
    .string()
    .refine((v) => secretsKeyBytes(v) !== null, "must be 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)")
    .optional(),
});

/** 32 bytes from 64 hex digits or base64 / base64url; null otherwise. */
function secretsKeyBytes(value: string): Buffer | null {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null;
  const bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === 32 ? bytes : null;
}

// Known to everyone who reads this file: it only keeps development and the public demo data working.
const developmentSecretsKey = crypto.createHash("sha256").update("nusa-crm development SECRETS_KEY: never for real data").digest();

export interface AppConfig {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  databaseUrl?: string;
  /** Reports, exports and analytics read here when set (ADR 024); otherwise from databaseUrl. */
  databaseReadUrl?: string;
  /** Whether this process serves HTTP, runs the background work, or both (ADR 024). */
  role: ProcessRole;
  dataDir: string;
  appOrigin: string;
  cookieSecure: boolean;
  smtpUrl?: string;
  mailFrom: string;
  /** Plugins enabled on first start; null = every installed plugin. */
  initialPlugins: string[] | null;
  demoData: boolean;
  logLevel: string;
  trustProxy: boolean;
  operations: OperationsConfig;
  /** AES-256-GCM key for secrets kept sealed in the database (TOTP seeds). */
  secretsKey: Buffer;
  /** True when SECRETS_KEY was not set and the public development key is used (warned at start). */
  secretsKeyIsDevelopmentDefault: boolean;
}

export interface OperationsConfig {
  /** Folder of the scheduled backups; null when they are off. */
  backupDir: string | null;
  /** How many scheduled backups to keep (oldest removed first). */
  backupKeep: number;
  /** When the scheduled backup runs (UTC cron; default 02:00 WIB). */
  backupCron: string;
  /** The status page and the alert call the last backup late after this many hours. */
  backupMaxAgeHours: number;
  /** Bearer token of GET /metrics; without one the endpoint answers 404. */
  metricsToken: string | null;
  /** A queue whose oldest due job waits longer than this alerts the admins. */
  alertQueueMinutes: number;
  /** An event handler this far behind alerts the admins. */
  alertEventLagMinutes: number;
  /** This many failed messages of one channel within an hour, with none sent, alert the admins. */
  alertChannelFailures: number;
}

export class ConfigError extends Error {}

/** Reads and checks the environment; every problem is listed at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  // the embedded database is one process's folder: splitting the work needs PostgreSQL (ADR 024)
  const problems: string[] = [];
  if (e.NUSA_ROLE !== "all" && !e.DATABASE_URL) problems.push(`  NUSA_ROLE: "${e.NUSA_ROLE}" needs DATABASE_URL; the embedded database runs as one process (NUSA_ROLE=all)`);
  if (e.DATABASE_READ_URL && !e.DATABASE_URL) problems.push("  DATABASE_READ_URL: a read replica needs DATABASE_URL (the primary) too");
  // a real install (production without the public demo data) must bring its own key
  if (!e.SECRETS_KEY && e.NODE_ENV === "production" && !(e.DEMO_DATA ?? !e.DATABASE_URL)) {
    problems.push("  SECRETS_KEY: required in production (32 random bytes: openssl rand -base64 32)");
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join("\n")}`);
  const appOrigin = (e.APP_ORIGIN ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    role: e.NUSA_ROLE,
    dataDir: path.resolve(e.DATA_DIR),
    appOrigin,
    cookieSecure: appOrigin.startsWith("https://"),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    initialPlugins: e.PLUGINS ? e.PLUGINS.split(",").map((p) => p.trim()).filter(Boolean) : null,
    // demo data by default only on the embedded database, never silently on a real server
    demoData: e.DEMO_DATA ?? !e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    secretsKey: e.SECRETS_KEY ? secretsKeyBytes(e.SECRETS_KEY)! : developmentSecretsKey,
    secretsKeyIsDevelopmentDefault: !e.SECRETS_KEY,
    operations: {
      // daily by default on the embedded database (next to it); on PostgreSQL only when asked for
      backupDir:
        e.BACKUP_DIR === "off"
          ? null
          : e.BACKUP_DIR
            ? path.resolve(e.BACKUP_DIR)
            : e.DATABASE_URL
              ? null
              : path.join(path.dirname(path.resolve(e.DATA_DIR)), "backups"),
      backupKeep: e.BACKUP_KEEP,
      backupCron: e.BACKUP_CRON,
      backupMaxAgeHours: e.BACKUP_MAX_AGE_HOURS,
      metricsToken: e.METRICS_TOKEN ?? null,
      alertQueueMinutes: e.ALERT_QUEUE_MINUTES,
      alertEventLagMinutes: e.ALERT_EVENT_LAG_MINUTES,
      alertChannelFailures: e.ALERT_CHANNEL_FAILURES,
    },
  };
}
