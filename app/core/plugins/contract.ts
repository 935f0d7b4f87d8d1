// The plugin contract: what a plugin declares (manifest, pure data) and what its server part
// contributes (behaviour). Plugins reach these types only through app/plugin-api.
import type { SQL } from "drizzle-orm";
import type { z } from "zod";

export const portals = ["staff", "portal", "partner", "api"] as const;
export type Portal = (typeof portals)[number];

export interface PluginRoute {
  portal: Portal;
  /** Path below the portal, e.g. "appointments" mounts at /staff/appointments. */
  path: string;
  /** Route module, relative to the plugin folder, e.g. "routes/staff.appointments.tsx". */
  file: string;
}

export interface PluginNavEntry {
  portal: Exclude<Portal, "api">;
  /** Path below the portal. */
  to: string;
  /** i18n key in the plugin's namespace. */
  label: string;
  icon?: string;
  /** Shown only to staff holding this permission. */
  permission?: string;
}

export interface PluginSettingField {
  name: string;
  /** i18n key in the plugin's namespace. */
  label: string;
  type: "text" | "number" | "boolean" | "select";
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
  /** Permission name -> roles granted it by default. Names: `<plugin-id>.<resource>.<action>`. */
  permissions: Record<string, { roles: string[] }>;
  /** Roles this plugin introduces; labelled by `roles.<role>` in its namespace. */
  roles?: string[];
  routes?: PluginRoute[];
  nav?: PluginNavEntry[];
  /** Settings an admin edits at /staff/settings/plugins/<id>; `defaults` are what applies until then. */
  settings?: { schema: z.ZodObject<z.ZodRawShape>; fields: PluginSettingField[]; defaults?: Record<string, unknown> };
  events?: { emits?: string[]; handles?: string[] };
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

/** Who is asking. */
export type Actor =
  | { kind: "staff"; userId: string; permissions: ReadonlySet<string>; branchId: string | null }
  | { kind: "customer"; userId: string; contactId: string }
  | { kind: "partner"; userId: string; partnerOrgId: string }
  | { kind: "system" };

export type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface DomainEvent<P = Record<string, unknown>> {
  id: number;
  name: string;
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
  /** Records a domain event in `db`'s transaction (outbox); delivered to handlers by a job. */
  emit(db: Database, name: string, payload: Record<string, unknown>): Promise<number>;
  /** Records several events of one name in `db`'s transaction at once (e.g. an import chunk's sales). */
  emitMany(db: Database, name: string, payloads: Record<string, unknown>[]): Promise<number[]>;
  /** The public origin (APP_ORIGIN) for absolute links in messages, e.g. "https://crm.rs.example". */
  appOrigin?: string;
}
export interface PluginHandlerContext extends HandlerContext {
  services: PluginServices;
}
export type PluginEventHandler = (event: DomainEvent, ctx: PluginHandlerContext) => Promise<void>;
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
  actions?: { label: string; href: string }[];
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
}
/** A search: the declared parameters that were given (each may repeat), and the page wanted. */
export interface FhirSearch {
  params: Record<string, string[]>;
  count: number;
  offset: number;
}
/**
 * Read-only FHIR R4 for one resource type, served by the core at /fhir/r4/<type>. Return plain
 * JSON with dateTimes in UTC; throw FhirSearchError (plugin-api/server) for a bad parameter value.
 */
export interface FhirResourceProvider {
  searchParams: FhirSearchParam[];
  read: (id: string, ctx: FhirContext) => Promise<FhirResource | null>;
  search: (query: FhirSearch, ctx: FhirContext) => Promise<{ total: number; resources: FhirResource[] }>;
}

export interface PluginServer {
  /** Event name -> handler. */
  handlers?: Record<string, PluginEventHandler>;
  /** Command name -> what answers it (see PluginCommand). */
  commands?: Record<string, PluginCommand>;
  jobs?: PluginJob[];
  contactPanels?: ContactPanel[];
  timeline?: TimelineSource[];
  dashboardWidgets?: DashboardWidget[];
  /** Fields for the core's contact segments (see SegmentField). */
  segmentFields?: SegmentField[];
  /** FHIR resource type (e.g. "Appointment") -> its read-only provider; gone when the plugin is disabled. */
  fhirResources?: Record<string, FhirResourceProvider>;
  /** Adds demo data; must be idempotent. */
  seed?: (ctx: JobContext) => Promise<void>;
}
