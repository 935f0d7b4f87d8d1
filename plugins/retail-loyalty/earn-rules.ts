// The earn rule engine: pure, so the rules can be tested without a database.
//
// Points of a sale = ⌊ Σ(line amount × line multiplier × campaign multiplier) × tier multiplier
// ÷ Rupiah per point ⌋ + fixed campaign bonuses.
// - Line multiplier: the product's (SKU) multiplier when it has one, else its category's, else 100 %.
// - Campaign multiplier: of the multiplier campaigns running that day and covering the line, the
//   HIGHEST applies (they do not stack); none: 100 %.
// - Fixed bonuses: every running bonus campaign that covers the sale adds its points (they stack,
//   and the tier does not multiply them).
// - A campaign runs from `startsOn` to `endsOn` inclusive, dates read in the store's time zone;
//   scope "all" covers every line, "categories"/"skus" the lines in its list, "tiers" every line of
//   a member in one of its tiers; a fixed bonus needs at least one covered line with a positive amount.
// Integer arithmetic throughout, rounded down once.

export type CampaignScope = "all" | "categories" | "skus" | "tiers";

export interface EarnProgram {
  idrPerPoint: number;
  categoryMultipliers: Record<string, number>;
  productMultipliers: Record<string, number>;
}

export interface EarnCampaign {
  id: string;
  name: { id: string; en: string };
  startsOn: string;
  endsOn: string;
  multiplierPct: number | null;
  bonusPoints: number | null;
  scope: CampaignScope;
  scopeValues: string[];
  active: boolean;
}

export interface EarnLine {
  sku?: string;
  category: string;
  amount: number;
}

export interface EarnInput {
  lines: EarnLine[];
  /** The sale's calendar date (YYYY-MM-DD) in its store's time zone. */
  localDate: string;
  tier: { code: string; earnMultiplierPct: number } | null;
}

export interface RuleShare {
  source: "product" | "category" | "base";
  key: string | null;
  pct: number;
  amountIdr: number;
}

export type CampaignShare =
  | { id: string; name: { id: string; en: string }; kind: "multiplier"; pct: number; amountIdr: number; extraPoints: number }
  | { id: string; name: { id: string; en: string }; kind: "bonus"; points: number };

/** What an earn ledger entry keeps in its metadata: which rule and campaign gave what. */
export interface EarnBreakdown {
  version: 1;
  localDate: string;
  idrPerPoint: number;
  tier: { code: string; pct: number } | null;
  rules: RuleShare[];
  campaigns: CampaignShare[];
  spendPoints: number;
  bonusPoints: number;
  points: number;
}

export function campaignRunsOn(campaign: EarnCampaign, localDate: string, tierCode: string | null) {
  if (!campaign.active || localDate < campaign.startsOn || localDate > campaign.endsOn) return false;
  return campaign.scope !== "tiers" || (tierCode !== null && campaign.scopeValues.includes(tierCode));
}

function covers(campaign: EarnCampaign, line: EarnLine) {
  if (campaign.scope === "categories") return campaign.scopeValues.includes(line.category);
  if (campaign.scope === "skus") return line.sku !== undefined && campaign.scopeValues.includes(line.sku);
  return true;
}

function lineRule(program: EarnProgram, line: EarnLine): Omit<RuleShare, "amountIdr"> {
  if (line.sku !== undefined && Object.hasOwn(program.productMultipliers, line.sku)) return { source: "product", key: line.sku, pct: program.productMultipliers[line.sku] };
  if (Object.hasOwn(program.categoryMultipliers, line.category)) return { source: "category", key: line.category, pct: program.categoryMultipliers[line.category] };
  return { source: "base", key: null, pct: 100 };
}

export function computeEarn(program: EarnProgram, campaigns: EarnCampaign[], input: EarnInput): EarnBreakdown {
  const tierPct = BigInt(input.tier?.earnMultiplierPct ?? 100);
  const divisor = 1_000_000n * BigInt(program.idrPerPoint);
  const running = campaigns.filter((c) => campaignRunsOn(c, input.localDate, input.tier?.code ?? null));
  const multipliers = running.filter((c) => c.multiplierPct !== null).sort((a, b) => b.multiplierPct! - a.multiplierPct! || a.id.localeCompare(b.id));

  const rules = new Map<string, RuleShare>();
  const campaignAmounts = new Map<string, { amount: bigint; extra: bigint }>();
  let weighted = 0n;
  for (const line of input.lines) {
    const rule = lineRule(program, line);
    const ruleKey = `${rule.source}:${rule.key ?? ""}`;
    const share = rules.get(ruleKey) ?? { ...rule, amountIdr: 0 };
    share.amountIdr += line.amount;
    rules.set(ruleKey, share);
    const best = multipliers.find((c) => covers(c, line));
    const campaignPct = BigInt(best?.multiplierPct ?? 100);
    weighted += BigInt(line.amount) * BigInt(rule.pct) * campaignPct;
    if (best) {
      const seen = campaignAmounts.get(best.id) ?? { amount: 0n, extra: 0n };
      seen.amount += BigInt(line.amount);
      seen.extra += BigInt(line.amount) * BigInt(rule.pct) * (campaignPct - 100n);
      campaignAmounts.set(best.id, seen);
    }
  }
  const spendPoints = weighted > 0n ? Number((weighted * tierPct) / divisor) : 0;

  const shares: CampaignShare[] = [];
  for (const c of multipliers) {
    const seen = campaignAmounts.get(c.id);
    if (!seen) continue;
    const extra = seen.extra > 0n ? Number((seen.extra * tierPct) / divisor) : 0;
    shares.push({ id: c.id, name: c.name, kind: "multiplier", pct: c.multiplierPct!, amountIdr: Number(seen.amount), extraPoints: extra });
  }
  let bonusPoints = 0;
  for (const c of running) {
    if (c.bonusPoints === null) continue;
    if (!input.lines.some((l) => l.amount > 0 && covers(c, l))) continue;
    bonusPoints += c.bonusPoints;
    shares.push({ id: c.id, name: c.name, kind: "bonus", points: c.bonusPoints });
  }
  return {
    version: 1,
    localDate: input.localDate,
    idrPerPoint: program.idrPerPoint,
    tier: input.tier ? { code: input.tier.code, pct: input.tier.earnMultiplierPct } : null,
    rules: [...rules.values()],
    campaigns: shares,
    spendPoints,
    bonusPoints,
    points: spendPoints + bonusPoints,
  };
}
