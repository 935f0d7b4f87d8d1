import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function flatKeys(node: unknown, prefix = ""): string[] {
  if (!node || typeof node !== "object") return [prefix.replace(/_(zero|one|two|few|many|other)$/, "")];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}

function pairs(): [string, string, string][] {
  const core = fs.readdirSync(path.join(root, "locales/id")).map((f) => [`core ${f}`, `locales/id/${f}`, `locales/en/${f}`] as [string, string, string]);
  const pluginBases = ["plugins", "tests/fixtures/plugins"];
  const plugin = pluginBases.flatMap((base) =>
    fs.existsSync(path.join(root, base))
      ? fs
          .readdirSync(path.join(root, base), { withFileTypes: true })
          .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, base, e.name, "locales")))
          .map((e) => [`${base}/${e.name}`, `${base}/${e.name}/locales/id.json`, `${base}/${e.name}/locales/en.json`] as [string, string, string])
      : [],
  );
  return [...core, ...plugin];
}

describe("translations", () => {
  it.each(pairs())("%s has the same keys in id and en", (_name, idFile, enFile) => {
    const id = new Set(flatKeys(JSON.parse(fs.readFileSync(path.join(root, idFile), "utf8"))));
    const en = new Set(flatKeys(JSON.parse(fs.readFileSync(path.join(root, enFile), "utf8"))));
    expect([...id].filter((k) => !en.has(k)), `missing in ${enFile}`).toEqual([]);
    expect([...en].filter((k) => !id.has(k)), `missing in ${idFile}`).toEqual([]);
  });

  it("has no empty strings", () => {
    for (const [, idFile, enFile] of pairs()) {
      for (const file of [idFile, enFile]) {
        const text = fs.readFileSync(path.join(root, file), "utf8");
        expect(text, file).not.toMatch(/:\s*""/);
      }
    }
  });
});
