// Client-safe schemas of the second-factor, step-up and security pages.
import { z } from "zod";

/** A TOTP (6 digits) or a backup code (16 letters and digits, dashes allowed). */
export const codeSchema = z.object({ code: z.string().trim().min(6).max(24) });

export const confirmIdentitySchema = z.object({
  password: z.string().min(1).max(128),
  code: z.string().trim().max(24).optional(),
});

export const securitySettingsSchema = z.object({
  staffIdleMinutes: z.coerce.number().int().min(5).max(480),
  staffAbsoluteHours: z.coerce.number().int().min(1).max(24),
  rule: z.enum(["default", "custom"]),
  requiredRoles: z.array(z.string()).default([]),
});
