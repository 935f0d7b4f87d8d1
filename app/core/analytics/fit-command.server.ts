// `npm run analytics -- fit …`: fit BG/NBD (+ Gamma-Gamma when there are amounts) on a CSV of
// transactions and write params.json and customers.csv. Every input problem ends with one clear
// sentence and exit code 1; nothing non-finite is ever written.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { fitBgNbd, ModelFitError, type BgNbdFit } from "./bg-nbd.ts";
import { dayNumber, summariseTransactions, type Transaction } from "./customer-summary.ts";
import { fitGammaGamma, type GammaGammaFit } from "./gamma-gamma.ts";
import { scoreCustomers } from "./score.ts";
import { today } from "../time/local-time.ts";

export class CommandInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandInputError";
  }
}

export interface FitCommandOptions {
  transactions: string;
  calibrationEnd: string;
  holdoutEnd?: string;
  period: "week" | "day";
  out: string;
}

const USAGE = "usage: npm run analytics -- fit --transactions FILE.csv --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--period week|day] --out DIR";

export function parseFitArguments(argv: string[]): FitCommandOptions {
  const [command, ...rest] = argv;
  if (command !== "fit") throw new CommandInputError(USAGE);
  const values: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (!flag.startsWith("--")) throw new CommandInputError(`Unexpected argument "${flag}". ${USAGE}`);
    const [name, inline] = flag.slice(2).split("=", 2);
    const value = inline ?? rest[++i];
    if (value === undefined || value.startsWith("--")) throw new CommandInputError(`--${name} needs a value. ${USAGE}`);
    if (!["transactions", "calibration-end", "holdout-end", "period", "out"].includes(name)) throw new CommandInputError(`Unknown option --${name}. ${USAGE}`);
    values[name] = value;
  }
  for (const required of ["transactions", "calibration-end", "out"]) if (!values[required]) throw new CommandInputError(`--${required} is required. ${USAGE}`);
  const period = values.period ?? "week";
  if (period !== "week" && period !== "day") throw new CommandInputError(`--period must be week or day, not "${period}".`);
  return { transactions: values.transactions, calibrationEnd: values["calibration-end"], holdoutEnd: values["holdout-end"], period, out: values.out };
}

/** Today's calendar day number in the easternmost zone (WIT): a date later than that is in the future everywhere in Indonesia. */
export function todayDayNumber(now: Date): number {
  return Date.parse(`${today("Asia/Jayapura", now)}T00:00:00Z`) / 86_400_000;
}

/** Read and check the CSV: header contact_id,date,amount; dates YYYY-MM-DD; amounts ≥ 0 or empty. */
export function readTransactionsCsv(text: string, today: number): Transaction[] {
  if (text.trim() === "") throw new CommandInputError("The transactions file is empty.");
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: false });
  } catch (error) {
    throw new CommandInputError(`The transactions file is not valid CSV: ${(error as Error).message}`);
  }
  const header = records[0].map((h) => h.toLowerCase());
  const iContact = header.indexOf("contact_id");
  const iDate = header.indexOf("date");
  const iAmount = header.indexOf("amount");
  if (iContact < 0 || iDate < 0) throw new CommandInputError(`The header row must name the columns contact_id,date,amount (found: ${records[0].join(",")}).`);
  if (records.length < 2) throw new CommandInputError("The transactions file has a header but no transactions.");
  const out: Transaction[] = [];
  for (let r = 1; r < records.length; r++) {
    const line = r + 1;
    const row = records[r];
    const contactId = row[iContact];
    if (!contactId) throw new CommandInputError(`Line ${line}: contact_id is empty.`);
    const day = dayNumber(row[iDate]);
    if (day === null) throw new CommandInputError(`Line ${line}: "${row[iDate]}" is not a date in the form YYYY-MM-DD.`);
    if (day > today) throw new CommandInputError(`Line ${line}: the date ${row[iDate]} is in the future.`);
    let amount: number | null = null;
    const raw = iAmount >= 0 ? row[iAmount] : "";
    if (raw !== "" && raw !== undefined) {
      amount = Number(raw);
      if (!Number.isFinite(amount)) throw new CommandInputError(`Line ${line}: the amount "${raw}" is not a number (use a plain number such as 125000 or 12.5).`);
      if (amount < 0) throw new CommandInputError(`Line ${line}: the amount ${raw} is negative; record refunds net of the sale.`);
    }
    out.push({ contactId, day, amount });
  }
  return out;
}

const num = (v: number) => {
  if (!Number.isFinite(v)) throw new RangeError("non-finite value in output");
  return Number(v.toPrecision(10)).toString();
};

function csvField(s: string) {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export interface FitCommandResult {
  bg: BgNbdFit;
  gg: GammaGammaFit | null;
  customers: number;
  expectedHoldout: number | null;
  actualHoldout: number | null;
  lines: string[];
}

/** The whole command; throws CommandInputError or ModelFitError for problems the user can fix. */
export function runFitCommand(options: FitCommandOptions, now: Date = new Date()): FitCommandResult {
  const todayNumber = todayDayNumber(now);
  const calibrationEnd = dayNumber(options.calibrationEnd);
  if (calibrationEnd === null) throw new CommandInputError(`--calibration-end "${options.calibrationEnd}" is not a date in the form YYYY-MM-DD.`);
  if (calibrationEnd > todayNumber) throw new CommandInputError(`--calibration-end ${options.calibrationEnd} is in the future.`);
  let holdoutEnd: number | undefined;
  if (options.holdoutEnd !== undefined) {
    const h = dayNumber(options.holdoutEnd);
    if (h === null) throw new CommandInputError(`--holdout-end "${options.holdoutEnd}" is not a date in the form YYYY-MM-DD.`);
    if (h <= calibrationEnd) throw new CommandInputError("--holdout-end must be after --calibration-end.");
    if (h > todayNumber) throw new CommandInputError(`--holdout-end ${options.holdoutEnd} is in the future; the actual transactions are not known yet.`);
    holdoutEnd = h;
  }
  let text: string;
  try {
    text = fs.readFileSync(options.transactions, "utf8");
  } catch {
    throw new CommandInputError(`Cannot read the transactions file ${options.transactions}.`);
  }
  const transactions = readTransactionsCsv(text, todayNumber);
  const periodDays = options.period === "week" ? 7 : 1;
  const summary = summariseTransactions(transactions, { calibrationEnd, holdoutEnd, periodDays });
  const n = summary.contactIds.length;
  if (n === 0) throw new CommandInputError(`No customer made a first transaction on or before the calibration end ${options.calibrationEnd}.`);
  if (n === 1) throw new CommandInputError("The file has only one customer; the models describe a population and need many customers.");
  if (!summary.x.some((x) => x > 0)) throw new CommandInputError("Every customer made a single purchase in the calibration period; repeat behaviour cannot be estimated. Use a longer calibration period.");
  const bg = fitBgNbd(summary);
  let gg: GammaGammaFit | null = null;
  if (summary.hasAmounts) gg = fitGammaGamma(summary);
  const holdoutPeriods = holdoutEnd !== undefined ? (holdoutEnd - calibrationEnd) / periodDays : 365 / periodDays;
  const scores = scoreCustomers(summary, bg, gg, { periodDays, holdoutPeriods });

  fs.mkdirSync(options.out, { recursive: true });
  const withHoldout = holdoutEnd !== undefined;
  const header = ["contact_id", "x", "t_x", "T", "p_alive", "expected_holdout", "expected_spend", "clv", ...(withHoldout ? ["actual_holdout"] : [])];
  const rows: string[] = [header.join(",")];
  const intervals: string[] = ["contact_id,p_alive_low,p_alive_high,expected_30d,expected_30d_low,expected_30d_high,expected_90d,expected_90d_low,expected_90d_high,expected_365d,expected_365d_low,expected_365d_high,expected_spend_low,expected_spend_high,clv_low,clv_high"];
  let expected = 0;
  let actual = 0;
  for (let i = 0; i < n; i++) {
    expected += scores.expectedHoldout[i];
    actual += summary.holdoutX[i];
    rows.push(
      [
        csvField(summary.contactIds[i]),
        num(summary.x[i]),
        num(summary.tx[i]),
        num(summary.T[i]),
        num(scores.pAlive[i]),
        num(scores.expectedHoldout[i]),
        gg ? num(scores.expectedSpend[i]) : "",
        gg ? num(scores.clv[i]) : "",
        ...(withHoldout ? [num(summary.holdoutX[i])] : []),
      ].join(","),
    );
    intervals.push(
      [
        csvField(summary.contactIds[i]),
        num(scores.pAliveInterval[0][i]),
        num(scores.pAliveInterval[1][i]),
        ...scores.expected.flatMap((e, h) => [num(e[i]), num(scores.expectedInterval[h][0][i]), num(scores.expectedInterval[h][1][i])]),
        gg ? num(scores.expectedSpendInterval[0][i]) : "",
        gg ? num(scores.expectedSpendInterval[1][i]) : "",
        gg ? num(scores.clvInterval[0][i]) : "",
        gg ? num(scores.clvInterval[1][i]) : "",
      ].join(","),
    );
  }
  const finite = (o: object | null) => (o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number.isFinite(v) ? v : null])) : null);
  const params = {
    model: "BG/NBD (Fader, Hardie & Lee 2005) + Gamma-Gamma spend",
    period: options.period,
    calibration_end: options.calibrationEnd,
    holdout_end: options.holdoutEnd ?? null,
    expected_holdout_periods: holdoutPeriods,
    clv: { months: 12, month_days: 30, monthly_discount_rate: 0.01, interval: "90 % from parameter uncertainty (delta method)" },
    data: { transactions_read: transactions.length, customers: n, repeat_customers: summary.x.filter((x) => x > 0).length, has_amounts: summary.hasAmounts },
    bg_nbd: { params: finite(bg.params), standard_errors: finite(bg.standardErrors), log_likelihood: bg.logLikelihood, converged: bg.converged, starts_agreeing: bg.startsAgreeing },
    gamma_gamma: gg ? { params: finite(gg.params), standard_errors: finite(gg.standardErrors), log_likelihood: gg.logLikelihood, converged: gg.converged, customers: gg.customers } : null,
    holdout: withHoldout ? { expected: expected, actual } : null,
  };
  fs.writeFileSync(path.join(options.out, "params.json"), `${JSON.stringify(params, null, 2)}\n`);
  fs.writeFileSync(path.join(options.out, "customers.csv"), `${rows.join("\n")}\n`);
  fs.writeFileSync(path.join(options.out, "customer-intervals.csv"), `${intervals.join("\n")}\n`);

  const lines = [
    `Customers: ${n} (${params.data.repeat_customers} with repeat transactions); transactions read: ${transactions.length}`,
    `BG/NBD: r=${bg.params.r.toFixed(4)} alpha=${bg.params.alpha.toFixed(4)} a=${bg.params.a.toFixed(4)} b=${bg.params.b.toFixed(4)}  log-likelihood=${bg.logLikelihood.toFixed(2)}`,
    gg ? `Gamma-Gamma: p=${gg.params.p.toFixed(4)} q=${gg.params.q.toFixed(4)} gamma=${gg.params.gamma.toFixed(4)}  log-likelihood=${gg.logLikelihood.toFixed(2)}` : "Gamma-Gamma: not fitted (no amounts in the file)",
  ];
  if (withHoldout) {
    const diff = actual > 0 ? ((expected - actual) / actual) * 100 : 0;
    lines.push(`Holdout (${num(holdoutPeriods)} ${options.period}s): expected ${expected.toFixed(1)} repeat transactions, actual ${actual} (${diff >= 0 ? "+" : ""}${diff.toFixed(1)} %)`);
  }
  lines.push(`Wrote ${path.join(options.out, "params.json")}, customers.csv and customer-intervals.csv`);
  return { bg, gg, customers: n, expectedHoldout: withHoldout ? expected : null, actualHoldout: withHoldout ? actual : null, lines };
}

/** Entry point: returns the exit code. */
export function main(argv: string[], io: { out: (s: string) => void; err: (s: string) => void } = { out: (s) => console.log(s), err: (s) => console.error(s) }, now = new Date()): number {
  try {
    const result = runFitCommand(parseFitArguments(argv), now);
    for (const line of result.lines) io.out(line);
    return 0;
  } catch (error) {
    if (error instanceof CommandInputError || error instanceof ModelFitError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    io.err(`error: ${(error as Error).message}`);
    return 2;
  }
}
