// Cohort retention: customers grouped by the calendar month of their first transaction; month k of a
// cohort counts those who transacted again in the k-th month after it (month 0 is the first month,
// so it is always the whole cohort). Every cell carries its denominator, the cohort's size; the
// current month is still running, so its cells are marked unfinished; later months are empty.
// Pure and zone-free: the caller gives each transaction's local calendar date.

export const cohortSplits = ["none", "branch", "channel", "referralSource"] as const;
export type CohortSplit = (typeof cohortSplits)[number];

export interface CohortTransaction {
  contactId: string;
  /** Local calendar date YYYY-MM-DD. */
  date: string;
  /** The split's value on this transaction; null when the source does not say. */
  group: string | null;
}

export interface CohortCell {
  /** Customers of the cohort with a transaction in this month. */
  retained: number;
  /** retained / cohort size, 0..1. */
  share: number;
  /** The month is still running: the share can still grow. */
  unfinished: boolean;
}

export interface CohortRow {
  /** YYYY-MM of the first transaction. */
  cohort: string;
  /** The split's value of the customers' first transaction (null: not split, or not known). */
  group: string | null;
  /** Customers whose first transaction fell in this month: the denominator of every cell. */
  size: number;
  /** Month 0..N; null for months that have not begun. */
  cells: (CohortCell | null)[];
}

export interface CohortMatrix {
  /** Number of month columns (0..months-1). */
  months: number;
  currentMonth: string;
  rows: CohortRow[];
}

const monthOf = (date: string) => date.slice(0, 7);
const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthText = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;

/**
 * The retention matrix for cohorts whose first month lies in [firstCohort, currentMonth]. The
 * transactions must reach back far enough to know each customer's first transaction (pass all).
 */
export function cohortRetention(transactions: Iterable<CohortTransaction>, options: { today: string; firstCohort: string; months: number }): CohortMatrix {
  const current = monthIndex(monthOf(options.today));
  const earliest = monthIndex(monthOf(options.firstCohort));
  // per customer: first date (and its group) and the months they transacted in
  const customers = new Map<string, { first: string; group: string | null; months: Set<number> }>();
  for (const t of transactions) {
    if (t.date > options.today) continue;
    let c = customers.get(t.contactId);
    if (!c) customers.set(t.contactId, (c = { first: t.date, group: t.group, months: new Set() }));
    else if (t.date < c.first || (t.date === c.first && c.group === null && t.group !== null)) {
      c.first = t.date;
      c.group = t.group;
    }
    c.months.add(monthIndex(monthOf(t.date)));
  }
  const rows = new Map<string, CohortRow & { counts: number[] }>();
  for (const c of customers.values()) {
    const start = monthIndex(monthOf(c.first));
    if (start < earliest || start > current) continue;
    const key = `${c.group ?? ""}\u0000${start}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { cohort: monthText(start), group: c.group, size: 0, cells: [], counts: new Array(options.months).fill(0) }));
    row.size++;
    for (const m of c.months) {
      const k = m - start;
      if (k >= 0 && k < options.months) row.counts[k]++;
    }
  }
  const out: CohortRow[] = [...rows.values()]
    .map(({ counts, ...row }) => {
      const start = monthIndex(row.cohort);
      row.cells = counts.map((retained, k) => (start + k > current ? null : { retained, share: retained / row.size, unfinished: start + k === current }));
      return row;
    })
    .sort((a, b) => (a.group ?? "").localeCompare(b.group ?? "") || a.cohort.localeCompare(b.cohort));
  return { months: options.months, currentMonth: monthText(current), rows: out };
}

/** The YYYY-MM-DD first day of the month `back` months before `today`'s month. */
export function cohortStart(today: string, back: number): string {
  return `${monthText(monthIndex(monthOf(today)) - back)}-01`;
}

/** How many months after the first transaction the matrix may show (the page offers these). */
export const cohortMonthChoices = [6, 12, 24] as const;
