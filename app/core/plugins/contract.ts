// The plugin contract: what a plugin declares (manifest, pure data) and what its server part
// contributes (behaviour). Plugins reach these types only through app/plugin-api.
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
  settings?: { schema: z.ZodObject<z.ZodRawShape>; fields: PluginSettingField[] };
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

/**
 * A request another plugin may make through the core and wait for (e.g. a till's voucher check):
 * named `<plugin-id>.<resource>.<verb>`, input validated by the provider, result plain JSON.
 * The caller never imports the provider; the core finds the enabled plugin that offers it.
 */
export type PluginCommand = (input: unknown, ctx: PluginHandlerContext) => Promise<unknown>;

export interface PluginServer {
  /** Event name -> handler. */
  handlers?: Record<string, PluginEventHandler>;
  /** Command name -> what answers it (see PluginCommand). */
  commands?: Record<string, PluginCommand>;
  jobs?: PluginJob[];
  contactPanels?: ContactPanel[];
  timeline?: TimelineSource[];
  dashboardWidgets?: DashboardWidget[];
  /** Adds demo data; must be idempotent. */
  seed?: (ctx: JobContext) => Promise<void>;
}
