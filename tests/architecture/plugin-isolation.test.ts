import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const importPattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(full);
    return /\.(ts|tsx|mts|js|jsx)$/.test(entry.name) ? [full] : [];
  });
}

function importsOf(file: string) {
  const source = fs.readFileSync(file, "utf8");
  return [...source.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Imports from a plugin folder that reach anything but app/plugin-api or the plugin itself. */
function violations(pluginDir: string) {
  return sourceFiles(pluginDir).flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith(".") || spec.startsWith("#"))
      .map((spec) => ({ spec, target: spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : path.join(root, spec.replace(/^#(\w+)\//, "$1/")) }))
      .filter(({ target }) => !target.startsWith(pluginDir + path.sep) && !target.startsWith(path.join(root, "app/plugin-api")))
      .map(({ spec }) => `${path.relative(root, file)} -> ${spec}`),
  );
}

const pluginDirs = ["plugins", "tests/fixtures/plugins"].flatMap((base) => {
  const dir = path.join(root, base);
  return fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name))
    : [];
});

describe("plugin isolation", () => {
  it("finds the plugins to check", () => {
    expect(pluginDirs.length).toBeGreaterThan(0);
  });

  it.each(pluginDirs.map((d) => [path.relative(root, d), d]))("%s imports only app/plugin-api and its own files", (_name, dir) => {
    expect(violations(dir)).toEqual([]);
  });

  it("catches a plugin that reaches into the core or another plugin", () => {
    const tmp = fs.mkdtempSync(path.join(root, "tests/fixtures/plugins/.tmp-"));
    try {
      fs.writeFileSync(path.join(tmp, "bad.ts"), `import { db } from "../../../../app/core/runtime/runtime.server.ts";\nimport x from "../test-greetings/plugin.ts";\n` +
        `import { y } from "#plugins/retail-pos/schema.ts";\nimport { z } from "#app/core/auth/session.server.ts";\nimport { ok } from "#app/plugin-api/index.ts";\n`);
      expect(violations(tmp)).toEqual([
        expect.stringContaining("-> ../../../../app/core/runtime/runtime.server.ts"),
        expect.stringContaining("-> ../test-greetings/plugin.ts"),
        expect.stringContaining("-> #plugins/retail-pos/schema.ts"),
        expect.stringContaining("-> #app/core/auth/session.server.ts"),
      ]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("the core reaches plugins only through plugins/index.ts", () => {
    const offenders = sourceFiles(path.join(root, "app")).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith("."))
        .map((spec) => path.relative(root, path.resolve(path.dirname(file), spec)))
        .filter((target) => target.startsWith("plugins/") && target !== "plugins/index.ts")
        .map((target) => `${path.relative(root, file)} -> ${target}`),
    );
    expect(offenders).toEqual([]);
  });
});
