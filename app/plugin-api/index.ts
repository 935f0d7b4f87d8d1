// The one module plugins may import from the core. Everything here is stable API: a plugin that
// needs more should ask for it here rather than reach into app/core.
import type { InstalledPlugin, PluginManifest, PluginServer } from "../core/plugins/contract.ts";

export type {
  Actor,
  ContactPanel,
  DashboardWidget,
  SegmentCondition,
  SegmentField,
  DomainEvent,
  EventHandler,
  FhirContext,
  FhirResource,
  FhirResourceProvider,
  FhirSearch,
  FhirSearchParam,
  HandlerContext,
  InstalledPlugin,
  JobContext,
  PanelView,
  PluginEventHandler,
  PluginHandlerContext,
  PluginJob,
  PluginJobContext,
  PluginManifest,
  PluginServices,
  PluginNavEntry,
  PluginRoute,
  PluginServer,
  PluginCommand,
  PluginSettingField,
  Portal,
  TimelineItemView,
  TimelineSource,
  Translate,
  ViewContext,
  WidgetView,
} from "../core/plugins/contract.ts";
export type { Database } from "../../db/client.ts";
export { rowsOf } from "../../db/client.ts";
export { fields, z } from "../core/validation/validation.ts";
/** `core.whatsapp.received`: a contact's inbound WhatsApp message (text or button reply), already on their timeline. */
export { whatsappReceivedEvent, type WhatsAppReceivedV1 } from "../core/messaging/whatsapp-inbound.ts";

/** Declares a plugin's manifest (pure data: safe for routes.ts and the browser). */
export function definePlugin<const M extends PluginManifest>(manifest: M): M {
  return manifest;
}

/** Declares a plugin's server part: event handlers, jobs and extension-point contributions. */
export function defineServer(server: PluginServer): PluginServer {
  return server;
}

/** Builds the entry for plugins/index.ts from a manifest, its server part and its locales. */
export function installPlugin(entry: InstalledPlugin): InstalledPlugin {
  return entry;
}
