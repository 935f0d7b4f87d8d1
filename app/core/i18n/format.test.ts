import { describe, expect, it } from "vitest";
import { formatDateTime, formatNumber, formatRupiah } from "./format.ts";
import { formatPhone, normalizePhone } from "./phone.ts";

describe("formatters", () => {
  it("formats integer Rupiah per language", () => {
    expect(formatRupiah(1500, "id").replace(/\s/g, " ")).toBe("Rp 1.500");
    // the glossary: "Rp 1.250.000" in Indonesian, "IDR 1,250,000" in English
    expect(formatRupiah(1250000, "en").replace(/\s/g, " ")).toBe("IDR 1,250,000");
  });

  it("groups thousands with '.' in Indonesian and ',' in English", () => {
    expect(formatNumber(1634, "id")).toBe("1.634");
    expect(formatNumber(1634, "en")).toBe("1,634");
    expect(formatNumber(1634.5, "id")).toBe("1.634,5");
    expect(formatNumber(1634.5, "en")).toBe("1,634.5");
  });

  it("shows times in the branch zone with its abbreviation", () => {
    const at = new Date("2026-03-01T02:30:00Z");
    expect(formatDateTime(at, "id", "Asia/Jakarta")).toMatch(/09[.:]30 WIB$/);
    expect(formatDateTime(at, "id", "Asia/Makassar")).toMatch(/10[.:]30 WITA$/);
    expect(formatDateTime(at, "en", "Asia/Jayapura")).toMatch(/11[.:]30 WIT$/);
    const may = new Date("2026-05-20T02:30:00Z");
    expect(formatDateTime(may, "id")).toContain("Mei");
    expect(formatDateTime(may, "en")).toContain("May");
  });
});

describe("phone numbers", () => {
  it.each(["081234567890", "6281234567890", "+62 812-3456-7890", "+6281234567890", " 0812 3456 7890 "])(
    "stores %s as E.164",
    (input) => expect(normalizePhone(input)).toBe("+6281234567890"),
  );

  it.each(["", "12345", "+6512345678", "abc", "0812"])("rejects %s", (input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it("shows E.164 the local way", () => {
    expect(formatPhone("+6281234567890")).toBe("0812-3456-7890");
  });
});
