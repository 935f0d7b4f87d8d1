// Client-safe: segment field types, their operators, the builder form's shape and how a rule's
// raw values become a validated condition. The server and the builder share these.
import { segmentMatches } from "../../../db/schema/segments.ts";
import type { SegmentCondition } from "../plugins/contract.ts";
import { isLocalDate } from "../time/local-time.ts";

export { segmentMatches };
export type SegmentMatch = (typeof segmentMatches)[number];

/** `tags` is core-only (contacts.tags); plugins contribute the other four. */
export type SegmentFieldType = "enum" | "tags" | "number" | "money" | "date";

export const operatorsByType = {
  enum: ["is", "isNot", "in"],
  tags: ["hasAny", "hasAll", "hasNone"],
  number: ["eq", "lt", "lte", "gt", "gte", "between"],
  money: ["eq", "lt", "lte", "gt", "gte", "between"],
  date: ["withinDays", "moreThanDaysAgo", "before", "after"],
} as const satisfies Record<SegmentFieldType, readonly string[]>;

export type TagsCondition = { op: "hasAny" | "hasAll" | "hasNone"; values: string[] };
export type CoreCondition = SegmentCondition | TagsCondition;

/** What the builder shows for a field (labels already translated). */
export interface SegmentFieldView {
  key: string;
  label: string;
  type: SegmentFieldType;
  options?: { value: string; label: string }[];
  pluginId: string | null;
}

export interface RuleDraft {
  field: string;
  op: string;
  values: string[];
}
export interface SegmentDraft {
  name: string;
  description: string;
  match: SegmentMatch;
  rules: RuleDraft[];
}

export const maxRules = 20;
export const multiValueOps = new Set(["in", "hasAny", "hasAll", "hasNone"]);

/** Reads the builder form: `name`, `description`, `match`, `rule.<n>.field|op|values`, and the pressed `intent`. */
export function readSegmentForm(form: FormData): { intent: string; draft: SegmentDraft } {
  const text = (name: string, max: number) => String(form.get(name) ?? "").slice(0, max);
  const rules = new Map<number, RuleDraft>();
  for (const [name, value] of form.entries()) {
    const m = /^rule\.(\d{1,2})\.(field|op|values)$/.exec(name);
    if (!m || typeof value !== "string") continue;
    const index = Number(m[1]);
    if (index >= maxRules) continue;
    const rule = rules.get(index) ?? { field: "", op: "", values: [] };
    if (m[2] === "values") {
      if (rule.values.length < 50) rule.values.push(value.slice(0, 100));
    } else rule[m[2] as "field" | "op"] = value.slice(0, 100);
    rules.set(index, rule);
  }
  const match = form.get("match") === "any" ? "any" : "all";
  return {
    intent: String(form.get("intent") ?? ""),
    draft: {
      name: text("name", 200),
      description: text("description", 1000),
      match,
      rules: [...rules.entries()].sort(([a], [b]) => a - b).map(([, r]) => r),
    },
  };
}

/** Keeps a rule consistent with its field: an operator the type has (the first one otherwise). */
export function normaliseRule(rule: RuleDraft, field: SegmentFieldView | undefined): RuleDraft {
  if (!field) return rule;
  const ops: readonly string[] = operatorsByType[field.type];
  const op = ops.includes(rule.op) ? rule.op : ops[0];
  const values = multiValueOps.has(op) ? rule.values.filter((v) => v.trim() !== "") : rule.values;
  return { field: rule.field, op, values };
}

type Checked = { ok: true; condition: CoreCondition } | { ok: false; error: string };

const integerPattern = /^-?\d{1,13}$/;
/** "1.500.000", "1,500,000" and "1 500 000" are all Rp 1500000; decimals are not accepted. */
function parseAmount(raw: string | undefined, money: boolean): number | null {
  const typed = (raw ?? "").trim();
  // thousands as the hint writes them (1.500.000, or 1,500,000 in English), not a decimal point
  const grouped = /^-?\d{1,3}([.,]\d{3})+$/.test(typed);
  const cleaned = typed.replace(money || grouped ? /[.,\s]/g : /\s/g, "").replace(/^Rp/i, "");
  if (!integerPattern.test(cleaned)) return null;
  const n = Number(cleaned);
  return Number.isSafeInteger(n) ? n : null;
}

function parseDate(raw: string | undefined): string | null {
  const v = (raw ?? "").trim();
  return isLocalDate(v) ? v : null;
}

/** Validates one rule against its field; errors are i18n keys in `staff`. */
export function checkRule(rule: RuleDraft, field: SegmentFieldView | undefined): Checked {
  if (!rule.field) return { ok: false, error: "segments.errors.fieldRequired" };
  if (!field) return { ok: false, error: "segments.errors.fieldUnavailable" };
  const ops: readonly string[] = operatorsByType[field.type];
  if (!ops.includes(rule.op)) return { ok: false, error: "segments.errors.operator" };
  const values = rule.values.map((v) => v.trim());
  switch (field.type) {
    case "enum":
    case "tags": {
      const chosen = [...new Set(values.filter(Boolean))];
      if (!chosen.length) return { ok: false, error: "segments.errors.valueRequired" };
      if (!multiValueOps.has(rule.op) && chosen.length > 1) return { ok: false, error: "segments.errors.oneValue" };
      if (field.type === "enum" && field.options && chosen.some((v) => !field.options!.some((o) => o.value === v))) {
        return { ok: false, error: "segments.errors.choice" };
      }
      return { ok: true, condition: { op: rule.op, values: chosen } as CoreCondition };
    }
    case "number":
    case "money": {
      const money = field.type === "money";
      if (!values[0]) return { ok: false, error: "segments.errors.valueRequired" };
      const a = parseAmount(values[0], money);
      if (a === null) return { ok: false, error: "segments.errors.number" };
      if (rule.op !== "between") return { ok: true, condition: { op: rule.op as "eq", value: a } };
      if (!values[1]) return { ok: false, error: "segments.errors.valueRequired" };
      const b = parseAmount(values[1], money);
      if (b === null) return { ok: false, error: "segments.errors.number" };
      if (b < a) return { ok: false, error: "segments.errors.range" };
      return { ok: true, condition: { op: "between", min: a, max: b } };
    }
    case "date": {
      if (!values[0]) return { ok: false, error: "segments.errors.valueRequired" };
      if (rule.op === "withinDays" || rule.op === "moreThanDaysAgo") {
        const days = parseAmount(values[0], false);
        if (days === null || days < 1 || days > 3650) return { ok: false, error: "segments.errors.days" };
        return { ok: true, condition: { op: rule.op, days } };
      }
      const date = parseDate(values[0]);
      if (!date) return { ok: false, error: "segments.errors.date" };
      return { ok: true, condition: { op: rule.op as "before", date } };
    }
  }
}
