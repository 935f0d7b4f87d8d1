import { describe, expect, it } from "vitest";
import testGreetings from "../../../tests/fixtures/plugins/test-greetings/index.ts";
import type { InstalledPlugin, PluginManifest } from "./contract.ts";
import { PluginManifestError, PluginRegistry, validateManifests } from "./registry.server.ts";

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

  it("names every translation missing in either language", () => {
    const problems = validateManifests([
      plugin({ nav: [{ portal: "staff", to: "home", label: "nav.home" }, { portal: "staff", to: "away", label: "nav.away" }] }, { id: locales.id, en: { meta: locales.en.meta } }),
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
