import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "./fit-command.server.ts";
import { simulateTransactions } from "./simulate.ts";
import { dayNumber, isoOfDay } from "./customer-summary.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "analytics-cmd-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const NOW = new Date("2026-12-07T01:00:00Z"); // 08.00 WIB, 7 Dec 2026

function run(csv: string, extra: string[] = [], name = "t") {
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, csv);
  const out: string[] = [];
  const err: string[] = [];
  const outDir = path.join(dir, `${name}-out`);
  const code = main(["fit", "--transactions", file, "--calibration-end", "2025-12-31", "--out", outDir, ...extra], { out: (s) => out.push(s), err: (s) => err.push(s) }, NOW);
  return { code, out: out.join("\n"), err: err.join("\n"), outDir };
}

describe("analytics fit command", () => {
  const start = dayNumber("2025-01-01") as number;
  const simulated = simulateTransactions({ customers: 800, seed: 3, bg: { r: 0.5, alpha: 60, a: 0.6, b: 3 }, gg: { p: 5, q: 4, gamma: 200_000 }, startDay: start, acquisitionDays: 180, endDay: dayNumber("2026-06-30") as number });
  const good = ["contact_id,date,amount", ...simulated.map((t) => `${t.contactId},${isoOfDay(t.day)},${t.amount}`)].join("\n");

  it("writes params.json and customers.csv with the issue's columns, and prints the holdout check", () => {
    const r = run(good, ["--holdout-end", "2026-06-30", "--period", "day"], "good");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Holdout \(181 days\): expected [\d.]+ repeat transactions, actual \d+/);
    const csv = fs.readFileSync(path.join(r.outDir, "customers.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("contact_id,x,t_x,T,p_alive,expected_holdout,expected_spend,clv,actual_holdout");
    expect(csv.length - 1).toBe(new Set(simulated.filter((t) => t.day <= (dayNumber("2025-12-31") as number)).map((t) => t.contactId)).size);
    expect(csv.join("\n")).not.toMatch(/NaN|Infinity/);
    const params = JSON.parse(fs.readFileSync(path.join(r.outDir, "params.json"), "utf8"));
    expect(params.bg_nbd.params.r).toBeGreaterThan(0);
    expect(params.bg_nbd.standard_errors.r).toBeGreaterThan(0);
    expect(params.data.customers).toBe(csv.length - 1);
    // the printed sum equals the sum of the column
    const expectedSum = csv.slice(1).reduce((s, line) => s + Number(line.split(",")[5]), 0);
    expect(Math.abs(expectedSum - params.holdout.expected)).toBeLessThan(1e-3);
  });

  it("without amounts (visits) fits the frequency model only and leaves spend and CLV empty", () => {
    const visits = good.split("\n").map((l, i) => (i === 0 ? l : l.replace(/,[^,]*$/, ","))).join("\n");
    const r = run(visits, [], "visits");
    expect(r.code).toBe(0);
    const second = fs.readFileSync(path.join(r.outDir, "customers.csv"), "utf8").split("\n")[1];
    expect(second).toMatch(/,,$/);
  });

  const bad: [string, string, RegExp, string[]?][] = [
    ["empty file", "", /empty/],
    ["header only", "contact_id,date,amount\n", /no transactions/],
    ["wrong header", "id,when,value\na,2025-01-01,1\n", /header row must name/],
    ["bad date", "contact_id,date,amount\na,01/02/2025,1\nb,2025-01-02,1\n", /Line 2: .*not a date/],
    ["future date", "contact_id,date,amount\na,2025-01-01,1\nb,2027-01-02,1\n", /Line 3: the date 2027-01-02 is in the future/],
    ["negative amount", "contact_id,date,amount\na,2025-01-01,-5\nb,2025-01-02,1\n", /Line 2: the amount -5 is negative/],
    ["one customer", "contact_id,date,amount\na,2025-01-01,1\na,2025-02-01,1\n", /only one customer/],
    ["everyone single-purchase", "contact_id,date,amount\na,2025-01-01,1\nb,2025-02-01,1\nc,2025-03-01,2\n", /single purchase/],
    ["future holdout end", "contact_id,date,amount\na,2025-01-01,1\n", /in the future/, ["--holdout-end", "2027-01-01"]],
    ["holdout before calibration", "contact_id,date,amount\na,2025-01-01,1\n", /after --calibration-end/, ["--holdout-end", "2025-06-01"]],
  ];
  for (const [name, csv, message, extra] of bad) {
    it(`bad input: ${name} → clear message, exit 1, no files`, () => {
      const r = run(csv, extra ?? [], name.replaceAll(" ", "-"));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(fs.existsSync(path.join(r.outDir, "customers.csv"))).toBe(false);
    });
  }

  it("a fit that cannot converge ends with a message, not NaN", () => {
    // two customers, one repeat each on the last day: the likelihood has no interior maximum
    const r = run("contact_id,date,amount\na,2025-01-01,1\na,2025-12-31,1\nb,2025-01-01,1\nb,2025-12-31,1\n", [], "degenerate");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/did not converge|cannot|at least two/i);
    expect(r.err).not.toMatch(/NaN|Infinity/);
  });

  it("unknown options and missing values are refused with the usage line", () => {
    const out: string[] = [];
    expect(main(["fit", "--transactions"], { out: () => {}, err: (s) => out.push(s) }, NOW)).toBe(1);
    expect(main(["fitt"], { out: () => {}, err: (s) => out.push(s) }, NOW)).toBe(1);
    expect(out.join("\n")).toMatch(/usage: npm run analytics/);
  });
});
