import { defaultLanguage, type Language } from "./languages.ts";

/**
 * The language a machine-facing answer (JSON API, FHIR) is written in: the best of `id`/`en` by the
 * caller's Accept-Language q-values, Indonesian when it names neither. Cookies and saved choices
 * are for people, not API clients, so only the header counts.
 */
export function languageFromAcceptLanguage(header: string | null | undefined): Language {
  if (!header) return defaultLanguage;
  let best: { language: Language; q: number } | null = null;
  for (const part of header.split(",")) {
    const [tag, ...params] = part.trim().split(";");
    const primary = tag.trim().toLowerCase().split("-")[0];
    const language: Language | null = primary === "id" || primary === "in" ? "id" : primary === "en" ? "en" : null;
    if (!language) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { language, q };
  }
  return best?.language ?? defaultLanguage;
}
