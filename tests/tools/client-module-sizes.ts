// Vite plugin for the client build: writes <buildDirectory>/client-modules.json, which modules each
// emitted JS chunk holds and how much each weighs (rendered bytes, and gzip of its rendered code as
// a weight). tests/tools/js-budget.mjs reads it to name the biggest modules of a route that passes
// its JavaScript budget; the chunk sizes it checks come from the built files themselves.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

export function clientModuleSizes(buildDirectory: string): Plugin {
  let ssr = false;
  let root = process.cwd();
  return {
    name: "nusa:client-module-sizes",
    apply: "build",
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
      root = config.root;
    },
    generateBundle(_options, bundle) {
      if (ssr) return;
      const chunks: Record<string, { id: string; bytes: number; gzipWeight: number }[]> = {};
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        chunks[output.fileName] = Object.entries(output.modules)
          .filter(([, m]) => m.renderedLength > 0)
          .map(([id, m]) => ({
            id: path.relative(root, id.replace(/^\0/, "").replace(/\?.*$/, "")) || id,
            bytes: m.renderedLength,
            gzipWeight: m.code ? gzipSync(m.code).length : m.renderedLength,
          }));
      }
      const out = path.resolve(root, buildDirectory, "client-modules.json");
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, JSON.stringify({ chunks }));
    },
  };
}
