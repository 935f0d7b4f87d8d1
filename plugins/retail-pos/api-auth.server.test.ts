import { describe, expect, it } from "vitest";
import { signatureFor, signatureHeader, verifySignature } from "./api-auth.server.ts";

const raw = new TextEncoder().encode('{"receiptNumber":"A-1"}');
const now = 1_790_000_000;

describe("Nusa-Signature", () => {
  it("accepts a fresh signature over the raw bytes", () => {
    expect(verifySignature(signatureHeader("s1", raw, now), raw, ["s1"], now)).toBe("ok");
  });
  it("accepts any of several v1 values and either secret during rotation", () => {
    const header = `t=${now},v1=${signatureFor("old", now, raw)},v1=${signatureFor("new", now, raw)}`;
    expect(verifySignature(header, raw, ["new"], now)).toBe("ok");
    expect(verifySignature(signatureHeader("old", raw, now), raw, ["new", "old"], now)).toBe("ok");
  });
  it("refuses other bytes, other secrets, stale or future timestamps and malformed headers", () => {
    expect(verifySignature(signatureHeader("s1", raw, now), new TextEncoder().encode('{"receiptNumber": "A-1"}'), ["s1"], now)).toBe("signature_invalid");
    expect(verifySignature(signatureHeader("s2", raw, now), raw, ["s1"], now)).toBe("signature_invalid");
    expect(verifySignature(signatureHeader("s1", raw, now - 301), raw, ["s1"], now)).toBe("signature_expired");
    expect(verifySignature(signatureHeader("s1", raw, now + 301), raw, ["s1"], now)).toBe("signature_expired");
    expect(verifySignature(signatureHeader("s1", raw, now - 300), raw, ["s1"], now)).toBe("ok");
    expect(verifySignature(null, raw, ["s1"], now)).toBe("signature_missing");
    expect(verifySignature("v1=abc", raw, ["s1"], now)).toBe("signature_invalid");
    expect(verifySignature(`t=${now},v1=zz`, raw, ["s1"], now)).toBe("signature_invalid");
  });
});
