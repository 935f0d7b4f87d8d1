// How a KPI's value reads in each unit, in the user's language. Client-safe.
import { formatNumber, formatRupiah } from "../i18n/format.ts";
import { numberLocale, type Language } from "../i18n/languages.ts";
import type { KpiUnit } from "../plugins/contract.ts";

/** "1.234", "66,7%", "Rp 45.000", "3,5 jam"; "–" when the value is undefined (nothing to divide by). */
export function formatKpiValue(unit: KpiUnit, value: number | null, language: Language): string {
  if (value == null || !Number.isFinite(value)) return "–";
  switch (unit) {
    case "count":
      return formatNumber(Math.round(value * 10) / 10, language);
    case "percent":
      return new Intl.NumberFormat(numberLocale(language), { style: "percent", maximumFractionDigits: 1 }).format(value / 100);
    case "rupiah":
      return formatRupiah(Math.round(value), language);
    case "hours":
      return new Intl.NumberFormat(numberLocale(language), { style: "unit", unit: "hour", unitDisplay: "long", maximumFractionDigits: 1 }).format(value);
    case "days":
      return new Intl.NumberFormat(numberLocale(language), { style: "unit", unit: "day", unitDisplay: "long", maximumFractionDigits: 1 }).format(value);
  }
}

/** A change in percent as "12,5%" (sign shown by the arrow, not here). */
export function formatChange(change: number, language: Language): string {
  return new Intl.NumberFormat(numberLocale(language), { style: "percent", maximumFractionDigits: 1 }).format(Math.abs(change) / 100);
}
