import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "../../../db/client.ts";
import { appSettings } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";

/** A core setting, checked against its schema; the schema's defaults when unset or invalid. */
export async function readSetting<S extends z.ZodTypeAny>(db: Database, key: string, schema: S): Promise<z.infer<S>> {
  const [row] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, key));
  const parsed = schema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : schema.parse({});
}

export async function writeSetting(db: Database, actor: Actor, key: string, value: Record<string, unknown>) {
  const updatedBy = actor.kind === "system" ? null : actor.userId;
  await db.transaction(async (tx) => {
    await tx
      .insert(appSettings)
      .values({ key, value, updatedBy })
      .onConflictDoUpdate({ target: appSettings.key, set: { value, updatedBy, updatedAt: new Date() } });
    // secrets are not copied into the audit log, only which fields changed
    await audit(tx, actor, { action: "settings.changed", entityType: "setting", entityId: key, data: { fields: Object.keys(value) } });
  });
}
