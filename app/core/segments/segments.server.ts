// Contact segments: saved, named rules over contacts (core fields and fields enabled plugins
// contribute). Members are computed live in SQL every time; nothing is cached. A rule whose field
// is gone (plugin disabled or removed, or no permission) makes the segment refuse to compute and
// say which rule, rather than quietly count without it.
import { and, desc, eq, ne, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, contacts, segments, type SegmentRuleData } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { csvField } from "../contacts/contact-export.server.ts";
import { formatDateTime, formatNumber, formatRupiah, type TimeZone } from "../i18n/format.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor, SegmentCondition, Translate } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { analyticsScoreSegmentFields } from "../analytics/rfm-segment-fields.server.ts";
import { coreSegmentFields } from "./segment-fields.server.ts";
import { checkRule, maxRules, type CoreCondition, type SegmentDraft, type SegmentFieldView, type SegmentMatch } from "./segment-rules.ts";
import { isUuid } from "../validation/ids.ts";
import { cursorPart, decodeCursor, encodeCursor } from "../validation/cursor.server.ts";
import { z } from "../validation/validation.ts";
import { uniqueViolation } from "../../../db/errors.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export interface SegmentFieldDef extends SegmentFieldView {
  condition: (condition: CoreCondition) => SQL;
}

/**
 * Every field this staff member may build on now, labels and options translated: the core's
 * and those of enabled plugins (filtered by the contribution's permission).
 */
export async function availableSegmentFields(db: Database, registry: PluginRegistry, actor: StaffActor, t: Translate): Promise<Map<string, SegmentFieldDef>> {
  const enabled = await registry.enabledPluginIds(db);
  const fields = new Map<string, SegmentFieldDef>();
  // customer scores of the newest RFM snapshot (issue 10) come after the core's own fields
  for (const f of [...coreSegmentFields, ...analyticsScoreSegmentFields]) {
    if (f.permission && !actor.permissions.has(f.permission)) continue;
    const ns = f.namespace ?? "staff";
    const options = f.loadOptions
      ? await f.loadOptions(db)
      : f.options?.map((o) => ({
          value: o.value,
          label: t(`${ns}:${o.label}`),
        }));
    fields.set(f.key, {
      key: f.key,
      label: t(`${ns}:${f.label}`),
      type: f.type,
      options,
      pluginId: null,
      condition: f.condition,
    });
  }
  for (const f of registry.segmentFields(enabled, actor.permissions)) {
    const ns = f.pluginId;
    const options =
      f.type !== "enum"
        ? undefined
        : f.loadOptions
          ? await f.loadOptions(db)
          : (f.options ?? []).map((o) => ({
              value: o.value,
              label: t(`${ns}:${o.label}`),
            }));
    fields.set(f.key, {
      key: f.key,
      label: t("staff:segments.pluginField", {
        plugin: t(`${ns}:${registry.get(ns)?.manifest.name ?? "meta.name"}`),
        field: t(`${ns}:${f.label}`),
      }),
      type: f.type,
      options,
      pluginId: f.pluginId,
      condition: (c) => f.condition(c as SegmentCondition, { contactId: sql`${contacts.id}` }),
    });
  }
  return fields;
}

export type SegmentFormErrors = {
  name?: string;
  form?: string;
  rules: (string | null)[];
};
export type SegmentInput = {
  name: string;
  description: string | null;
  match: SegmentMatch;
  rules: SegmentRuleData[];
};

/** Checks a draft from the builder; errors are i18n keys in `staff` (or `common` for validation.*). */
export function validateSegmentDraft(
  draft: SegmentDraft,
  fields: Map<string, SegmentFieldDef>,
): { ok: true; value: SegmentInput } | { ok: false; errors: SegmentFormErrors } {
  const errors: SegmentFormErrors = { rules: draft.rules.map(() => null) };
  const name = draft.name.trim();
  if (name.length < 2) errors.name = name.length ? "validation.tooShort|2" : "validation.required";
  else if (name.length > 120) errors.name = "validation.tooLong|120";
  if (!draft.rules.length) errors.form = "segments.errors.noRules";
  if (draft.rules.length > maxRules) errors.form = "segments.errors.tooManyRules";
  draft.rules.forEach((rule, i) => {
    const checked = checkRule(rule, fields.get(rule.field));
    if (!checked.ok) errors.rules[i] = checked.error;
  });
  if (errors.name || errors.form || errors.rules.some(Boolean)) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      description: draft.description.trim().slice(0, 1000) || null,
      match: draft.match,
      rules: draft.rules.map((r) => ({
        field: r.field,
        op: r.op,
        values: r.values.map((v) => v.trim()).filter(Boolean),
      })),
    },
  };
}

export type UnavailableRule = {
  index: number;
  field: string;
  pluginId: string | null;
  reason: "fieldUnavailable" | "invalid";
  error?: string;
};

/**
 * The SQL condition a saved segment stands for, or the rules that stop it from being computed
 * honestly (a field that is not available now, or a value that no longer fits it).
 */
export function segmentCondition(
  segment: { match: SegmentMatch; rules: SegmentRuleData[] },
  fields: Map<string, SegmentFieldDef>,
): { ok: true; where: SQL } | { ok: false; unavailable: UnavailableRule[] } {
  const unavailable: UnavailableRule[] = [];
  const parts: SQL[] = [];
  segment.rules.forEach((rule, index) => {
    const field = fields.get(rule.field);
    const pluginId = rule.field.startsWith("core.") ? null : (rule.field.split(".")[0] ?? null);
    if (!field) {
      unavailable.push({
        index,
        field: rule.field,
        pluginId,
        reason: "fieldUnavailable",
      });
      return;
    }
    const checked = checkRule(rule, field);
    if (!checked.ok)
      unavailable.push({
        index,
        field: rule.field,
        pluginId,
        reason: "invalid",
        error: checked.error,
      });
    else parts.push(sql`(${field.condition(checked.condition)})`);
  });
  if (unavailable.length) return { ok: false, unavailable };
  if (!parts.length) return { ok: false, unavailable: [] };
  const combined = segment.match === "any" ? or(...parts)! : and(...parts)!;
  return {
    ok: true,
    where: and(sql`${contacts.mergedIntoId} is null`, combined)!,
  };
}

export async function listSegments(db: Database) {
  return db
    .select({
      id: segments.id,
      name: segments.name,
      description: segments.description,
      match: segments.match,
      rules: segments.rules,
      updatedAt: segments.updatedAt,
    })
    .from(segments)
    .orderBy(sql`lower(${segments.name})`)
    .limit(500);
}

export async function getSegment(db: Database, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(segments).where(eq(segments.id, id));
  return row ?? null;
}


async function nameTaken(db: Database, name: string, exceptId?: string) {
  const [row] = await db
    .select({ id: segments.id })
    .from(segments)
    .where(and(sql`lower(${segments.name}) = lower(${name})`, exceptId ? ne(segments.id, exceptId) : undefined));
  return Boolean(row);
}

type SaveResult = { ok: true; id: string } | { ok: false; error: "nameTaken" | "notFound" };

export async function createSegment(db: Database, actor: StaffActor, input: SegmentInput): Promise<SaveResult> {
  if (await nameTaken(db, input.name)) return { ok: false, error: "nameTaken" };
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(segments)
        .values({ ...input, createdBy: actor.userId, updatedBy: actor.userId })
        .returning({ id: segments.id });
      await audit(tx, actor, {
        action: "segment.created",
        entityType: "segment",
        entityId: row.id,
        data: { name: input.name, match: input.match, rules: input.rules },
      });
      return { ok: true as const, id: row.id };
    });
  } catch (error) {
    if (uniqueViolation(error) !== null) return { ok: false, error: "nameTaken" };
    throw error;
  }
}

export async function updateSegment(db: Database, actor: StaffActor, id: string, input: SegmentInput): Promise<SaveResult> {
  if (await nameTaken(db, input.name, id)) return { ok: false, error: "nameTaken" };
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .update(segments)
        .set({ ...input, updatedBy: actor.userId, updatedAt: new Date() })
        .where(eq(segments.id, id))
        .returning({ id: segments.id });
      if (!row) return { ok: false as const, error: "notFound" as const };
      await audit(tx, actor, {
        action: "segment.updated",
        entityType: "segment",
        entityId: id,
        data: { name: input.name, match: input.match, rules: input.rules },
      });
      return { ok: true as const, id };
    });
  } catch (error) {
    if (uniqueViolation(error) !== null) return { ok: false, error: "nameTaken" };
    throw error;
  }
}

export async function deleteSegment(db: Database, actor: StaffActor, id: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(segments).where(eq(segments.id, id)).returning({ id: segments.id, name: segments.name });
    if (!row) return false;
    await audit(tx, actor, {
      action: "segment.deleted",
      entityType: "segment",
      entityId: id,
      data: { name: row.name },
    });
    return true;
  });
}

export const segmentPageSize = 25;

/**
 * Runs a query over segment members with nested loops off, for that transaction only. Rule
 * conditions are `contacts.id in (<subquery>)`; the planner cannot estimate those (aggregates over
 * CTEs come out as "1 row") and picks nested loops that rescan the subquery per contact — 24 s
 * instead of 0.1 s for two loyalty rules on the demo data. Hash joins are right for every size.
 */
export async function withSegmentPlanner<T>(db: Database, query: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await segmentPlannerSettings(tx);
    return query(tx);
  });
}
/** The same settings inside a transaction the caller already holds. */
export async function segmentPlannerSettings(tx: Database) {
  await tx.execute(sql`select set_config('enable_nestloop', 'off', true)`);
}

export async function countSegmentMembers(db: Database, where: SQL) {
  const [row] = await withSegmentPlanner(db, (tx) =>
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(contacts)
      .where(where),
  );
  return Number(row?.n ?? 0);
}

const memberCursor = z.tuple([cursorPart.instant(), cursorPart.id()]);

/** One page of members, newest contacts first (keyset on created_at, id). */
export async function segmentMembers(db: Database, where: SQL, input: { after?: string | null; limit?: number } = {}) {
  const limit = Math.min(Math.max(input.limit ?? segmentPageSize, 1), 1000);
  const key = decodeCursor(input.after, memberCursor);
  const cursor = key ? { at: key[0], id: key[1] } : null;
  const rows = await withSegmentPlanner(db, (tx) =>
    tx
      .select({
        id: contacts.id,
        fullName: contacts.fullName,
        phone: contacts.phone,
        email: contacts.email,
        city: contacts.city,
        tags: contacts.tags,
        branchName: branches.name,
        createdAt: contacts.createdAt,
        // microseconds, as text: a Date would round them away and repeat or skip rows at a page edge
        cursorAt: sql<string>`to_char(${contacts.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      })
      .from(contacts)
      .leftJoin(branches, eq(branches.id, contacts.branchId))
      .where(and(where, cursor ? sql`(${contacts.createdAt}, ${contacts.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : undefined))
      .orderBy(desc(contacts.createdAt), desc(contacts.id))
      .limit(limit + 1),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    contacts: page.map(({ cursorAt: _at, ...row }) => row),
    next: rows.length > limit && last ? encodeCursor([last.cursorAt, last.id]) : null,
  };
}

const exportColumns = ["name", "phone", "email", "city", "branch", "tags", "createdAt"] as const;

/**
 * CSV of a segment's members, streamed in batches; audited with the count before the first byte.
 * Members are read from `readDb` (the read replica, ADR 024) when given; the audit goes to `db`.
 */
export async function exportSegment(
  db: Database,
  actor: StaffActor,
  segment: { id: string; name: string },
  where: SQL,
  options: {
    t: Translate;
    language: Language;
    timeZone?: TimeZone;
    ip?: string | null;
    readDb?: Database;
  },
) {
  const read = options.readDb ?? db;
  const rows = await countSegmentMembers(read, where);
  await audit(db, actor, {
    action: "segment.exported",
    entityType: "segment",
    entityId: segment.id,
    data: { name: segment.name, rows },
    ip: options.ip ?? null,
  });
  const encoder = new TextEncoder();
  const line = (fields: (string | null | undefined)[]) => `${fields.map(csvField).join(",")}\r\n`;
  let after: string | null = null;
  let started = false;
  let done = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${line(exportColumns.map((c) => options.t(`contacts.export.columns.${c}`)))}`));
        return;
      }
      if (done) return controller.close();
      const page = await segmentMembers(read, where, { after, limit: 1000 });
      const chunk = page.contacts
        .map((c) =>
          line([c.fullName, c.phone, c.email, c.city, c.branchName, c.tags.join(", "), formatDateTime(c.createdAt, options.language, options.timeZone)]),
        )
        .join("");
      after = page.next;
      if (!after) done = true;
      if (chunk) controller.enqueue(encoder.encode(chunk));
      else controller.close();
    },
  });
  return { rows, stream };
}

/** The name of the plugin a field key belongs to, translated; for telling staff what is missing. */
export function pluginNameOf(registry: PluginRegistry, t: Translate, fieldKey: string) {
  const pluginId = fieldKey.split(".")[0] ?? "";
  const plugin = registry.get(pluginId);
  return plugin ? t(`${pluginId}:${plugin.manifest.name}`) : t("staff:segments.unknownPlugin");
}

/** Each rule as a readable line ("Age (years) between 25 and 40"), or why it cannot be used now. */
export function describeRules(
  segment: { rules: SegmentRuleData[] },
  fields: Map<string, SegmentFieldDef>,
  registry: PluginRegistry,
  t: Translate,
  language: Language,
): { text: string; unavailable: string | null }[] {
  return segment.rules.map((rule, i) => {
    const number = i + 1;
    const field = fields.get(rule.field);
    if (!field) {
      const unavailable = rule.field.startsWith("core.")
        ? t("staff:segments.unavailableCoreField", {
            number,
            field: rule.field,
          })
        : t("staff:segments.unavailableField", {
            number,
            field: rule.field,
            plugin: pluginNameOf(registry, t, rule.field),
          });
      return {
        text: `${rule.field} ${rule.op} ${rule.values.join(", ")}`,
        unavailable,
      };
    }
    const checked = checkRule(rule, field);
    const shown = rule.values.map((v) => {
      const option = field.options?.find((o) => o.value === v);
      if (option) return option.label;
      if ((field.type === "money" || field.type === "number") && /^-?\d+$/.test(v.replace(/[.,\s]/g, ""))) {
        const n = Number(v.replace(/[.,\s]/g, ""));
        return field.type === "money" ? formatRupiah(n, language) : formatNumber(n, language);
      }
      return v;
    });
    const value =
      rule.op === "between"
        ? `${shown[0] ?? ""} ${t("staff:segments.valueTo")} ${shown[1] ?? ""}`
        : rule.op === "withinDays" || rule.op === "moreThanDaysAgo"
          ? `${shown[0] ?? ""} ${t(rule.op === "withinDays" ? "staff:segments.days" : "staff:segments.daysAgo")}`
          : shown.join(", ");
    const text = `${field.label} ${t(`staff:segments.ops.${rule.op}`)} ${value}`;
    return {
      text,
      unavailable: checked.ok
        ? null
        : t("staff:segments.invalidRule", {
            number,
            error: t(`staff:${checked.error}`),
          }),
    };
  });
}
