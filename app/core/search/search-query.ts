// What the staff global search accepts, shared by the box in the shell (maxLength) and the server.

/** Longer queries are cut to this many characters: nothing we search for (a name, NIK, receipt number) is longer. */
export const searchQueryMaxLength = 100;
/** Below this many characters a query would match half the database: the page asks for more. */
export const searchQueryMinLength = 2;

/**
 * The query as searched: control and format characters dropped, whitespace collapsed, trimmed and
 * cut to searchQueryMaxLength. `cut` says it was longer; `tooShort` that it is too short to search.
 */
export function cleanSearchQuery(raw: unknown): { query: string; cut: boolean; tooShort: boolean } {
  const text = (typeof raw === "string" ? raw : "")
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  const chars = Array.from(text);
  const query = chars.slice(0, searchQueryMaxLength).join("").trim();
  return { query, cut: chars.length > searchQueryMaxLength, tooShort: Array.from(query).length < searchQueryMinLength };
}
