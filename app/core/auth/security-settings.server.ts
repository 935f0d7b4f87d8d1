// Settings → Security: staff session lifetimes and the roles that must use a second factor.
import { asc } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { roles } from "../../../db/schema/index.ts";
import type { Actor } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { readSetting, writeSetting } from "../settings/app-settings.server.ts";
import { defaultRequiredRoles, requiredRoles, saveRequiredRoles } from "./mfa.server.ts";
import { sessionPolicyKey, sessionPolicySchema } from "./session-policy.server.ts";
import { applySessionLifetimeToOpenSessions } from "./session.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
type Registry = Pick<PluginRegistry, "sensitivePermissions">;

export async function readSecuritySettings(db: Database, registry: Registry) {
  const [policy, required, defaults, allRoles] = await Promise.all([
    readSetting(db, sessionPolicyKey, sessionPolicySchema),
    requiredRoles(db, registry),
    defaultRequiredRoles(db, registry),
    db.select({ id: roles.id, pluginId: roles.pluginId }).from(roles).orderBy(asc(roles.id)),
  ]);
  return { policy, requiredRoles: required.roles, isDefault: required.isDefault, defaultRoles: defaults, roles: allRoles };
}

/** Saves both; new lifetimes apply to the sessions already open, not only to new ones. */
export async function saveSecuritySettings(
  db: Database,
  registry: Registry,
  actor: StaffActor,
  input: { staffIdleMinutes: number; staffAbsoluteHours: number; rule: "default" | "custom"; requiredRoles: string[] },
) {
  void registry;
  await writeSetting(db, actor, sessionPolicyKey, { staffIdleMinutes: input.staffIdleMinutes, staffAbsoluteHours: input.staffAbsoluteHours });
  await applySessionLifetimeToOpenSessions(db, { idleSeconds: input.staffIdleMinutes * 60, absoluteSeconds: input.staffAbsoluteHours * 3600 });
  await saveRequiredRoles(db, actor, input.rule === "default" ? null : input.requiredRoles);
}
