/**
 * Whole Rupiah as staff type it: `10000`, `10.000`, `Rp 10.000`, `IDR 10,000`, `10.000,00` -> 10000.
 * Thousands come grouped by `.` (Indonesian) or `,` (English), never mixed; anything else (a
 * decimal amount, `10.5`, a stray letter) is null, so the form says so instead of guessing.
 */
export function parseRupiah(input: string): number | null {
  const text = input.trim().replace(/^(rp|idr)\.?\s*/i, "").replace(/\s+/g, "");
  const match = /^(\d+|\d{1,3}(?:\.\d{3})+)(?:,0{1,2})?$/.exec(text) ?? /^(\d+|\d{1,3}(?:,\d{3})+)(?:\.0{1,2})?$/.exec(text);
  if (!match) return null;
  const amount = Number(match[1].replace(/[.,]/g, ""));
  return Number.isSafeInteger(amount) ? amount : null;
}
