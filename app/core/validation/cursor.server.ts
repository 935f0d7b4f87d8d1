// One keyset cursor for every list: the last row's key as a base64url JSON array. Decoding checks it
// against the list's own schema, so a mangled or forged `?before=`/`?after=` is no cursor at all
// (the list starts from its first page) instead of a 500 or a query on a value nobody checked.
import { z } from "zod";
import { isUuid } from "./ids.ts";

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor<T>(value: string | null | undefined, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T | null {
  if (!value || value.length > 2000) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : null;
}

/** Parts a cursor is made of. */
export const cursorPart = {
  id: () => z.string().refine(isUuid),
  /** An instant as written by `toISOString()` (or with microseconds), read back as the same text. */
  instant: () =>
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(\d{3})?Z$/)
      // a real instant, not one rolled over from 30 February
      .refine((v) => !Number.isNaN(Date.parse(v)) && new Date(Date.parse(v)).toISOString().slice(0, 23) === v.slice(0, 23)),
  text: (max = 500) => z.string().max(max),
};
