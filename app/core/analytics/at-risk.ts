// Who customer service should call back: customers who came more than once (so the model has seen
// them return) and whom the model now thinks more likely gone than not, the most valuable first.
// "Expected lost value" = (1 − p(alive)) × what the customer brought in a year so far, in Rupiah
// (purchases) or visits (hospitals): a plain figure staff can explain, from the customer's own history.
import { bgNbdPAlive, type BgNbdParams } from "./bg-nbd.ts";

export const AT_RISK_P_ALIVE_BELOW = 0.5;
export const AT_RISK_MIN_TRANSACTIONS = 2;

export interface CustomerHistory {
  contactId: string;
  /** Transaction days (several on one day are one), with their summed amounts (null: no amount). */
  transactions: number;
  firstDay: number;
  lastDay: number;
  /** Total amount in Rupiah, or the number of transactions when there are no amounts. */
  pastValue: number;
  /** Repeat transactions and their timing in model periods (BG/NBD's x, t_x, T). */
  x: number;
  tx: number;
  T: number;
}

export interface AtRiskCustomer extends CustomerHistory {
  pAlive: number;
  /** Past value per year of the customer's life so far (at least a year counted). */
  yearlyValue: number;
  expectedLostValue: number;
}

/** Customers at risk, ordered by expected lost value (largest first; ties by contact id). */
export function selectAtRisk(customers: Iterable<CustomerHistory>, params: BgNbdParams, today: number): AtRiskCustomer[] {
  const out: AtRiskCustomer[] = [];
  for (const c of customers) {
    if (c.transactions < AT_RISK_MIN_TRANSACTIONS) continue;
    const pAlive = bgNbdPAlive(params, c.x, c.tx, c.T);
    if (!(pAlive < AT_RISK_P_ALIVE_BELOW) || !Number.isFinite(pAlive)) continue;
    const years = Math.max(1, (today - c.firstDay + 1) / 365);
    const yearlyValue = c.pastValue / years;
    out.push({ ...c, pAlive, yearlyValue, expectedLostValue: (1 - pAlive) * yearlyValue });
  }
  return out.sort((a, b) => b.expectedLostValue - a.expectedLostValue || a.contactId.localeCompare(b.contactId));
}

/** Per-customer history from transactions up to `today` (day numbers), in periods of `periodDays`. */
export function customerHistories(transactions: Iterable<{ contactId: string; day: number; amount: number | null }>, today: number, periodDays: number): CustomerHistory[] {
  const byContact = new Map<string, Map<number, number | null>>();
  let hasAmounts = false;
  for (const t of transactions) {
    if (t.day > today) continue;
    let days = byContact.get(t.contactId);
    if (!days) byContact.set(t.contactId, (days = new Map()));
    if (t.amount !== null) hasAmounts = true;
    const before = days.get(t.day);
    days.set(t.day, t.amount === null ? (before ?? null) : (before ?? 0) + t.amount);
  }
  const out: CustomerHistory[] = [];
  for (const [contactId, days] of byContact) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    const total = [...days.values()].reduce<number>((s, v) => s + (v ?? 0), 0);
    out.push({
      contactId,
      transactions: sorted.length,
      firstDay: first,
      lastDay: last,
      pastValue: hasAmounts ? total : sorted.length,
      x: sorted.length - 1,
      tx: (last - first) / periodDays,
      T: (today - first) / periodDays,
    });
  }
  return out;
}
