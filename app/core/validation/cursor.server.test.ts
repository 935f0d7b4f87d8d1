import { describe, expect, it } from "vitest";
import { cursorPart, decodeCursor, encodeCursor } from "./cursor.server.ts";
import { z } from "./validation.ts";

const key = z.tuple([cursorPart.instant(), cursorPart.id()]);
const id = "0d6c3a4e-7f0b-4a51-9a57-1c2b3d4e5f60";

describe("keyset cursor", () => {
  it("gives back the key it was made from", () => {
    expect(decodeCursor(encodeCursor(["2026-12-06T10:15:00.123Z", id]), key)).toEqual(["2026-12-06T10:15:00.123Z", id]);
    expect(decodeCursor(encodeCursor(["2026-12-06T10:15:00.123456Z", id]), key)).toEqual(["2026-12-06T10:15:00.123456Z", id]);
  });

  it("is no cursor when mangled, forged or of another list (the list starts from its first page)", () => {
    for (const bad of [
      "abc_x", // the receipts' old format: a 500 before
      "1733480100000_" + id,
      encodeCursor(["2026-02-30T10:15:00.000Z", id]),
      encodeCursor(["not a date", id]),
      encodeCursor(["2026-12-06T10:15:00.123Z", "x' or 1=1 --"]),
      encodeCursor(["2026-12-06T10:15:00.123Z"]),
      encodeCursor([id, id]),
      Buffer.from("{").toString("base64url"),
      "%%%",
      "a".repeat(5000),
      "",
    ]) {
      expect(decodeCursor(bad, key), bad.slice(0, 40)).toBeNull();
    }
    expect(decodeCursor(null, key)).toBeNull();
    expect(decodeCursor(undefined, key)).toBeNull();
  });
});
