// RFM: recency, frequency and monetary quintiles per customer over a window, and the named segment
// of each (recency × frequency) cell. Pure and client-safe: the snapshot job feeds it transactions
// already reduced to local calendar days.
import { rfmSegmentKeys, type RfmSegmentKey } from "../../../db/schema/analytics.ts";

export { rfmSegmentKeys, type RfmSegmentKey };

/**
 * The one R × F → segment table (rows: R 5 = most recent … 1; columns: F 1 … 5). Documented in ADR
 * 014; the widely used RFM segment map, with "hibernating" folded into "lost".
 */
export const rfmSegmentGrid: Record<1 | 2 | 3 | 4 | 5, [RfmSegmentKey, RfmSegmentKey, RfmSegmentKey, RfmSegmentKey, RfmSegmentKey]> = {
  //    F=1            F=2                  F=3                  F=4          F=5
  5: ["new", "potentialLoyalist", "potentialLoyalist", "champions", "champions"],
  4: ["promising", "potentialLoyalist", "potentialLoyalist", "loyal", "loyal"],
  3: ["aboutToSleep", "aboutToSleep", "needAttention", "loyal", "loyal"],
  2: ["lost", "lost", "atRisk", "atRisk", "cannotLose"],
  1: ["lost", "lost", "atRisk", "atRisk", "cannotLose"],
};

export type Quintile = 1 | 2 | 3 | 4 | 5;

export function rfmSegmentOf(r: Quintile, f: Quintile): RfmSegmentKey {
  return rfmSegmentGrid[r][f - 1];
}

/**
 * Quintile scores 1–5 by rank: a value's score is 1 + ⌊5 · (customers with a strictly smaller
 * value) / n⌋, so equal values share a score (the lower one) and a quintile is never split by a
 * tie. Ten distinct values score 1,1,2,2,3,3,4,4,5,5.
 */
export function quintiles(values: ArrayLike<number>): Quintile[] {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const out: Quintile[] = new Array(n);
  for (let i = 0; i < n; i++) {
    // first index whose value is ≥ values[i] = count of strictly smaller values
    let lo = 0;
    let hi = n;
    const v = values[i];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = Math.min(5, 1 + Math.floor((5 * lo) / n)) as Quintile;
  }
  return out;
}

export interface DayTransaction {
  contactId: string;
  /** Local calendar day number (days since 1970-01-01). */
  day: number;
  /** Rupiah; null without amounts. */
  amount: number | null;
}

export interface RfmRow {
  contactId: string;
  recencyDays: number;
  /** Days with a transaction in the window (several on one day are one, as in the lifetime models). */
  frequency: number;
  /** Rupiah in the window, or null when no transaction of the window had an amount and `withAmounts` is off. */
  monetary: number | null;
  r: Quintile;
  f: Quintile;
  m: Quintile | null;
  segment: RfmSegmentKey;
}

/**
 * RFM of every customer with a transaction in the window (snapshotDay − windowDays, snapshotDay].
 * `withAmounts` false scores frequency only (hospital visits): monetary and m stay null.
 */
export function computeRfm(transactions: Iterable<DayTransaction>, options: { snapshotDay: number; windowDays: number; withAmounts: boolean }): RfmRow[] {
  const { snapshotDay, windowDays, withAmounts } = options;
  const first = snapshotDay - windowDays + 1;
  const byContact = new Map<string, { days: Set<number>; last: number; spent: number }>();
  for (const t of transactions) {
    if (t.day < first || t.day > snapshotDay) continue;
    let c = byContact.get(t.contactId);
    if (!c) byContact.set(t.contactId, (c = { days: new Set(), last: t.day, spent: 0 }));
    c.days.add(t.day);
    if (t.day > c.last) c.last = t.day;
    if (t.amount !== null && Number.isFinite(t.amount)) c.spent += t.amount;
  }
  const ids = [...byContact.keys()].sort();
  const rows = ids.map((id) => byContact.get(id)!);
  // recency: fewer days since the last transaction is better, so it is ranked on its negative
  const r = quintiles(rows.map((c) => -(snapshotDay - c.last)));
  const f = quintiles(rows.map((c) => c.days.size));
  const m = withAmounts ? quintiles(rows.map((c) => c.spent)) : null;
  return ids.map((contactId, i) => ({
    contactId,
    recencyDays: snapshotDay - rows[i].last,
    frequency: rows[i].days.size,
    monetary: withAmounts ? rows[i].spent : null,
    r: r[i],
    f: f[i],
    m: m ? m[i] : null,
    segment: rfmSegmentOf(r[i], f[i]),
  }));
}

/** A finite number, or null: nothing else may reach a page or a table. */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
