import { describe, expect, it } from "vitest";
import { matchTotp, newTotpSecret, totpCode, totpStep, totpUri } from "../../app/core/auth/totp.server.ts";
import { base32, fromBase32, independentTotp } from "../support/totp-reference.ts";

describe("TOTP (RFC 6238)", () => {
  // RFC 6238 Appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890"
  const seed = base32(Buffer.from("12345678901234567890", "ascii"));
  const vectors: [number, string][] = [
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ];
  it.each(vectors)("at T=%i gives %s (SHA-1, 8 digits)", (seconds, expected) => {
    expect(totpCode(seed, seconds * 1000, { digits: 8 })).toBe(expected);
    expect(independentTotp(Buffer.from("12345678901234567890"), seconds, 8)).toBe(expected);
  });

  it("agrees with an independent node:crypto computation for new secrets at many moments", () => {
    for (let i = 0; i < 50; i++) {
      const secret = newTotpSecret();
      const key = fromBase32(secret);
      expect(key).toHaveLength(20);
      const seconds = 1_700_000_000 + i * 7919;
      expect(totpCode(secret, seconds * 1000)).toBe(independentTotp(key, seconds));
    }
  });

  it("accepts a code one step either side, refuses further ones and replays", () => {
    const secret = newTotpSecret();
    const key = fromBase32(secret);
    const now = 1_765_000_000_000;
    const step = totpStep(now);
    expect(matchTotp(secret, independentTotp(key, now / 1000), now, null)).toBe(step);
    expect(matchTotp(secret, independentTotp(key, now / 1000 - 30), now, null)).toBe(step - 1);
    expect(matchTotp(secret, independentTotp(key, now / 1000 + 30), now, null)).toBe(step + 1);
    expect(matchTotp(secret, independentTotp(key, now / 1000 - 90), now, null)).toBeNull();
    // once step is used, neither it nor an older one is accepted again
    expect(matchTotp(secret, independentTotp(key, now / 1000), now, step)).toBeNull();
    expect(matchTotp(secret, independentTotp(key, now / 1000 - 30), now, step)).toBeNull();
    expect(matchTotp(secret, "12345", now, null)).toBeNull();
  });

  it("writes the otpauth URI apps scan", () => {
    const uri = new URL(totpUri("JBSWY3DPEHPK3PXP", "dokter@nusa-crm.id"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe("JBSWY3DPEHPK3PXP");
    expect(uri.searchParams.get("issuer")).toBe("Nusa CRM");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});
