import { eq, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { partnerOrgTypes, pluginStates } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { coreEvents } from "../events/core-events.ts";
import { parseHandledEvent, type EventDefinition, type EventName } from "../events/event-definitions.ts";
import { languages } from "../i18n/languages.ts";
import { corePurposes } from "../privacy/core-purposes.ts";
import { corePersonalData } from "../privacy/core-personal-data.server.ts";
import type { PersonalDataHandler } from "../privacy/personal-data.server.ts";
import { purposeProblems, type ProcessingPurpose } from "../privacy/purposes.ts";
import { coreRoles, corePermissions, coreSensitivePermissions, syncPermissions, type PermissionDeclaration } from "../permissions/permissions.server.ts";
import type {
  Actor,
  ContactPanel,
  DomainEvent,
  HandlerContext,
  PluginServices,
  DashboardWidget,
  FhirResourceProvider,
  InstalledPlugin,
  KpiDefinition,
  PluginManifest,
  PluginEventHandler,
  PluginNavEntry,
  PluginServer,
  Portal,
  PortalWidget,
  SearchProvider,
  SegmentField,
  TransactionSource,
  TimelineSource,
} from "./contract.ts";
import { staffNavAreas } from "./contract.ts";

export class PluginManifestError extends Error {
  constructor(public problems: string[]) {
    super(`Plugin manifests are invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PluginManifestError";
  }
}

/** Thrown when enabling or disabling would break a `requires` link; `code` is an i18n key. */
export class PluginDependencyError extends Error {
  constructor(
    public code: "plugins.errors.requiresDisabled" | "plugins.errors.requiredBy" | "plugins.errors.unknown",
    public plugins: string[],
  ) {
    super(`${code}: ${plugins.join(", ")}`);
  }
}

// Paths the core itself owns below each portal; a plugin may not take them.
const reservedPaths: Record<Portal, string[]> = {
  staff: ["", "login", "contacts", "partners", "settings", "mailbox", "segments", "reports", "security", "privacy", "search"],
  portal: ["", "login", "register", "verify", "profile", "password", "privacy"],
  partner: ["", "login", "invitation", "users", "reports", "security", "privacy"],
  // /api/fhir would read like the FHIR API, which the core serves at /fhir/r4
  api: ["fhir"],
};

function lookup(resources: Record<string, unknown>, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), resources);
}

/** Checks every manifest; returns a list of readable problems (empty when all is well). */
export function validateManifests(installed: InstalledPlugin[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const permissionOwners = new Map<string, string>();
  const routeOwners = new Map<string, string>();
  for (const corePermission of Object.keys(corePermissions)) permissionOwners.set(corePermission, "core");
  for (const [portal, paths] of Object.entries(reservedPaths)) for (const p of paths) routeOwners.set(`${portal}/${p}`, "core");

  for (const { manifest: m } of installed) {
    if (ids.has(m.id)) problems.push(`plugin "${m.id}" is listed twice`);
    ids.add(m.id);
  }
  for (const { manifest: m, locales } of installed) {
    if (!/^[a-z][a-z0-9-]*$/.test(m.id)) problems.push(`plugin id "${m.id}" must be lower-case letters, digits and dashes`);
    for (const required of m.requires) {
      if (!ids.has(required)) problems.push(`${m.id}: requires unknown plugin "${required}"`);
    }
    for (const permission of Object.keys(m.permissions)) {
      if (!permission.startsWith(`${m.id}.`)) problems.push(`${m.id}: permission "${permission}" must start with "${m.id}."`);
      const owner = permissionOwners.get(permission);
      if (owner) problems.push(`${m.id}: permission "${permission}" is already declared by ${owner}`);
      permissionOwners.set(permission, m.id);
      for (const role of m.permissions[permission].roles) {
        if (!(coreRoles as readonly string[]).includes(role) && !installed.some((p) => p.manifest.roles?.includes(role))) {
          problems.push(`${m.id}: permission "${permission}" grants unknown role "${role}"`);
        }
      }
    }
    for (const [role, grants] of Object.entries(m.coreGrants ?? {})) {
      if (!m.roles?.includes(role)) problems.push(`${m.id}: coreGrants names role "${role}", which it does not introduce in roles`);
      for (const permission of grants ?? []) {
        if (!(permission in corePermissions)) problems.push(`${m.id}: coreGrants gives "${role}" unknown core permission "${permission}"`);
      }
    }
    for (const route of m.routes ?? []) {
      const key = `${route.portal}/${route.path.replace(/^\/|\/$/g, "")}`;
      const first = key.split("/").slice(0, 2).join("/");
      const owner = routeOwners.get(key) ?? (routeOwners.get(first) === "core" ? "core" : undefined);
      if (owner && owner !== m.id) problems.push(`${m.id}: route /${key} is already taken by ${owner}`);
      else if (owner === m.id) problems.push(`${m.id}: route /${key} is declared twice`);
      routeOwners.set(key, m.id);
    }
    for (const entry of m.nav ?? []) {
      if (entry.permission && !(entry.permission in m.permissions) && !(entry.permission in corePermissions)) {
        problems.push(`${m.id}: nav entry "${entry.to}" needs unknown permission "${entry.permission}"`);
      }
      if (entry.partnerTypes && entry.portal !== "partner") problems.push(`${m.id}: nav entry "${entry.to}" names partnerTypes outside the partner portal`);
      for (const type of entry.partnerTypes ?? []) {
        if (!(partnerOrgTypes as readonly string[]).includes(type)) problems.push(`${m.id}: nav entry "${entry.to}" names unknown partner type "${type}"`);
      }
      if (entry.portal === "staff" && !entry.area) problems.push(`${m.id}: staff nav entry "${entry.to}" needs an area (${staffNavAreas.join(", ")})`);
      if (entry.area && (entry.portal !== "staff" || !staffNavAreas.includes(entry.area))) {
        problems.push(`${m.id}: nav entry "${entry.to}" has area "${entry.area}", which only staff entries take, one of ${staffNavAreas.join(", ")}`);
      }
    }
    const keys = [
      m.name,
      m.description,
      ...(m.nav ?? []).map((n) => n.label),
      ...(m.roles ?? []).map((r) => `roles.${r}`),
      ...(m.settings?.fields ?? []).flatMap((f) => [f.label, ...(f.options ?? []).map((o) => o.label)]),
    ];
    for (const language of languages) {
      for (const key of keys) {
        if (typeof lookup(locales[language] ?? {}, key) !== "string") {
          problems.push(`${m.id}: translation "${m.id}:${key}" is missing in "${language}"`);
        }
      }
    }
  }
  problems.push(...purposeProblems([{ owner: "core", purposes: [...corePurposes] }, ...installed.map((p) => ({ owner: p.manifest.id, purposes: p.manifest.purposes ?? [] }))]));
  return problems;
}

/**
 * A command name must have one provider (ADR 008): two installed plugins offering the same name stop
 * the start, whether or not both are enabled now, so enabling one later can never make it ambiguous.
 */
export function validateCommands(plugins: LoadedPlugin[]): string[] {
  const providers = new Map<string, string[]>();
  for (const p of plugins) for (const name of Object.keys(p.server.commands ?? {})) providers.set(name, [...(providers.get(name) ?? []), p.manifest.id]);
  return [...providers].filter(([, ids]) => ids.length > 1).map(([name, ids]) => `command "${name}" is offered by more than one plugin: ${ids.join(", ")}`);
}

/** Search kinds are unique within their plugin, and their headings are translated in every language. */
export function searchProviderProblems(installed: InstalledPlugin[], plugins: LoadedPlugin[]): string[] {
  const problems: string[] = [];
  for (const p of plugins) {
    const id = p.manifest.id;
    const locales = installed.find((i) => i.manifest.id === id)?.locales;
    const kinds = new Set<string>();
    for (const provider of p.server.searchProviders ?? []) {
      if (!/^[a-z][a-zA-Z0-9-]*$/.test(provider.kind)) problems.push(`${id}: search kind "${provider.kind}" must be letters, digits and dashes`);
      if (kinds.has(provider.kind)) problems.push(`${id}: search kind "${provider.kind}" is declared twice`);
      kinds.add(provider.kind);
      if (!(provider.permission in p.manifest.permissions) && !(provider.permission in corePermissions)) {
        problems.push(`${id}: search kind "${provider.kind}" needs unknown permission "${provider.permission}"`);
      }
      for (const language of languages) {
        if (typeof lookup(locales?.[language] ?? {}, provider.label) !== "string") problems.push(`${id}: translation "${id}:${provider.label}" is missing in "${language}"`);
      }
    }
  }
  return problems;
}

// FHIR resource types the core serves itself; a plugin may not offer them.
const coreFhirTypes = ["Patient"];

/** A FHIR type offered twice, or one the core owns, is a start-up error like a clashing route. */
function fhirTypeProblems(plugins: { manifest: PluginManifest; server: PluginServer }[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>(coreFhirTypes.map((t) => [t, "core"]));
  for (const p of plugins) {
    for (const type of Object.keys(p.server.fhirResources ?? {})) {
      if (!/^[A-Z][A-Za-z]+$/.test(type)) problems.push(`${p.manifest.id}: FHIR resource type "${type}" is not a resource type name`);
      const owner = owners.get(type);
      if (owner) problems.push(`${p.manifest.id}: FHIR resource type "${type}" is already served by ${owner}`);
      owners.set(type, p.manifest.id);
    }
  }
  return problems;
}

/**
 * Events (ADR 012): each emitted event is defined once (core or one plugin) and listed in its
 * emitter's manifest; each handled event is declared "name@version", exists, has the version the
 * handler was written for, and has a handler in the server part (and the reverse).
 */
export function eventProblems(plugins: { manifest: PluginManifest; server: PluginServer }[], core: readonly EventDefinition[] = coreEvents): string[] {
  const problems: string[] = [];
  const defined = new Map<string, { definition: EventDefinition; owner: string }>();
  for (const definition of core) defined.set(definition.name, { definition, owner: "core" });
  for (const p of plugins) {
    const id = p.manifest.id;
    const declared = new Map((p.manifest.events?.emits ?? []).map((entry) => [parseHandledEvent(entry).name, parseHandledEvent(entry).version] as const));
    const own = new Set<string>();
    for (const definition of p.server.events ?? []) {
      own.add(definition.name);
      const previous = defined.get(definition.name);
      if (previous) problems.push(`${id}: event "${definition.name}" is already defined by ${previous.owner}`);
      else defined.set(definition.name, { definition, owner: id });
      if (!declared.has(definition.name)) problems.push(`${id}: defines event "${definition.name}" but its manifest does not list it in events.emits`);
      const version = declared.get(definition.name);
      if (version !== undefined && version !== null && version !== definition.version) {
        problems.push(`${id}: manifest emits "${definition.name}@${version}" but defines version ${definition.version}`);
      }
    }
    for (const name of declared.keys()) {
      if (!own.has(name)) problems.push(`${id}: manifest emits "${name}" but its server part defines no such event (defineEvent in server.ts \`events\`)`);
    }
  }
  for (const p of plugins) {
    const id = p.manifest.id;
    const handles = new Map<string, number | null>();
    for (const entry of p.manifest.events?.handles ?? []) {
      const { name, version, optional } = parseHandledEvent(entry);
      handles.set(name, version);
      const emitter = defined.get(name);
      if (!emitter && optional) continue;
      if (!emitter) {
        problems.push(`${id}: handles "${name}", which neither the core nor an installed plugin emits`);
        continue;
      }
      if (version === null || Number.isNaN(version)) problems.push(`${id}: events.handles entry "${entry}" must name the version it was written for, e.g. "${name}@${emitter.definition.version}"`);
      else if (version !== emitter.definition.version) {
        problems.push(`${id}: handles "${name}" version ${version}, but ${emitter.owner} emits version ${emitter.definition.version}`);
      }
      if (!p.server.handlers?.[name as keyof PluginServer["handlers"]]) problems.push(`${id}: manifest handles "${name}" but its server part has no handler for it`);
    }
    for (const name of Object.keys(p.server.handlers ?? {})) {
      if (!handles.has(name)) problems.push(`${id}: server part handles "${name}" but its manifest does not list it in events.handles`);
    }
  }
  return problems;
}

export interface LoadedPlugin {
  manifest: PluginManifest;
  server: PluginServer;
}

export class PluginRegistry {
  readonly plugins: LoadedPlugin[];

  private constructor(
    readonly installed: InstalledPlugin[],
    plugins: LoadedPlugin[],
  ) {
    this.plugins = plugins;
  }

  /** Validates every manifest (throwing one error listing all problems) and loads server parts. */
  static async load(installed: InstalledPlugin[]) {
    const problems = validateManifests(installed);
    if (problems.length) throw new PluginManifestError(problems);
    const plugins = await Promise.all(
      installed.map(async (p) => ({ manifest: p.manifest, server: p.server ? (await p.server()).default : {} })),
    );
    // one error listing everything wrong with the server parts, as for the manifests above
    const serverProblems = [...validateCommands(plugins), ...fhirTypeProblems(plugins), ...eventProblems(plugins), ...searchProviderProblems(installed, plugins)];
    if (serverProblems.length) throw new PluginManifestError(serverProblems);
    return new PluginRegistry(installed, plugins);
  }

  get(id: string) {
    return this.plugins.find((p) => p.manifest.id === id);
  }

  /** Permissions that read patient data or export personal data (core and plugins): their holders need a second factor by default. */
  sensitivePermissions(): string[] {
    return [
      ...coreSensitivePermissions,
      ...this.plugins.flatMap((p) => Object.entries(p.manifest.permissions).filter(([, d]) => d.sensitive).map(([id]) => id)),
    ];
  }

  /** Records new plugins (enabled when `initial` names them, or always when it is null) and their permissions. */
  async sync(db: Database, initial: string[] | null) {
    const states = await db.select({ pluginId: pluginStates.pluginId }).from(pluginStates);
    const known = new Set(states.map((s) => s.pluginId));
    const fresh = this.plugins.filter((p) => !known.has(p.manifest.id));
    if (fresh.length) {
      await db
        .insert(pluginStates)
        .values(fresh.map((p) => ({ pluginId: p.manifest.id, enabled: initial === null || initial.includes(p.manifest.id) })))
        .onConflictDoNothing();
    }
    const declarations: PermissionDeclaration[] = [
      ...Object.entries(corePermissions).map(([id, roles]) => ({ id, pluginId: null, defaultRoles: roles })),
      ...this.plugins.flatMap((p) =>
        Object.entries(p.manifest.permissions).map(([id, { roles }]) => ({ id, pluginId: p.manifest.id, defaultRoles: roles })),
      ),
    ];
    const declaredRoles = [
      ...coreRoles.map((id) => ({ id, pluginId: null })),
      ...this.plugins.flatMap((p) => (p.manifest.roles ?? []).map((id) => ({ id, pluginId: p.manifest.id, coreGrants: p.manifest.coreGrants?.[id] }))),
    ];
    await syncPermissions(db, declaredRoles, declarations);
  }

  /** What loadPermissions needs to know about plugins now: which are off, and which plugin roles count. */
  async permissionScope(db: Database): Promise<{ disabledPlugins: string[]; activePluginRoles: string[] }> {
    const enabled = await this.enabledPluginIds(db);
    return { disabledPlugins: this.plugins.map((p) => p.manifest.id).filter((id) => !enabled.includes(id)), activePluginRoles: this.activePluginRoles(enabled) };
  }

  /** Roles introduced by plugins that count now: those some enabled plugin declares (core roles always count). */
  activePluginRoles(enabled: readonly string[]): string[] {
    const on = new Set(enabled);
    return [...new Set(this.plugins.filter((p) => on.has(p.manifest.id)).flatMap((p) => p.manifest.roles ?? []))];
  }

  async enabledPluginIds(db: Database): Promise<string[]> {
    const rows = await db.select({ pluginId: pluginStates.pluginId, enabled: pluginStates.enabled }).from(pluginStates);
    const enabled = new Set(rows.filter((r) => r.enabled).map((r) => r.pluginId));
    return this.plugins.map((p) => p.manifest.id).filter((id) => enabled.has(id));
  }

  async disabledPluginIds(db: Database): Promise<string[]> {
    const enabled = new Set(await this.enabledPluginIds(db));
    return this.plugins.map((p) => p.manifest.id).filter((id) => !enabled.has(id));
  }

  async isEnabled(db: Database, id: string) {
    return (await this.enabledPluginIds(db)).includes(id);
  }

  /** Turns a plugin on or off; its data is never touched. */
  async setEnabled(db: Database, actor: Actor, id: string, enabled: boolean) {
    const plugin = this.get(id);
    if (!plugin) throw new PluginDependencyError("plugins.errors.unknown", [id]);
    const current = new Set(await this.enabledPluginIds(db));
    if (enabled) {
      const missing = plugin.manifest.requires.filter((r) => !current.has(r));
      if (missing.length) throw new PluginDependencyError("plugins.errors.requiresDisabled", missing);
    } else {
      const dependants = this.plugins.filter((p) => current.has(p.manifest.id) && p.manifest.requires.includes(id)).map((p) => p.manifest.id);
      if (dependants.length) throw new PluginDependencyError("plugins.errors.requiredBy", dependants);
    }
    await db.transaction(async (tx) => {
      await tx
        .update(pluginStates)
        .set({ enabled, updatedAt: new Date(), updatedBy: actor.kind === "staff" ? actor.userId : null })
        .where(eq(pluginStates.pluginId, id));
      await audit(tx, actor, { action: enabled ? "plugin.enabled" : "plugin.disabled", entityType: "plugin", entityId: id });
    });
  }

  /** A plugin's saved settings (empty when none were saved). */
  async settings(db: Database, id: string): Promise<Record<string, unknown>> {
    const [row] = await db.select({ settings: pluginStates.settings }).from(pluginStates).where(eq(pluginStates.pluginId, id));
    return row?.settings ?? {};
  }

  /** Validates settings against the plugin's schema and saves them; returns the schema's issues when invalid. */
  async saveSettings(db: Database, actor: Actor, id: string, values: Record<string, unknown>) {
    const schema = this.get(id)?.manifest.settings?.schema;
    if (!schema) throw new PluginDependencyError("plugins.errors.unknown", [id]);
    const parsed = schema.safeParse(values);
    if (!parsed.success) return { ok: false as const, issues: parsed.error.issues };
    await db.transaction(async (tx) => {
      await tx.update(pluginStates).set({ settings: parsed.data, updatedAt: new Date() }).where(eq(pluginStates.pluginId, id));
      await audit(tx, actor, { action: "plugin.settings_changed", entityType: "plugin", entityId: id, data: { fields: Object.keys(parsed.data) } });
    });
    return { ok: true as const, settings: parsed.data };
  }

  /** The plugin that owns a URL path, if any (used to answer 404 for disabled plugins). */
  routeOwner(pathname: string): string | null {
    const clean = pathname.replace(/\.data$/, "").replace(/\/$/, "");
    for (const p of this.plugins) {
      for (const route of p.manifest.routes ?? []) {
        const base = `/${route.portal}/${route.path.replace(/^\/|\/$/g, "")}`
          .replace(/\/:[^/]+.*$/, "")
          .replace(/\/\*$/, "");
        if (clean === base || clean.startsWith(`${base}/`)) return p.manifest.id;
      }
    }
    return null;
  }

  nav(portal: PluginNavEntry["portal"], enabled: string[], permissions: ReadonlySet<string> | null) {
    return this.plugins
      .filter((p) => enabled.includes(p.manifest.id))
      .flatMap((p) =>
        (p.manifest.nav ?? [])
          .filter((n) => n.portal === portal && (!n.permission || permissions?.has(n.permission)))
          .map((n) => ({ ...n, pluginId: p.manifest.id })),
      );
  }

  /** Every installed plugin's KPIs with full ids, enabled or not and whoever asks (the rollup refresher's list). */
  allKpis(): (KpiDefinition & { pluginId: string })[] {
    return this.plugins.flatMap((p) => (p.server.kpis ?? []).map((k) => ({ ...k, id: `${p.manifest.id}.${k.id}`, pluginId: p.manifest.id })));
  }

  private contributions<T extends { permission?: string }>(
    pick: (s: PluginServer) => T[] | undefined,
    enabled: string[],
    permissions: ReadonlySet<string>,
  ): (T & { pluginId: string })[] {
    return this.plugins
      .filter((p) => enabled.includes(p.manifest.id))
      .flatMap((p) => (pick(p.server) ?? []).map((c) => ({ ...c, pluginId: p.manifest.id })))
      .filter((c) => !c.permission || permissions.has(c.permission));
  }

  contactPanels(enabled: string[], permissions: ReadonlySet<string>): (ContactPanel & { pluginId: string })[] {
    return this.contributions((s) => s.contactPanels, enabled, permissions);
  }

  timelineSources(enabled: string[], permissions: ReadonlySet<string>): (TimelineSource & { pluginId: string })[] {
    return this.contributions((s) => s.timeline, enabled, permissions);
  }

  dashboardWidgets(enabled: string[], permissions: ReadonlySet<string>): (DashboardWidget & { pluginId: string })[] {
    return this.contributions((s) => s.dashboardWidgets, enabled, permissions);
  }

  /** Segment fields of enabled plugins the user may see, keyed `<plugin-id>.<key>`. */
  segmentFields(enabled: string[], permissions: ReadonlySet<string>): (SegmentField & { pluginId: string })[] {
    return this.contributions((s) => s.segmentFields, enabled, permissions).map((f) => ({ ...f, key: `${f.pluginId}.${f.key}` }));
  }

  /** Search providers of the enabled plugins the user may use, with full kinds `<plugin-id>.<kind>`. */
  searchProviders(enabled: string[], permissions: ReadonlySet<string>): (SearchProvider & { pluginId: string })[] {
    return this.contributions((s) => s.searchProviders, enabled, permissions).map((p) => ({ ...p, kind: `${p.pluginId}.${p.kind}` }));
  }

  /** Transaction sources of the enabled plugins, for customer analytics. */
  transactionSources(enabled: string[]): (TransactionSource & { pluginId: string })[] {
    return this.plugins.filter((p) => enabled.includes(p.manifest.id)).flatMap((p) => (p.server?.transactions ?? []).map((t) => ({ ...t, pluginId: p.manifest.id })));
  }

  /** The enabled plugins' "is a patient here" conditions (PluginServer.patientRelationship). */
  patientRelationships(enabled: string[]): ((contactId: SQL) => SQL)[] {
    return this.plugins.filter((p) => enabled.includes(p.manifest.id) && p.server.patientRelationship).map((p) => p.server.patientRelationship!);
  }

  /** The enabled plugins' customer-portal home widgets, in plugin order. */
  portalWidgets(enabled: string[]): (PortalWidget & { pluginId: string })[] {
    return this.plugins.filter((p) => enabled.includes(p.manifest.id)).flatMap((p) => (p.server.portalWidgets ?? []).map((w) => ({ ...w, pluginId: p.manifest.id })));
  }

  /** The enabled plugins' "this customer has something with us" conditions (PluginServer.portalRelationship). */
  portalRelationships(enabled: string[]): { pluginId: string; condition: (contactId: SQL) => SQL }[] {
    return this.plugins
      .filter((p) => enabled.includes(p.manifest.id) && p.server.portalRelationship)
      .map((p) => ({ pluginId: p.manifest.id, condition: p.server.portalRelationship! }));
  }

  /** KPIs of the enabled plugins the user may see, with full ids `<plugin-id>.<id>`. */
  kpis(enabled: string[], permissions: ReadonlySet<string>): (KpiDefinition & { pluginId: string })[] {
    return this.contributions((s) => s.kpis, enabled, permissions).map((k) => ({ ...k, id: `${k.pluginId}.${k.id}` }));
  }

  /** FHIR resource type -> provider, of the enabled plugins only (the core serves Patient itself). */
  fhirResources(enabled: string[]): Map<string, FhirResourceProvider & { pluginId: string }> {
    const out = new Map<string, FhirResourceProvider & { pluginId: string }>();
    for (const p of this.plugins) {
      if (!enabled.includes(p.manifest.id)) continue;
      for (const [type, provider] of Object.entries(p.server.fhirResources ?? {})) out.set(type, { ...provider, pluginId: p.manifest.id });
    }
    return out;
  }

  /** Every event that may be emitted: the core's and each plugin's definitions. */
  eventDefinitions(): EventDefinition[] {
    return [...coreEvents, ...this.plugins.flatMap((p) => p.server.events ?? [])];
  }

  /** Every event handler, tagged with its plugin, for the event bus; `services` is handed to each run. */
  eventHandlers(services: PluginServices) {
    return this.plugins.flatMap((p) =>
      Object.entries(p.server.handlers ?? {}).map(([event, handler]) => {
        // the bus hands each handler events of its own name only, parsed by that event's definition
        const h = handler as PluginEventHandler<EventName>;
        return {
          id: handlerId(p.manifest.id, event),
          pluginId: p.manifest.id,
          event,
          ...(typeof h === "function"
            ? { run: (e: DomainEvent, ctx: HandlerContext) => h(e as DomainEvent<never>, { ...ctx, services }) }
            : { batch: (events: DomainEvent[], ctx: HandlerContext) => h.batch(events as DomainEvent<never>[], { ...ctx, services }) }),
        };
      }),
    );
  }

  /** Each event handler's id and event, without building it (the operations status reads lag by these). */
  eventHandlerIds(): { id: string; event: string }[] {
    return this.plugins.flatMap((p) => Object.keys(p.server.handlers ?? {}).map((event) => ({ id: handlerId(p.manifest.id, event), event })));
  }

  /** The enabled plugin's answer to a command, or null when no enabled plugin offers it. */
  commandProvider(name: string, enabled: string[]) {
    for (const p of this.plugins) {
      const run = p.server.commands?.[name];
      if (run && enabled.includes(p.manifest.id)) return { pluginId: p.manifest.id, run };
    }
    return null;
  }

  jobs() {
    return this.plugins.flatMap((p) => (p.server.jobs ?? []).map((job) => ({ ...job, pluginId: p.manifest.id, queue: `${p.manifest.id}.${job.name}` })));
  }

  /** Every declared processing purpose, the core's first, each with its owner (installed plugins, enabled or not: their data stays). */
  purposes(): (ProcessingPurpose & { owner: string })[] {
    return [
      ...corePurposes.map((p) => ({ ...(p as ProcessingPurpose), owner: "core" })),
      ...this.plugins.flatMap((p) => (p.manifest.purposes ?? []).map((purpose) => ({ ...purpose, owner: p.manifest.id }))),
    ];
  }

  /** Every personal-data handler, the core's and each installed plugin's (a disabled plugin's data is still theirs to export and erase). */
  personalDataHandlers(): (PersonalDataHandler & { owner: string })[] {
    return [
      ...corePersonalData.map((h) => ({ ...h, owner: "core" })),
      ...this.plugins.flatMap((p) => (p.server.personalData ?? []).map((h) => ({ ...h, owner: p.manifest.id }))),
    ];
  }

  /** Plugin translations, by language and namespace (= plugin id). */
  locales() {
    return this.installed.map((p) => ({ namespace: p.manifest.id, resources: p.locales }));
  }
}

/** The id an event handler's deliveries are recorded under. */
function handlerId(pluginId: string, event: string) {
  return `${pluginId}:${event}`;
}
