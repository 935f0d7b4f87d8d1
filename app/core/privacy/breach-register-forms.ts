// The breach register's forms, safe for the browser.
import { incidentSeverities, incidentStatuses } from "../../../db/schema/privacy.ts";
import { fields, z } from "../validation/validation.ts";
import { generalDataCategories, specificDataCategories } from "./purposes.ts";

export { incidentSeverities, incidentStatuses };

/** UU PDP Art 46(1): people affected and the authority are told within 3 × 24 hours. */
export const breachNoticeHours = 72;

/** Audit-log record types a breach's scope can name (core records; plugin records count through their contact). */
export const incidentEntityTypes = ["contact", "user", "ticket", "task", "survey"] as const;
export const incidentDataCategories = [...generalDataCategories, ...specificDataCategories] as const;

const localDateTime = fields.localDateTime();
const many = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(values)));

export const incidentSchema = z.object({
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().min(3).max(5000),
  severity: z.enum(incidentSeverities),
  /** Local date-times in the staff member's zone (datetime-local inputs). */
  discoveredAt: localDateTime,
  windowFrom: localDateTime,
  windowTo: localDateTime,
  entityTypes: many(incidentEntityTypes),
  dataCategories: many(incidentDataCategories),
  actorEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .email()
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export const incidentUpdateSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("findPeople") }),
  z.object({ intent: z.literal("notifyPeople") }),
  z.object({
    intent: z.literal("details"),
    consequences: z.string().trim().max(5000).optional(),
    measures: z.string().trim().max(5000).optional(),
    noticeId: z.string().trim().max(5000).optional(),
    noticeEn: z.string().trim().max(5000).optional(),
  }),
  z.object({ intent: z.literal("authority"), reference: z.string().trim().min(1).max(200) }),
  z.object({ intent: z.literal("status"), status: z.enum(incidentStatuses) }),
]);

/** A breach's 72-hour clock: time left (negative when late) until the people and authority must be told. */
export function breachClock(
  incident: { notifyBy: Date | string; authorityNotifiedAt: Date | string | null; peopleNotifiedAt: Date | string | null },
  now: Date,
) {
  const remainingMs = new Date(incident.notifyBy).getTime() - now.getTime();
  const done = Boolean(incident.authorityNotifiedAt && incident.peopleNotifiedAt);
  const abs = Math.abs(remainingMs);
  return { remainingMs, done, overdue: !done && remainingMs <= 0, hours: Math.floor(abs / 3600_000), minutes: Math.floor((abs % 3600_000) / 60_000) };
}
