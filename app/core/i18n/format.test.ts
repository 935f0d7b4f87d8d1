import { describe, expect, it } from "vitest";
import { formatDateTime, formatNumber, formatRupiah, parseRupiah } from "./format.ts";
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
    expect(formatDateTime(at, "id", "Asia/Jakarta")).toBe("1 Mar 2026, 09.30 WIB");
    expect(formatDateTime(at, "id", "Asia/Makassar")).toBe("1 Mar 2026, 10.30 WITA");
    expect(formatDateTime(at, "en", "Asia/Jayapura")).toBe("1 Mar 2026, 11:30 am WIT");
    const may = new Date("2026-05-20T02:30:00Z");
    expect(formatDateTime(may, "id")).toContain("Mei");
    expect(formatDateTime(may, "en")).toContain("May");
  });
});

describe("Rupiah typed by staff", () => {
  it("reads plain digits and thousands grouped the Indonesian or the English way", () => {
    for (const typed of ["10000", "10.000", "Rp 10.000", "Rp10.000", "rp. 10.000", "IDR 10,000", "10,000", " 10 000 ", "10.000,00", "10,000.00", "10000,0"]) {
      expect(parseRupiah(typed), typed).toBe(10_000);
    }
    expect(parseRupiah("1.250.000")).toBe(1_250_000);
    expect(parseRupiah("0")).toBe(0);
  });

  it("refuses what it would have to guess: decimals, mixed or broken groups, letters, nothing", () => {
    for (const typed of ["", "Rp", "10.5", "10,5", "1.000,50", "1.00.000", "1,000.000", "10.000.00", "12a", "-500", "1e4", "99999999999999999999"]) {
      expect(parseRupiah(typed), typed).toBeNull();
    }
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
