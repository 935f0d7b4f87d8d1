import { describe, expect, it } from "vitest";
import { z } from "zod";
import { installedPlugins as installed } from "../../../plugins/index.ts";
import { defineEvent } from "../events/event-definitions.ts";
import testGreetings from "../../../tests/fixtures/plugins/test-greetings/index.ts";
import type { InstalledPlugin, PluginManifest, PluginServer } from "./contract.ts";
import { eventProblems, PluginManifestError, PluginRegistry, searchProviderProblems, validateManifests } from "./registry.server.ts";

const locales = {
  id: { meta: { name: "Contoh", description: "Plugin contoh." }, nav: { home: "Beranda contoh" } },
  en: { meta: { name: "Example", description: "An example plugin." }, nav: { home: "Example home" } },
};

function plugin(overrides: Partial<PluginManifest> = {}, withLocales: InstalledPlugin["locales"] = locales): InstalledPlugin {
  return {
    manifest: { id: "example", version: "1.0.0", requires: [], name: "meta.name", description: "meta.description", permissions: {}, ...overrides },
    locales: withLocales,
  };
}

describe("manifest validation at start-up", () => {
  it("accepts a well-formed plugin", () => {
    expect(validateManifests([testGreetings, plugin()])).toEqual([]);
  });

  it("names an unknown required plugin", () => {
    expect(validateManifests([plugin({ requires: ["retail-pos"] })])).toEqual(['example: requires unknown plugin "retail-pos"']);
  });

  it("refuses a permission declared twice or outside the plugin's namespace", () => {
    const problems = validateManifests([
      plugin({ permissions: { "example.thing.read": { roles: ["agent"] }, "core.contact.read": { roles: ["agent"] } } }),
      plugin({ id: "other", permissions: { "example.thing.read": { roles: ["agent"] } } }),
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'example: permission "core.contact.read" must start with "example."',
        'example: permission "core.contact.read" is already declared by core',
        'other: permission "example.thing.read" must start with "other."',
        'other: permission "example.thing.read" is already declared by example',
      ]),
    );
  });

  it("refuses a route taken by the core or by another plugin, and unknown roles", () => {
    const problems = validateManifests([
      plugin({ routes: [{ portal: "staff", path: "contacts/extra", file: "routes/a.tsx" }, { portal: "staff", path: "things", file: "routes/b.tsx" }] }),
      plugin({ id: "other", routes: [{ portal: "staff", path: "things", file: "routes/c.tsx" }], permissions: { "other.x.read": { roles: ["astronaut"] } } }),
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        "example: route /staff/contacts/extra is already taken by core",
        "other: route /staff/things is already taken by example",
        'other: permission "other.x.read" grants unknown role "astronaut"',
      ]),
    );
  });

  it("asks every staff menu entry for its area of work, and only staff entries", () => {
    const problems = validateManifests([
      plugin({
        nav: [
          { portal: "staff", to: "home", label: "nav.home" },
          { portal: "portal", to: "away", area: "service", label: "nav.home" },
          { portal: "staff", to: "odd", area: "kitchen" as never, label: "nav.home" },
        ],
      }),
    ]);
    expect(problems).toEqual([
      'example: staff nav entry "home" needs an area (customers, service, hospital, retail, marketing, reports, administration)',
      'example: nav entry "away" has area "service", which only staff entries take, one of customers, service, hospital, retail, marketing, reports, administration',
      'example: nav entry "odd" has area "kitchen", which only staff entries take, one of customers, service, hospital, retail, marketing, reports, administration',
    ]);
  });

  it("names every translation missing in either language", () => {
    const problems = validateManifests([
      plugin({ nav: [{ portal: "staff", to: "home", area: "service", label: "nav.home" }, { portal: "staff", to: "away", area: "service", label: "nav.away" }] }, { id: locales.id, en: { meta: locales.en.meta } }),
    ]);
    expect(problems).toEqual([
      'example: translation "example:nav.away" is missing in "id"',
      'example: translation "example:nav.home" is missing in "en"',
      'example: translation "example:nav.away" is missing in "en"',
    ]);
  });

  it("stops the start when two plugins offer the same command, naming both", async () => {
    const offering = (id: string): InstalledPlugin => ({
      ...plugin({ id }),
      server: async () => ({ default: { commands: { "shared.voucher.check": async () => ({}), [`${id}.own.check`]: async () => ({}) } } }),
    });
    const load = PluginRegistry.load([offering("example"), plugin({ id: "quiet" }), offering("other")]);
    await expect(load).rejects.toBeInstanceOf(PluginManifestError);
    await expect(load).rejects.toThrow('command "shared.voucher.check" is offered by more than one plugin: example, other');
    await expect(PluginRegistry.load([offering("example"), plugin({ id: "quiet" })])).resolves.toBeInstanceOf(PluginRegistry);
  });

  it("stops the start with one error listing every problem", async () => {
    const load = PluginRegistry.load([plugin({ requires: ["nope"] }), plugin()]);
    await expect(load).rejects.toBeInstanceOf(PluginManifestError);
    await expect(load).rejects.toThrow(/listed twice[\s\S]*requires unknown plugin "nope"|requires unknown plugin "nope"[\s\S]*listed twice/);
  });
});

describe("event definitions checked at start-up", () => {
  const orderPlaced = defineEvent("shop.order.placed", 1, z.object({ orderId: z.string() }));
  const orderPlacedV2 = defineEvent("shop.order.placed", 2, z.object({ orderId: z.string(), total: z.number() }));
  const noop = async () => {};
  function withServer(manifest: Partial<PluginManifest>, server: PluginServer): InstalledPlugin {
    return { ...plugin(manifest), server: async () => ({ default: server }) };
  }
  const shop = withServer({ id: "shop", events: { emits: ["shop.order.placed"] } }, { events: [orderPlaced] });

  it("accepts the installed plugins, a handler of a core event or another plugin's event, and of an optional plugin's absent event", async () => {
    await expect(PluginRegistry.load(installed)).resolves.toBeInstanceOf(PluginRegistry);
    const registry = await PluginRegistry.load([
      shop,
      withServer({ id: "crm", events: { handles: ["shop.order.placed@1", "core.contact.merged@1", "ghost.thing.done@1?"] } }, { handlers: { "core.contact.merged": noop, "shop.order.placed": noop, "ghost.thing.done": noop } as PluginServer["handlers"] }),
    ]);
    expect(registry.eventDefinitions().map((d) => d.name)).toEqual(expect.arrayContaining(["core.contact.merged", "core.whatsapp.received", "shop.order.placed"]));
  });

  it("stops the start with one message naming an unknown event, a missing emitter, a version mismatch and undeclared handlers", async () => {
    const load = PluginRegistry.load([
      shop,
      withServer(
        { id: "crm", events: { handles: ["shop.order.placed@2", "shop.order.shipped@1", "core.contact.merged", "core.contact.updated@1"] } },
        { handlers: { "core.contact.merged": noop, "core.contact.created": noop } },
      ),
      withServer({ id: "lazy", events: { emits: ["lazy.thing.done"] } }, { events: [defineEvent("lazy.other.done", 1, z.object({}))] }),
    ]);
    await expect(load).rejects.toBeInstanceOf(PluginManifestError);
    const error = (await load.catch((e: unknown) => e)) as PluginManifestError;
    expect(error.problems).toEqual([
      'lazy: defines event "lazy.other.done" but its manifest does not list it in events.emits',
      'lazy: manifest emits "lazy.thing.done" but its server part defines no such event (defineEvent in server.ts `events`)',
      'crm: handles "shop.order.placed" version 2, but shop emits version 1',
      'crm: manifest handles "shop.order.placed" but its server part has no handler for it',
      'crm: handles "shop.order.shipped", which neither the core nor an installed plugin emits',
      'crm: events.handles entry "core.contact.merged" must name the version it was written for, e.g. "core.contact.merged@1"',
      'crm: manifest handles "core.contact.updated" but its server part has no handler for it',
      'crm: server part handles "core.contact.created" but its manifest does not list it in events.handles',
    ]);
    expect(error.message).toContain("Plugin manifests are invalid:\n  - lazy:");
  });

  it("refuses an event defined twice, by the core or by two plugins", () => {
    const problems = eventProblems([
      { manifest: plugin({ id: "shop", events: { emits: ["shop.order.placed@2", "core.contact.merged"] } }).manifest, server: { events: [orderPlacedV2, defineEvent("core.contact.merged", 1, z.object({}))] } },
      { manifest: plugin({ id: "copy", events: { emits: ["shop.order.placed"] } }).manifest, server: { events: [orderPlaced] } },
    ]);
    expect(problems).toEqual(['shop: event "core.contact.merged" is already defined by core', 'copy: event "shop.order.placed" is already defined by shop']);
  });

  it("refuses an event name that is not dotted words, and a version that is not a positive integer", () => {
    expect(() => defineEvent("Shop Order", 1, z.object({}))).toThrow(/dotted lower-case/);
    expect(() => defineEvent("shop.order.placed", 0, z.object({}))).toThrow(/positive integer/);
  });
});

describe("search providers checked at start-up", () => {
  const search = async () => [];
  it("accepts the installed plugins' providers", async () => {
    const registry = await PluginRegistry.load(installed);
    expect(registry.searchProviders(registry.plugins.map((p) => p.manifest.id), new Set(["hospital-referrals.referral.read", "retail-pos.sale.read"])).map((p) => p.kind)).toEqual([
      "hospital-referrals.referrals",
      "retail-pos.receipts",
    ]);
    // not for staff without the permission, nor from a disabled plugin
    expect(registry.searchProviders(["retail-pos"], new Set(["hospital-referrals.referral.read", "retail-pos.sale.read"])).map((p) => p.kind)).toEqual(["retail-pos.receipts"]);
    expect(registry.searchProviders(["hospital-referrals", "retail-pos"], new Set(["retail-pos.sale.read"])).map((p) => p.kind)).toEqual(["retail-pos.receipts"]);
  });

  it("names a kind declared twice, an unknown permission and a heading missing in a language", () => {
    const example = plugin({ permissions: { "example.thing.read": { roles: ["agent"] } } }, { id: { ...locales.id, search: { things: "Barang" } }, en: locales.en });
    const server: PluginServer = {
      searchProviders: [
        { kind: "things", label: "search.things", permission: "example.thing.read", search },
        { kind: "things", label: "search.things", permission: "example.other.read", search },
      ],
    };
    expect(searchProviderProblems([example], [{ manifest: example.manifest, server }])).toEqual([
      'example: translation "example:search.things" is missing in "en"',
      'example: search kind "things" is declared twice',
      'example: search kind "things" needs unknown permission "example.other.read"',
      'example: translation "example:search.things" is missing in "en"',
    ]);
  });
});
