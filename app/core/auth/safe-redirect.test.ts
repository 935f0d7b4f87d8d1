import { describe, expect, it } from "vitest";
import { safeRedirect } from "./guards.server.ts";

describe("safeRedirect keeps every redirect on this site", () => {
  it.each([
    ["/staff/contacts?q=budi#list", "/staff/contacts?q=budi#list"],
    ["/portal/privacy", "/portal/privacy"],
    ["/staff/../portal", "/portal"],
  ])("keeps the same-site path %s", (to, expected) => {
    expect(safeRedirect(to, "/")).toBe(expected);
  });

  it.each([
    ["//evil.example", "protocol-relative"],
    ["/\t/evil.example", "a tab, which browsers drop from Location"],
    ["/%09/evil.example".replace("%09", "\t"), "a raw tab"],
    ["/\n/evil.example", "a newline"],
    ["/staff\r\nSet-Cookie: x=1", "a header injection"],
    ["/\\evil.example", "a backslash, which browsers read as /"],
    ["https://evil.example/", "an absolute URL"],
    ["staff", "a relative path"],
    ["", "nothing"],
  ])("falls back for %j (%s)", (to) => {
    expect(safeRedirect(to, "/home")).toBe("/home");
  });

  it("falls back for anything that is not text", () => {
    expect(safeRedirect(null, "/home")).toBe("/home");
    expect(safeRedirect(undefined, "/home")).toBe("/home");
  });
});
