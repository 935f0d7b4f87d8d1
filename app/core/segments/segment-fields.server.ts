// Segment fields: the core's own (over contacts, consents, interactions) and the SQL comparison
// every field — core or plugin — builds its condition with. Dates are calendar days in WIB.
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, consentPurposes, contactChannels, contacts, lifecycleStages } from "../../../db/schema/index.ts";
import { rowsOf } from "../../../db/client.ts";
import type { SegmentCondition } from "../plugins/contract.ts";
import { defaultTimeZone } from "../time/local-time.ts";
import type { CoreCondition, SegmentFieldType } from "./segment-rules.ts";

// A segment spans branches, so a calendar day in its rules is a day in the organisation's default zone (WIB).
const zone = defaultTimeZone;

/**
 * `expr <op> value` for a validated condition. `kind` says what expr holds: a plain value, a
 * `date`, or a `timestamp` (compared by WIB calendar day). Missing values (null) never match,
 * except for "is not", which matches them.
 */
export function segmentComparison(expr: SQL, condition: SegmentCondition, kind: "value" | "date" | "timestamp" = "value"): SQL {
  switch (condition.op) {
    case "is":
      return sql`${expr} = ${condition.values[0]}`;
    case "isNot":
      return sql`${expr} is distinct from ${condition.values[0]}`;
    case "in":
      return sql`${expr} in (${sql.join(
        condition.values.map((v) => sql`${v}`),
        sql`, `,
      )})`;
    case "eq":
      return sql`${expr} = ${condition.value}`;
    case "lt":
      return sql`${expr} < ${condition.value}`;
    case "lte":
      return sql`${expr} <= ${condition.value}`;
    case "gt":
      return sql`${expr} > ${condition.value}`;
    case "gte":
      return sql`${expr} >= ${condition.value}`;
    case "between":
      return sql`${expr} between ${condition.min} and ${condition.max}`;
    case "before":
      return kind === "timestamp"
        ? sql`${expr} < (${condition.date}::date::timestamp at time zone ${sql.raw(`'${zone}'`)})`
        : sql`${expr} < ${condition.date}::date`;
    case "after":
      return kind === "timestamp"
        ? sql`${expr} >= ((${condition.date}::date + 1)::timestamp at time zone ${sql.raw(`'${zone}'`)})`
        : sql`${expr} > ${condition.date}::date`;
    case "withinDays":
      return kind === "timestamp"
        ? sql`${expr} >= now() - make_interval(days => ${condition.days}::int)`
        : sql`${expr} >= (now() at time zone ${sql.raw(`'${zone}'`)})::date - ${condition.days}::int`;
    case "moreThanDaysAgo":
      return kind === "timestamp"
        ? sql`${expr} < now() - make_interval(days => ${condition.days}::int)`
        : sql`${expr} < (now() at time zone ${sql.raw(`'${zone}'`)})::date - ${condition.days}::int`;
  }
}

export interface CoreSegmentField {
  key: string;
  /** i18n key in `namespace` (default `staff`). */
  label: string;
  namespace?: string;
  /** Only staff holding it may build on the field (customer scores). */
  permission?: string;
  type: SegmentFieldType;
  /** Static options: values with i18n keys in `namespace`. */
  options?: { value: string; label: string }[];
  /** Options that are data (cities, branches, tags), shown as they are. */
  loadOptions?: (db: Database) => Promise<{ value: string; label: string }[]>;
  condition: (condition: CoreCondition) => SQL;
}

const textArray = (values: string[]) => sql`array[${sql.join(
  values.map((v) => sql`${v}`),
  sql`, `,
)}]::text[]`;

const lastInteraction = sql`(select max(i.occurred_at) from interactions i where i.contact_id = ${contacts.id})`;

export const coreSegmentFields: CoreSegmentField[] = [
  {
    key: "core.tags",
    label: "segments.fields.tags",
    type: "tags",
    loadOptions: async (db) =>
      rowsOf<{ tag: string }>(await db.execute(sql`select distinct unnest(tags) as tag from contacts where merged_into_id is null order by 1 limit 300`)).map((r) => ({ value: r.tag, label: r.tag })),
    condition: (c) => {
      if (!("values" in c)) throw new Error(`tags cannot use ${c.op}`);
      if (c.op === "hasAll") return sql`${contacts.tags} @> ${textArray(c.values)}`;
      if (c.op === "hasNone") return sql`not (${contacts.tags} && ${textArray(c.values)})`;
      return sql`${contacts.tags} && ${textArray(c.values)}`;
    },
  },
  {
    key: "core.city",
    label: "segments.fields.city",
    type: "enum",
    loadOptions: async (db) =>
      rowsOf<{ city: string }>(await db.execute(sql`select distinct city from contacts where city is not null and city <> '' and merged_into_id is null order by 1 limit 300`)).map((r) => ({ value: r.city, label: r.city })),
    condition: (c) => segmentComparison(sql`${contacts.city}`, c as SegmentCondition),
  },
  {
    key: "core.gender",
    label: "segments.fields.gender",
    type: "enum",
    options: [
      { value: "female", label: "contacts.genders.female" },
      { value: "male", label: "contacts.genders.male" },
    ],
    condition: (c) => segmentComparison(sql`${contacts.gender}`, c as SegmentCondition),
  },
  {
    key: "core.age",
    label: "segments.fields.age",
    type: "number",
    condition: (c) => segmentComparison(sql`date_part('year', age((now() at time zone ${sql.raw(`'${zone}'`)})::date, ${contacts.birthDate}))`, c as SegmentCondition),
  },
  {
    key: "core.branch",
    label: "segments.fields.branch",
    type: "enum",
    loadOptions: async (db) =>
      (await db.select({ value: branches.id, label: branches.name }).from(branches).orderBy(branches.name)).map((b) => ({ value: b.value, label: b.label })),
    condition: (c) => segmentComparison(sql`${contacts.branchId}::text`, c as SegmentCondition),
  },
  {
    key: "core.stage",
    label: "segments.fields.stage",
    type: "enum",
    options: lifecycleStages.map((s) => ({ value: s, label: `contacts.stages.${s}` })),
    condition: (c) => segmentComparison(sql`${contacts.lifecycleStage}`, c as SegmentCondition),
  },
  {
    key: "core.channel",
    label: "segments.fields.channel",
    type: "enum",
    options: contactChannels.map((s) => ({ value: s, label: `contacts.channels.${s}` })),
    condition: (c) => segmentComparison(sql`${contacts.preferredChannel}`, c as SegmentCondition),
  },
  {
    key: "core.language",
    label: "segments.fields.language",
    type: "enum",
    options: [
      { value: "id", label: "segments.languages.id" },
      { value: "en", label: "segments.languages.en" },
    ],
    condition: (c) => segmentComparison(sql`${contacts.preferredLocale}`, c as SegmentCondition),
  },
  {
    key: "core.consent",
    label: "segments.fields.consent",
    type: "enum",
    options: consentPurposes.map((p) => ({ value: p, label: `segments.purposes.${p}` })),
    // "is": consent for that purpose is on record as granted; "is not": it is not (refused or never asked)
    condition: (c) => {
      if (!("values" in c)) throw new Error(`consent cannot use ${c.op}`);
      const granted = sql`exists (select 1 from consents k where k.contact_id = ${contacts.id} and k.granted and k.purpose in (${sql.join(
        c.values.map((v) => sql`${v}`),
        sql`, `,
      )}))`;
      return c.op === "isNot" ? sql`not ${granted}` : granted;
    },
  },
  {
    key: "core.createdAt",
    label: "segments.fields.createdAt",
    type: "date",
    condition: (c) => segmentComparison(sql`${contacts.createdAt}`, c as SegmentCondition, "timestamp"),
  },
  {
    key: "core.lastInteraction",
    label: "segments.fields.lastInteraction",
    type: "date",
    condition: (c) => segmentComparison(lastInteraction, c as SegmentCondition, "timestamp"),
  },
];
