import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import type { UserKind } from "../../../db/schema/index.ts";
import { readSetting } from "../settings/app-settings.server.ts";

/** Staff session lifetimes an admin sets (ASVS level 2 defaults: 30 minutes idle, 12 hours in all). */
export const sessionPolicySchema = z.object({
  staffIdleMinutes: z.coerce.number().int().min(5).max(480).default(30),
  staffAbsoluteHours: z.coerce.number().int().min(1).max(24).default(12),
});
export type SessionPolicy = z.infer<typeof sessionPolicySchema>;
export const sessionPolicyKey = "security.sessions";

/** Patients and shoppers: longer, still bounded (they read their own data only). */
export const customerSessionLifetime = { idleSeconds: 30 * 24 * 3600, absoluteSeconds: 90 * 24 * 3600 };

/** Idle and absolute lifetime in seconds for a kind of user. Partner users read patients' referrals: staff rules. */
export async function sessionLifetimeFor(db: Database, kind: UserKind) {
  if (kind === "customer") return customerSessionLifetime;
  const policy = await readSetting(db, sessionPolicyKey, sessionPolicySchema);
  return { idleSeconds: policy.staffIdleMinutes * 60, absoluteSeconds: policy.staffAbsoluteHours * 3600 };
}
