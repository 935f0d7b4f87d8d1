// Changing the programme: earn rate, expiry, tiers, multipliers and campaigns. Every change is
// audited with what it was before; it applies to sales earned from then on (points already in the
// ledger and lots are never recalculated).
import { and, asc, desc, eq } from "drizzle-orm";
import type { Actor, Database } from "../../app/plugin-api/index.ts";
import { audit } from "../../app/plugin-api/server.ts";
import { activeProgram } from "./ledger.server.ts";
import { retailLoyaltyCampaigns, retailLoyaltyPrograms, retailLoyaltyTiers } from "./schema.ts";
import { splitList, type campaignSchema, type earningSchema, type multipliersSchema } from "./settings-forms.ts";
import type { z } from "../../app/plugin-api/index.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
export type SettingsError = "noProgram" | "unknownTier" | "campaignNotFound";

export async function programSettings(db: Database) {
  const program = await activeProgram(db);
  if (!program) return null;
  const campaigns = await db
    .select()
    .from(retailLoyaltyCampaigns)
    .where(eq(retailLoyaltyCampaigns.programId, program.id))
    .orderBy(desc(retailLoyaltyCampaigns.startsOn), asc(retailLoyaltyCampaigns.createdAt));
  return { program, campaigns };
}

export async function saveEarning(db: Database, actor: StaffActor, input: z.infer<typeof earningSchema>) {
  const program = await activeProgram(db);
  if (!program) return { ok: false as const, error: "noProgram" as SettingsError };
  const known = new Map(program.tiers.map((t) => [t.id, t]));
  if (input.tiers.some((t) => !known.has(t.id))) return { ok: false as const, error: "unknownTier" as SettingsError };
  await db.transaction(async (tx) => {
    await tx.update(retailLoyaltyPrograms).set({ idrPerPoint: input.idrPerPoint, expiryMonths: input.expiryMonths }).where(eq(retailLoyaltyPrograms.id, program.id));
    for (const t of input.tiers) {
      await tx
        .update(retailLoyaltyTiers)
        .set({ minSpendIdr: t.minSpendIdr, earnMultiplierPct: t.earnMultiplierPct, benefits: { id: t.benefitsId, en: t.benefitsEn } })
        .where(and(eq(retailLoyaltyTiers.id, t.id), eq(retailLoyaltyTiers.programId, program.id)));
    }
    await audit(tx, actor, {
      action: "retail-loyalty.program.earning_changed",
      entityType: "retail-loyalty.program",
      entityId: program.id,
      data: {
        before: { idrPerPoint: program.idrPerPoint, expiryMonths: program.expiryMonths, tiers: program.tiers.map((t) => ({ code: t.code, minSpendIdr: t.minSpendIdr, earnMultiplierPct: t.earnMultiplierPct, benefits: t.benefits })) },
        after: { idrPerPoint: input.idrPerPoint, expiryMonths: input.expiryMonths, tiers: input.tiers.map((t) => ({ code: known.get(t.id)!.code, minSpendIdr: t.minSpendIdr, earnMultiplierPct: t.earnMultiplierPct, benefits: { id: t.benefitsId, en: t.benefitsEn } })) },
      },
    });
  });
  return { ok: true as const };
}

export async function saveMultipliers(db: Database, actor: StaffActor, input: z.infer<typeof multipliersSchema>) {
  const program = await activeProgram(db);
  if (!program) return { ok: false as const, error: "noProgram" as SettingsError };
  const toMap = (rows: { key?: string; pct?: number }[]) => Object.fromEntries(rows.filter((r) => r.key && r.pct !== undefined).map((r) => [r.key!, r.pct!]));
  const categoryMultipliers = toMap(input.categories);
  const productMultipliers = toMap(input.products);
  await db.transaction(async (tx) => {
    await tx.update(retailLoyaltyPrograms).set({ categoryMultipliers, productMultipliers }).where(eq(retailLoyaltyPrograms.id, program.id));
    await audit(tx, actor, {
      action: "retail-loyalty.program.multipliers_changed",
      entityType: "retail-loyalty.program",
      entityId: program.id,
      data: { before: { categoryMultipliers: program.categoryMultipliers, productMultipliers: program.productMultipliers }, after: { categoryMultipliers, productMultipliers } },
    });
  });
  return { ok: true as const };
}

export async function saveCampaign(db: Database, actor: StaffActor, input: z.infer<typeof campaignSchema>) {
  const program = await activeProgram(db);
  if (!program) return { ok: false as const, error: "noProgram" as SettingsError };
  const scopeValues = input.scope === "all" ? [] : splitList(input.scopeValues);
  if (input.scope === "tiers" && scopeValues.some((code) => !program.tiers.some((t) => t.code === code))) return { ok: false as const, error: "unknownTier" as SettingsError };
  const values = {
    name: { id: input.nameId, en: input.nameEn },
    description: { id: input.descriptionId ?? "", en: input.descriptionEn ?? "" },
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    multiplierPct: input.kind === "multiplier" ? input.value : null,
    bonusPoints: input.kind === "bonus" ? input.value : null,
    scope: input.scope,
    scopeValues,
    active: input.active ?? false,
  };
  return db.transaction(async (tx) => {
    let id = input.id;
    if (id) {
      const [before] = await tx.select().from(retailLoyaltyCampaigns).where(and(eq(retailLoyaltyCampaigns.id, id), eq(retailLoyaltyCampaigns.programId, program.id)));
      if (!before) return { ok: false as const, error: "campaignNotFound" as SettingsError };
      await tx.update(retailLoyaltyCampaigns).set({ ...values, updatedAt: new Date() }).where(eq(retailLoyaltyCampaigns.id, id));
      await audit(tx, actor, { action: "retail-loyalty.campaign.updated", entityType: "retail-loyalty.campaign", entityId: id, data: { before: campaignAudit(before), after: values } });
    } else {
      [{ id }] = await tx.insert(retailLoyaltyCampaigns).values({ ...values, programId: program.id }).returning({ id: retailLoyaltyCampaigns.id });
      await audit(tx, actor, { action: "retail-loyalty.campaign.created", entityType: "retail-loyalty.campaign", entityId: id, data: { after: values } });
    }
    return { ok: true as const, id: id! };
  });
}

/** Removes a campaign; earn entries keep its id and name in their metadata. */
export async function deleteCampaign(db: Database, actor: StaffActor, id: string) {
  return db.transaction(async (tx) => {
    const [removed] = await tx.delete(retailLoyaltyCampaigns).where(eq(retailLoyaltyCampaigns.id, id)).returning();
    if (!removed) return { ok: false as const, error: "campaignNotFound" as SettingsError };
    await audit(tx, actor, { action: "retail-loyalty.campaign.deleted", entityType: "retail-loyalty.campaign", entityId: id, data: { before: campaignAudit(removed) } });
    return { ok: true as const };
  });
}

function campaignAudit(c: typeof retailLoyaltyCampaigns.$inferSelect) {
  return { name: c.name, description: c.description, startsOn: c.startsOn, endsOn: c.endsOn, multiplierPct: c.multiplierPct, bonusPoints: c.bonusPoints, scope: c.scope, scopeValues: c.scopeValues, active: c.active };
}
