// The one module plugins may import from the core. Everything here is stable API: a plugin that
// needs more should ask for it here rather than reach into app/core.
import type { InstalledPlugin, KpiDefinition, PluginManifest, PluginServer, SearchProvider } from "../core/plugins/contract.ts";

export type {
  Actor,
  ContactPanel,
  CustomerTransaction,
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
  KpiContext,
  KpiDefinition,
  KpiDimension,
  KpiQuery,
  KpiRecord,
  KpiRollupSource,
  KpiRow,
  KpiUnit,
  PanelView,
  PartnerOrgType,
  PortalWidget,
  PortalWidgetAction,
  PortalWidgetContext,
  PortalWidgetView,
  PluginEventHandler,
  PluginEventHandlers,
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
  SearchContext,
  SearchProvider,
  SearchResult,
  TimelineItemView,
  TimelineSource,
  TransactionSource,
  Translate,
  ViewContext,
  WidgetView,
} from "../core/plugins/contract.ts";
export type { Database } from "../../db/client.ts";
// from db/rows.ts, not db/client.ts: this module reaches browser bundles, the database driver must not
export { rowsOf } from "../../db/rows.ts";
/** A processing purpose a plugin declares in its manifest (`purposes`): UU PDP legal basis, data, retention, processors. */
export type { ProcessingPurpose, LegalBasis, Processor } from "../core/privacy/purposes.ts";
export { fields, rupiahField, z } from "../core/validation/validation.ts";
export { isUuid } from "../core/validation/ids.ts";
/** The two languages of the product: `id` (first) and `en`. */
export type { Language } from "../core/i18n/languages.ts";
/** The unique constraint a failed write broke, or null: for "already exists" answers after a race. */
export { uniqueViolation } from "../../db/errors.ts";
/** Defines an event (name, version, zod schema) owned by its emitter; list it in defineServer's `events` and the manifest's `events.emits`. */
export { defineEvent, type EventDefinition, type EventInput, type EventMap, type EventName, type EventPayload } from "../core/events/event-definitions.ts";
/** The core's events (`core.contact.*`, `core.whatsapp.received`); handlers get their payloads typed through EventMap. */
export {
  contactBlacklistedEvent,
  contactCreatedEvent,
  contactMergedEvent,
  contactUpdatedEvent,
  whatsappReceivedEvent,
  type ContactChangedV1,
  type ContactMergedV1,
  type WhatsAppReceivedV1,
} from "../core/events/core-events.ts";

/** Declares a plugin's manifest (pure data: safe for routes.ts and the browser). */
export function definePlugin<const M extends PluginManifest>(manifest: M): M {
  return manifest;
}

/** Declares a plugin's server part: event handlers, jobs and extension-point contributions. */
export function defineServer(server: PluginServer): PluginServer {
  return server;
}

/** Declares a KPI (a measure with its definition, unit, denominator, permission, dimensions and records) for defineServer's `kpis`. */
export function defineKpi(kpi: KpiDefinition): KpiDefinition {
  return kpi;
}

/** Declares a kind of record the staff global search finds (kind, heading key, permission, search) for defineServer's `searchProviders`. */
export function defineSearchProvider(provider: SearchProvider): SearchProvider {
  return provider;
}

/** Builds the entry for plugins/index.ts from a manifest, its server part and its locales. */
export function installPlugin(entry: InstalledPlugin): InstalledPlugin {
  return entry;
}
/** Local time in Indonesia's zones (WIB/WITA/WIT): today, day/week/month boundaries and ranges, dates and times people type. */
export {
  addDays,
  addMonths,
  checkRange,
  dayInstants,
  daysBetween,
  defaultTimeZone,
  endOfMonth,
  instantToLocalInput,
  isLocalDate,
  isoWeekday,
  isTimeZone,
  localDateOf,
  localTimeOf,
  minutesOf,
  offsetText,
  parseLocalDateTime,
  parseLocalTime,
  parseTypedTime,
  presetRange,
  previousRange,
  rangeInstants,
  rangePresets,
  startOfLocalDay,
  startOfMonth,
  startOfQuarter,
  startOfWeek,
  startOfYear,
  timeOfMinutes,
  timeZones,
  today,
  zoneAbbreviation,
  zonedInstant,
  zoneOrDefault,
  type DateRange,
  type RangePreset,
  type RangeProblem,
  type TimeZone,
} from "../core/time/local-time.ts";
