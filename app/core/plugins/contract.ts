// The plugin contract: what a plugin declares (manifest, pure data) and what its server part
// contributes (behaviour). Plugins reach these types only through app/plugin-api.
import type { SQL } from "drizzle-orm";
import type { z } from "zod";
import type { EventDefinition, EventInput, EventName, EventPayload } from "../events/event-definitions.ts";
import type { CorePermission } from "../permissions/permissions.server.ts";
import type { ProcessingPurpose } from "../privacy/purposes.ts";
import type { partnerOrgTypes } from "../../../db/schema/partner-organisations.ts";

export const portals = ["staff", "portal", "partner", "api"] as const;
export type Portal = (typeof portals)[number];

export interface PluginRoute {
  portal: Portal;
  /** Path below the portal, e.g. "appointments" mounts at /staff/appointments. */
  path: string;
  /** Route module, relative to the plugin folder, e.g. "routes/staff.appointments.tsx". */
  file: string;
}

/**
 * The staff sidebar's areas of work, in the order it lists them (after the dashboard): whom we
 * serve, serving them, each vertical's desk, reaching out, looking back, running the system.
 */
export const staffNavAreas = ["customers", "service", "hospital", "retail", "marketing", "reports", "administration"] as const;
export type StaffNavArea = (typeof staffNavAreas)[number];

/** A partner organisation's type: clinic, hospital, supplier, corporate. */
export type PartnerOrgType = (typeof partnerOrgTypes)[number];

export interface PluginNavEntry {
  portal: Exclude<Portal, "api">;
  /** Path below the portal. */
  to: string;
  /** Staff entries: the area of work the sidebar lists it under (required there; checked at start-up). */
  area?: StaffNavArea;
  /** i18n key in the plugin's namespace. */
  label: string;
  icon?: string;
  /** Shown only to staff holding this permission. */
  permission?: string;
  /**
   * Partner portal only: the organisation types that use this entry (e.g. referrals for clinics and
   * hospitals, sell-through for suppliers); absent = every partner. Guard its routes with
   * `requirePartnerOfType` so a partner of another type gets 404 there too.
   */
  partnerTypes?: readonly PartnerOrgType[];
}

export interface PluginSettingField {
  name: string;
  /** i18n key in the plugin's namespace. */
  label: string;
  /** `time`: a time of day stored `HH:MM`, shown and typed as each language writes it (18.00, 6:00 pm). */
  type: "text" | "number" | "boolean" | "select" | "time";
  options?: { value: string; label: string }[];
}

export interface PluginManifest {
  id: string;
  version: string;
  requires: string[];
  /** i18n key in the plugin's namespace. */
  name: string;
  /** i18n key in the plugin's namespace. */
  description: string;
  /**
   * Permission name -> roles granted it by default. Names: `<plugin-id>.<resource>.<action>`.
   * `sensitive`: it reads patient data or exports personal data, so holders need a second factor by default.
   */
  permissions: Record<string, { roles: string[]; sensitive?: boolean }>;
  /** Roles this plugin introduces; labelled by `roles.<role>` in its namespace. */
  roles?: string[];
  /**
   * Core permissions each of its `roles` holds by default (its own permissions grant roles through
   * `permissions`), e.g. `{ cashier: ["core.dashboard.read"] }`. Applied once, like every default
   * grant; a role grants nothing while every plugin declaring it is disabled.
   */
  coreGrants?: Partial<Record<string, readonly CorePermission[]>>;
  routes?: PluginRoute[];
  nav?: PluginNavEntry[];
  /** Settings an admin edits at /staff/settings/plugins/<id>; `defaults` are what applies until then. */
  settings?: { schema: z.ZodObject<z.ZodRawShape>; fields: PluginSettingField[]; defaults?: Record<string, unknown> };
  /**
   * Events it emits (names; each defined in its server part's `events`) and handles, as
   * "name@version" (the version its handler was written for; a trailing "?" when the emitter is an
   * optional plugin that may not be installed); checked at start-up (ADR 012).
   */
  events?: { emits?: string[]; handles?: string[] };
  /** Why this plugin processes personal data (UU PDP Art 20/31); ids start with `<plugin-id>.`. Feeds the record of processing and retention. */
  purposes?: ProcessingPurpose[];
}

/** An installed plugin as listed in plugins/index.ts. */
export interface InstalledPlugin {
  manifest: PluginManifest;
  /** Its server part; loaded only on the server. */
  server?: () => Promise<{ default: PluginServer }>;
  /** Its translations, `{ id: {...}, en: {...} }`. */
  locales: { id: Record<string, unknown>; en: Record<string, unknown> };
}

// ---- server side -----------------------------------------------------------------------------

import type { Database } from "../../../db/client.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { PersonalDataHandler } from "../privacy/personal-data.server.ts";

/** Who is asking. */
export type Actor =
  | { kind: "staff"; userId: string; permissions: ReadonlySet<string>; branchId: string | null }
  | { kind: "customer"; userId: string; contactId: string }
  | { kind: "partner"; userId: string; partnerOrgId: string }
  | { kind: "system" };

export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** An event as a handler receives it: its payload already parsed by the emitter's definition. */
export interface DomainEvent<P = unknown> {
  id: number;
  name: string;
  version: number;
  payload: P;
  occurredAt: Date;
}

export interface HandlerContext {
  /** The transaction the delivery is recorded in: commit together, or retry together. */
  db: Database;
  logger: Logger;
}
export type EventHandler = (event: DomainEvent, ctx: HandlerContext) => Promise<void>;

export interface JobContext {
  db: Database;
  logger: Logger;
}
/** What the runtime gives a plugin's handlers and jobs besides the database: the queue and the event bus. */
export interface PluginServices {
  /** Enqueues a job (e.g. for sendToContact); inside a transaction pass `{ db: tx }`. */
  jobs: { send(name: string, data: Record<string, unknown>, options?: { db?: Database; startAfter?: Date | number; singletonKey?: string }): Promise<unknown> };
  /** Validates the payload against the event's definition and records it in `db`'s transaction (outbox). */
  emit<D extends EventDefinition>(db: Database, event: D, payload: EventInput<D>): Promise<number>;
  /** Records several events of one definition in `db`'s transaction at once (e.g. an import chunk's sales). */
  emitMany<D extends EventDefinition>(db: Database, event: D, payloads: EventInput<D>[]): Promise<number[]>;
  /** The public origin (APP_ORIGIN) for absolute links in messages, e.g. "https://crm.rs.example". */
  appOrigin?: string;
}
export interface PluginHandlerContext extends HandlerContext {
  services: PluginServices;
}
/**
 * A plugin's handler of event N: a function called once per event, or `{ batch }` called with
 * consecutive events of that name in log order. Either way it runs in the transaction that records
 * the plugin's position in the event log (ADR 012), so it is applied exactly once.
 */
export type PluginEventHandler<N extends EventName = EventName> =
  | ((event: DomainEvent<EventPayload<N>>, ctx: PluginHandlerContext) => Promise<void>)
  | { batch: (events: DomainEvent<EventPayload<N>>[], ctx: PluginHandlerContext) => Promise<void> };
/** Event name -> handler; names and payload types come from the emitters' definitions (EventMap). */
export type PluginEventHandlers = { [N in EventName]?: PluginEventHandler<N> };
export interface PluginJobContext extends JobContext {
  services: PluginServices;
}
export interface PluginJob {
  /** Unique within the plugin; the queue name is `<plugin-id>.<name>`. */
  name: string;
  /** Cron expression (UTC) for recurring jobs. */
  cron?: string;
  run: (data: Record<string, unknown>, ctx: PluginJobContext) => Promise<void>;
}

export interface ViewContext {
  db: Database;
  actor: Extract<Actor, { kind: "staff" }>;
  t: Translate;
  language: "id" | "en";
}

/** A panel on the contact 360 page, rendered by the core from this view model. */
export interface PanelView {
  title: string;
  rows: { label: string; value: string; href?: string }[];
  empty?: string;
  /** Links, or with `method: "post"` a button posting `fields` to `href` (an action that works without JavaScript). */
  actions?: { label: string; href: string; method?: "get" | "post"; fields?: Record<string, string> }[];
}
export interface ContactPanel {
  id: string;
  permission?: string;
  load: (contactId: string, ctx: ViewContext) => Promise<PanelView | null>;
}

export interface TimelineItemView {
  title: string;
  body?: string;
  href?: string;
  icon?: string;
}
/** Timeline entries a plugin adds: listed for a contact, rendered by the core. */
export interface TimelineSource {
  /** Entry type, e.g. "appointments.visit". */
  type: string;
  permission?: string;
  list: (
    contactId: string,
    range: { before: Date; limit: number },
    ctx: ViewContext,
  ) => Promise<{ id: string; at: Date; channel: string; view: TimelineItemView }[]>;
}

export type WidgetView =
  | { kind: "stat"; title: string; value: string; hint?: string }
  | { kind: "list"; title: string; items: { label: string; value: string; href?: string }[]; empty?: string };
export interface DashboardWidget {
  id: string;
  permission?: string;
  load: (ctx: ViewContext) => Promise<WidgetView>;
}

/** A segment rule's operator and value, already validated by the core for the field's type. */
export type SegmentCondition =
  | { op: "is" | "isNot" | "in"; values: string[] }
  | { op: "eq" | "lt" | "lte" | "gt" | "gte"; value: number }
  | { op: "between"; min: number; max: number }
  | { op: "before" | "after"; date: string }
  | { op: "withinDays" | "moreThanDaysAgo"; days: number };
/** A field staff can build segments on; its condition is SQL on the contact id, computed live. */
export interface SegmentField {
  /** Unique within the plugin; the stored key is `<plugin-id>.<key>`. */
  key: string;
  /** i18n key in the plugin's namespace. */
  label: string;
  /** enum: is / is not / in; number and money (Rupiah): = < <= > >= between; date: before / after / within the last N days / more than N days ago. */
  type: "enum" | "number" | "money" | "date";
  /** Enum values with i18n keys in the plugin's namespace. */
  options?: { value: string; label: string }[];
  /** Enum values that are data (e.g. tier names), shown as they are; used instead of `options`. */
  loadOptions?: (db: Database) => Promise<{ value: string; label: string }[]>;
  permission?: string;
  /** A boolean SQL condition, e.g. sql`${contactId} in (select contact_id from … where …)`. */
  condition: (condition: SegmentCondition, ctx: { contactId: SQL }) => SQL;
}

/**
 * A request another plugin may make through the core and wait for (e.g. a till's voucher check):
 * named `<plugin-id>.<resource>.<verb>`, input validated by the provider, result plain JSON.
 * The caller never imports the provider; the core finds the enabled plugin that offers it.
 */
export type PluginCommand = (input: unknown, ctx: PluginHandlerContext) => Promise<unknown>;

/** One search parameter a FHIR resource provider answers (its FHIR SearchParameter type). */
export interface FhirSearchParam {
  name: string;
  type: "token" | "reference" | "date" | "string" | "number" | "uri";
  documentation?: string;
}
/** A FHIR R4 resource as plain JSON. */
export type FhirResource = { resourceType: string; id: string } & Record<string, unknown>;
export interface FhirContext {
  db: Database;
  /** The API's base, e.g. `https://crm.example/fhir/r4`, for full URLs. */
  baseUrl: string;
  /**
   * The organisation's SATUSEHAT ids, once an admin entered them (Settings › SATUSEHAT): its
   * Organization id (for identifiers in http://sys-ids.kemkes.go.id/<type>/<id> and serviceProvider)
   * and the Location id of each hospital branch (branch id -> Location id).
   */
  satusehat: { organizationId: string | null; locationIds: Record<string, string> };
}
/** A search: the declared parameters that were given (each may repeat), and the page wanted. */
export interface FhirSearch {
  params: Record<string, string[]>;
  count: number;
  offset: number;
}
/**
 * Read-only FHIR R4 for one resource type, served by the core at /fhir/r4/<type>. Return plain
 * JSON with dateTimes in UTC (fhirInstant) and `meta.lastUpdated` (the latest change of the rows it
 * is built from); the core adds `meta.versionId`, drops empty values and answers conditional reads.
 * Throw FhirSearchError (plugin-api/server) for a bad parameter value, codeValues for token codes.
 */
export interface FhirResourceProvider {
  searchParams: FhirSearchParam[];
  read: (id: string, ctx: FhirContext) => Promise<FhirResource | null>;
  search: (query: FhirSearch, ctx: FhirContext) => Promise<{ total: number; resources: FhirResource[] }>;
}

/** One transaction of a customer as analytics reads it: a purchase (amount in Rupiah) or a visit (amount null). */
export interface CustomerTransaction {
  contactId: string;
  at: Date;
  /** Rupiah net of refunds; null when the vertical has no amount (hospital visits). */
  amount: number | null;
  /** The record it comes from, e.g. { type: "retail-pos.sale", id }. */
  source: { type: string; id: string };
  /** The branch (hospital unit or store) it happened at; absent when the vertical does not know. */
  branchId?: string | null;
  /** How it came in, e.g. a booking channel ("portal", "frontdesk"); absent when the vertical has none. */
  channel?: string | null;
  /** Who or what referred it, e.g. "hospital-referrals.referral"; "direct" when nobody did; absent when unknown. */
  referralSource?: string | null;
}
/**
 * Transactions a plugin offers to customer analytics (RFM, lifetime models, cohorts): the
 * customers' purchases or fulfilled visits in [from, to). Contact ids as stored; the core follows
 * merges and leaves out contacts who objected to profiling.
 */
export interface TransactionSource {
  /** Unique within the plugin, e.g. "receipts". */
  key: string;
  /** "purchase" has amounts; "visit" has none (frequency-only models). */
  measure: "purchase" | "visit";
  list: (range: { from: Date; to: Date }, ctx: { db: Database }) => Promise<CustomerTransaction[]>;
}

/** The unit a KPI is shown in; percent, rupiah (average), hours and days are numerator / denominator. */
export type KpiUnit = "count" | "percent" | "rupiah" | "hours" | "days";
/** What a KPI can be split by (the core adds nothing: a KPI lists only those its SQL answers). */
export const kpiDimensions = [
  "branch",
  "poli",
  "doctor",
  "partner",
  "store",
  "category",
  "product",
  "supplier",
  "channel",
  "tier",
  "payer",
  "weekday",
  "hour",
  /** Both at once, keyed "<ISO weekday>|<HH>": the report draws it as a weekday × hour heatmap. */
  "weekdayHour",
  "purpose",
  "age",
  "confirmation",
] as const;
export type KpiDimension = (typeof kpiDimensions)[number];

/**
 * What a KPI is asked for: whole local days `range.from`..`range.to`, each record's day read in the
 * zone of the branch it belongs to (WIB without a branch); `branchIds` null = every branch, else only
 * records of those branches (never widened by the KPI); `dimension` one of the KPI's own.
 */
export interface KpiQuery {
  range: { from: string; to: string };
  branchIds: string[] | null;
  dimension: KpiDimension | null;
  /** The moment "now" for measures that look at the present (backlog age, overdue, liability). */
  now: Date;
  /** Set only by the rollup refresher (ADR 021): answer one row per local day × branch (× dimension value). */
  daily?: boolean;
  /**
   * Set only by the rollup refresher, for a distinct count (ADR 028): answer, for the local days from
   * `range.from` on, one row per day × previous active day × scope (× dimension value), the previous
   * day taken over every branch (scope '*') or within the record's branch (`perBranch`).
   */
  distinctDays?: { perBranch: boolean };
}

/** One computed figure; `key` null is the total. `value` overrides numerator / denominator (medians, p90). */
export interface KpiRow {
  key: string | null;
  /** Shown for `key` (a poli's or product's name); defaults to the key. */
  label?: string;
  numerator: number;
  denominator?: number | null;
  value?: number | null;
  /** With `daily`: the record's local day and its branch id ('-' when it has none). */
  day?: string;
  branchKey?: string;
  /** With `distinctDays`: the previous active day ('-infinity' for none); `branchKey` is then the scope ('*' or a branch). */
  prevDay?: string;
}

/** A table a rolled-up KPI reads, and the columns that decide which local day a record counts on. */
export interface KpiRollupSource {
  table: string;
  /** timestamptz or date columns; a column prefixed with '*' (a contact's branch) changes every day: a full rebuild. */
  days: string[];
}

/** One record behind a KPI's number, linking to its page. */
export interface KpiRecord {
  label: string;
  href: string;
  /** When it happened (shown in the branch's zone). */
  at?: Date | null;
  detail?: string;
}

export interface KpiContext {
  /** Read only: the read replica when DATABASE_READ_URL is set (ADR 024), else the primary. */
  db: Database;
  /** Translates in the contributing plugin's namespace (for dimension labels such as weekdays). */
  t: Translate;
  language: "id" | "en";
}

/** A measure the core or a plugin contributes to dashboards and reports (see defineKpi in app/plugin-api). */
export interface KpiDefinition {
  /** Unique within its owner; the full id is `<plugin-id>.<id>` (core: `core.<id>`). */
  id: string;
  /** i18n keys in the owner's namespace: the name, one sentence saying what is counted and over what, the numerator and the denominator. */
  name: string;
  definition: string;
  numerator: string;
  denominator?: string;
  unit: KpiUnit;
  /** Only staff holding it see the KPI; the KPI vanishes with its plugin. */
  permission: string;
  dimensions: KpiDimension[];
  /** Whether a rise is good (▲ green) or bad (e.g. no-show rate, backlog). */
  better?: "up" | "down";
  /** Reads the present, not the range (backlog, liability): no trend or previous-period comparison. */
  snapshot?: boolean;
  /**
   * The numerator and denominator are sums over records that each count on one local day and branch,
   * so dashboards may read them from daily rollups (ADR 021). `compute` must then honour `daily`
   * (aggregate() does, given `daily: dailyBy(at, branch)`); `sources` are the tables whose writes mark
   * days to refresh. Medians and percentiles leave this out and stay live SQL. A distinct count
   * (contacts active, members who bought twice) sets `distinct` and answers through
   * distinctAggregate(), which honours `distinctDays` (ADR 028).
   * (Snapshot KPIs need nothing: the refresher takes them per branch each minute.)
   */
  rollup?: { sources: KpiRollupSource[]; distinct?: boolean };
  /** The figures, in SQL: the total when `dimension` is null, else one row per value of the dimension. */
  compute: (query: KpiQuery, ctx: KpiContext) => Promise<KpiRow[]>;
  /** The records behind the total (at most `limit`), e.g. the tickets counted. */
  records?: (query: KpiQuery & { limit: number }, ctx: KpiContext) => Promise<KpiRecord[]>;
}

/** One hit of a global-search provider: what it is and the page it opens. */
export interface SearchResult {
  /** Unique within its kind (a row id). */
  id: string;
  title: string;
  subtitle?: string;
  /** The record's page; absent when the actor has no page to open for it. */
  href?: string;
}

export interface SearchContext extends ViewContext {
  /**
   * Keeps only contacts the actor may see (without core.patient.read, patients are left out): a
   * boolean SQL condition on a contact id, or undefined when they may see every contact. Apply it
   * wherever a result shows or links to a contact.
   */
  visibleContacts: (contactId: SQL) => SQL | undefined;
}

/**
 * A kind of record the staff global search finds (/staff/search and the box in the shell). The core
 * runs it only while its plugin is enabled and only for staff holding `permission`; it must still
 * scope what it returns exactly as the kind's own list page does.
 */
export interface SearchProvider {
  /** Unique within its owner; the full kind is `<plugin-id>.<kind>` (core: `core.<kind>`). */
  kind: string;
  /** i18n key in the owner's namespace: the group's heading, e.g. "search.referrals". */
  label: string;
  /** Only staff holding it get this kind's results. */
  permission: string;
  /** The kind's own list filtered by the query ("Lihat semua"), when one exists. */
  listHref?: (query: string) => string;
  /**
   * At most `limit` results for `query` (already trimmed, 2–100 characters, no control characters),
   * best first. Ask an index: it runs on every search (p95 < 100 ms at 100,000 contacts).
   */
  search: (query: string, limit: number, ctx: SearchContext) => Promise<SearchResult[]>;
}

/** One action on a portal-home widget: a link, or a form posted to one of the plugin's own portal actions (works without JavaScript). */
export type PortalWidgetAction =
  | { kind: "link"; label: string; href: string; primary?: boolean }
  | { kind: "post"; label: string; action: string; fields: Record<string, string>; primary?: boolean; danger?: boolean };

/**
 * What a portal-home widget shows, as plain translated data the core draws with one shared card
 * (app/ui/portal-widget.tsx): plugins ship no components, and the home stays light in the browser.
 */
export interface PortalWidgetView {
  title: string;
  /** The answer in a few words: a visit's date, a points balance. */
  headline?: string;
  /** A short tag beside the headline, e.g. the queue number. */
  badge?: string;
  /** Plain lines under the headline. */
  lines?: string[];
  /** Progress towards something (the next tier), 0–100, with the sentence saying what is missing. */
  progress?: { percent: number; label: string };
  /** Something to act on soon (points that expire), shown highlighted. */
  note?: string;
  /** A short list with links (the latest ticket, surveys waiting). */
  items?: { label: string; href?: string; hint?: string }[];
  actions?: PortalWidgetAction[];
  /** It asks the customer to do something (answer a survey, take a held slot): shown first. */
  attention?: boolean;
}

export interface PortalWidgetContext {
  db: Database;
  /** Translates in the plugin's namespace. */
  t: Translate;
  language: "id" | "en";
  now: Date;
}

/**
 * A card on the customer portal's home (/portal). `load` reads only the signed-in customer's own
 * rows (actor.contactId) and returns null when there is nothing to show. The core shows a plugin's
 * widgets only while it is enabled and, when it declares `portalRelationship`, only to customers
 * who have one with it.
 */
export interface PortalWidget {
  /** Unique within the plugin. */
  id: string;
  portal: "portal";
  load: (ctx: PortalWidgetContext, actor: Extract<Actor, { kind: "customer" }>) => Promise<PortalWidgetView | null>;
}

export interface PluginServer {
  /** Events this plugin emits (defineEvent); its manifest lists their names in `events.emits`. */
  events?: readonly EventDefinition[];
  /** Event name -> handler (see PluginEventHandler); its manifest lists them in `events.handles`. */
  handlers?: PluginEventHandlers;
  /** Command name -> what answers it (see PluginCommand). */
  commands?: Record<string, PluginCommand>;
  jobs?: PluginJob[];
  contactPanels?: ContactPanel[];
  timeline?: TimelineSource[];
  dashboardWidgets?: DashboardWidget[];
  /** Measures for dashboards and reports (see KpiDefinition); gone when the plugin is disabled. */
  kpis?: KpiDefinition[];
  /** Fields for the core's contact segments (see SegmentField). */
  segmentFields?: SegmentField[];
  /** Customers' transactions for analytics (see TransactionSource). */
  transactions?: TransactionSource[];
  /** Kinds of records the staff global search finds (see SearchProvider); gone when the plugin is disabled. */
  searchProviders?: SearchProvider[];
  /**
   * "This contact is a patient here": a boolean SQL condition on a contact id, true when this plugin
   * records a hospital relationship with them (an appointment, a referral). With the core's own rule
   * (see hospitalRelationship) it decides who FHIR serves as a Patient: never a shopper only.
   */
  patientRelationship?: (contactId: SQL) => SQL;
  /** Cards on the customer portal's home (see PortalWidget). */
  portalWidgets?: PortalWidget[];
  /**
   * "This customer has something with us here" (a visit, a receipt, a member card): a boolean SQL
   * condition on a contact id. When declared, the plugin's /portal menu entries and widgets show only
   * to customers for whom it holds (a customer with none at all yet sees every plugin's entries).
   */
  portalRelationship?: (contactId: SQL) => SQL;
  /** FHIR resource type (e.g. "Appointment") -> its read-only provider; gone when the plugin is disabled. */
  fhirResources?: Record<string, FhirResourceProvider>;
  /** How each of the plugin's tables holding personal data is exported and erased (UU PDP Art 7, 8, 13); a test fails when one is missing. */
  personalData?: PersonalDataHandler[];
  /** Adds demo data; must be idempotent. */
  seed?: (ctx: JobContext) => Promise<void>;
}
