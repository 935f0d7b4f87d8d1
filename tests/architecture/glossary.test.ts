// One word for one thing: every translation of the core and the plugins keeps to the glossary's
// words (locales/glossary.json, from ../shared/GLOSSARY.md), so a variant cannot creep back in.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const glossary = JSON.parse(fs.readFileSync(path.join(root, "locales/glossary.json"), "utf8")) as {
  avoid: Record<"id" | "en", Record<string, string>>;
  allow: string[];
};

function strings(node: unknown, prefix = ""): [string, string][] {
  if (typeof node === "string") return [[prefix, node]];
  if (!node || typeof node !== "object") return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => strings(v, prefix ? `${prefix}.${k}` : k));
}

function localeFiles(language: "id" | "en"): { name: string; file: string }[] {
  const core = fs.readdirSync(path.join(root, "locales", language)).map((f) => ({ name: f, file: path.join(root, "locales", language, f) }));
  const plugins = fs
    .readdirSync(path.join(root, "plugins"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, "plugins", e.name, "locales", `${language}.json`)))
    .map((e) => ({ name: `${e.name}/${language}.json`, file: path.join(root, "plugins", e.name, "locales", `${language}.json`) }));
  return [...core, ...plugins];
}

/** "key: «variant» → use «word»" for each string using a variant the glossary lists. */
export function glossaryProblems(language: "id" | "en", files = localeFiles(language)): string[] {
  const avoid = Object.entries(glossary.avoid[language]).map(([variant, word]) => ({
    word,
    variant,
    // whole words only ("nota" is not "notasi", "tag" is not "tagihan"); {{placeholders}} are not wording
    pattern: new RegExp(`(?<![\\p{L}\\p{N}_-])${variant.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}_-])`, "iu"),
  }));
  const problems: string[] = [];
  for (const { name, file } of files) {
    for (const [key, text] of strings(JSON.parse(fs.readFileSync(file, "utf8")))) {
      if (glossary.allow.includes(`${name} ${key}`)) continue;
      const wording = text.replace(/\{\{[^}]*\}\}/g, "");
      for (const { variant, word, pattern } of avoid) if (pattern.test(wording)) problems.push(`${name} ${key}: «${variant}» → use «${word}»`);
    }
  }
  return problems;
}

describe("glossary", () => {
  it.each(["id", "en"] as const)("no %s translation uses a variant the glossary lists", (language) => {
    expect(glossaryProblems(language)).toEqual([]);
  });

  it("would catch a variant, as a whole word only", () => {
    const dir = fs.mkdtempSync(path.join(root, "node_modules", ".glossary-"));
    const file = path.join(dir, "id.json");
    fs.writeFileSync(file, JSON.stringify({ a: "Lihat galat", b: "Tagihan dan notasi", c: "Kirim ulang {{tag}}", d: { e: "Kembali ke Back Office" } }));
    try {
      expect(glossaryProblems("id", [{ name: "demo/id.json", file }])).toEqual([
        "demo/id.json a: «galat» → use «kesalahan»",
        "demo/id.json d.e: «back office» → use «portal staf»",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
