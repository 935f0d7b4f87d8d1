// From transactions to the per-customer summary the models need (x, t_x, T, mean repeat value) and
// the holdout counts. Days are calendar days counted from 1970-01-01 (`dayNumber`), so the summary
// is independent of time zones: callers decide which local day a transaction belongs to.

export interface Transaction {
  contactId: string;
  /** Calendar day number (days since 1970-01-01) of the transaction in the business's local time. */
  day: number;
  /** Amount in Rupiah; null when the vertical has no amount (hospital visits). */
  amount: number | null;
}

export interface CustomerSummary {
  contactIds: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Mean value of the repeat transactions (0 when there are none or no amounts). */
  m: Float64Array;
  /** Day number of the first transaction. */
  firstDay: Int32Array;
  /** Transactions after the calibration end up to the holdout end (0 without a holdout). */
  holdoutX: Float64Array;
  /** Whether any transaction of the customer carried an amount. */
  hasAmounts: boolean;
  /** t_x and T in whole days (the models use it to speed up the likelihood). */
  grid: { txDays: Int32Array; TDays: Int32Array; periodDays: number };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a YYYY-MM-DD calendar date, or null when it is not a real date. */
export function dayNumber(iso: string): number | null {
  const match = ISO_DATE.exec(iso);
  if (!match) return null;
  const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return Math.round(ms / 86_400_000);
}

/** YYYY-MM-DD of a day number (calendar arithmetic only, no zone). */
export function isoOfDay(day: number): string {
  const d = new Date(day * 86_400_000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`;
}

/**
 * Several transactions of a customer on one day are one transaction (amounts added). Customers
 * whose first transaction falls after `calibrationEnd` are left out. Time is in periods of
 * `periodDays` days (7 for weeks). x counts repeat transaction days in calibration.
 */
export function summariseTransactions(transactions: Iterable<Transaction>, options: { calibrationEnd: number; holdoutEnd?: number; periodDays: number }): CustomerSummary {
  const { calibrationEnd, holdoutEnd, periodDays } = options;
  const days = new Map<string, Map<number, number | null>>();
  let hasAmounts = false;
  for (const t of transactions) {
    if (holdoutEnd !== undefined ? t.day > holdoutEnd : t.day > calibrationEnd) continue;
    let perDay = days.get(t.contactId);
    if (!perDay) days.set(t.contactId, (perDay = new Map()));
    const before = perDay.get(t.day);
    if (t.amount !== null) hasAmounts = true;
    perDay.set(t.day, t.amount === null ? (before ?? null) : (before ?? 0) + t.amount);
  }
  const contactIds: string[] = [];
  const rows: { x: number; tx: number; T: number; m: number; first: number; hold: number }[] = [];
  for (const [contactId, perDay] of days) {
    const sorted = [...perDay.keys()].sort((a, b) => a - b);
    const calibration = sorted.filter((d) => d <= calibrationEnd);
    if (calibration.length === 0) continue;
    const first = calibration[0];
    const last = calibration[calibration.length - 1];
    const repeats = calibration.slice(1);
    let sum = 0;
    let counted = 0;
    for (const d of repeats) {
      const v = perDay.get(d);
      if (v !== null && v !== undefined) {
        sum += v;
        counted++;
      }
    }
    contactIds.push(contactId);
    rows.push({
      x: repeats.length,
      tx: (last - first) / periodDays,
      T: (calibrationEnd - first) / periodDays,
      m: counted > 0 ? sum / counted : 0,
      first,
      hold: sorted.length - calibration.length,
    });
  }
  const n = rows.length;
  const summary: CustomerSummary = {
    contactIds,
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    m: new Float64Array(n),
    firstDay: new Int32Array(n),
    holdoutX: new Float64Array(n),
    hasAmounts,
    grid: { txDays: new Int32Array(n), TDays: new Int32Array(n), periodDays },
  };
  rows.forEach((r, i) => {
    summary.x[i] = r.x;
    summary.tx[i] = r.tx;
    summary.T[i] = r.T;
    summary.m[i] = r.m;
    summary.firstDay[i] = r.first;
    summary.holdoutX[i] = r.hold;
    summary.grid.txDays[i] = Math.round(r.tx * periodDays);
    summary.grid.TDays[i] = Math.round(r.T * periodDays);
  });
  return summary;
}
