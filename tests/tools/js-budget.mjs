// JavaScript budget of the customer and partner portals (issue 15, item 6): after `npm run build`,
// computes for every page route the JavaScript a browser loads on a first visit — the entry client,
// then root, each parent layout and the route module with all their static imports, exactly the
// files Remix preloads from its manifest — gzips each file, and fails when a /portal or /partner
// page passes the budget, naming the route, its total and its biggest modules.
//
//   node tests/tools/js-budget.mjs [--build build] [--budget-kb 110] [--all]
//   JS_BUDGET_KB=20 npm run check:js-budget     # a low budget, to see the failure output
//
// --all also prints the staff and public pages (for information; they have no budget).
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const buildDir = path.resolve(option("--build") ?? process.env.BUILD_DIR ?? "build");
const budgetKb = Number(option("--budget-kb") ?? process.env.JS_BUDGET_KB ?? 110);
const showAll = args.includes("--all");
const budgeted = (urlPath) => /^\/(portal|partner)(\/|$)/.test(urlPath);

const assetsDir = path.join(buildDir, "client", "assets");
const manifestFile = fs.existsSync(assetsDir) && fs.readdirSync(assetsDir).find((f) => /^manifest-[\w-]+\.js$/.test(f));
if (!manifestFile) {
  console.error(`js-budget: no Remix manifest in ${assetsDir}; run \`npm run build\` first`);
  process.exit(2);
}
const manifestSource = fs.readFileSync(path.join(assetsDir, manifestFile), "utf8");
const manifest = JSON.parse(manifestSource.slice(manifestSource.indexOf("{"), manifestSource.lastIndexOf("}") + 1));

// module weights per chunk, written by tests/tools/client-module-sizes.ts during the build
const modulesFile = path.join(buildDir, "client-modules.json");
const chunkModules = fs.existsSync(modulesFile) ? JSON.parse(fs.readFileSync(modulesFile, "utf8")).chunks : {};

const gzCache = new Map();
function sizes(url) {
  if (!gzCache.has(url)) {
    const bytes = fs.readFileSync(path.join(buildDir, "client", url.replace(/^\//, "")));
    gzCache.set(url, { raw: bytes.length, gz: bytes.length ? gzipSync(bytes).length : 0 });
  }
  return gzCache.get(url);
}

const routes = manifest.routes;
const chain = (id) => (id ? [...chain(routes[id].parentId), routes[id]] : []);
const urlOf = (route) =>
  "/" +
  chain(route.id)
    .map((r) => r.path ?? "")
    .filter(Boolean)
    .join("/");
const hasChildren = new Set(Object.values(routes).map((r) => r.parentId).filter(Boolean));

const rows = [];
for (const route of Object.values(routes)) {
  // pages only: a layout is measured with its children; a resource route (no component, an empty
  // module) renders no page of its own
  if (hasChildren.has(route.id) && !route.index) continue;
  if (sizes(route.module).raw <= 1) continue;
  const files = new Set([manifest.entry.module, ...manifest.entry.imports]);
  for (const r of chain(route.id)) for (const f of [...r.imports, r.module]) files.add(f);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    raw += sizes(f).raw;
    gz += sizes(f).gz;
  }
  rows.push({ url: urlOf(route), id: route.id, files: [...files], raw, gz });
}
rows.sort((a, b) => a.url.localeCompare(b.url));

const kb = (n) => (n / 1024).toFixed(1);

/** The biggest modules of a page, each module's share of its chunk's gzip size estimated by weight. */
function biggestModules(files, n) {
  const modules = new Map();
  for (const f of files) {
    const list = chunkModules[f.replace(/^\/+/, "")];
    const { gz } = sizes(f);
    if (!list?.length) {
      modules.set(`${f} (chunk)`, { gz, raw: sizes(f).raw });
      continue;
    }
    const weight = list.reduce((s, m) => s + m.gzipWeight, 0) || 1;
    for (const m of list) {
      const name = m.id.replace(/^node_modules\//, "").replace(/.*\/node_modules\//, "");
      const prev = modules.get(name) ?? { gz: 0, raw: 0 };
      modules.set(name, { gz: prev.gz + (gz * m.gzipWeight) / weight, raw: prev.raw + m.bytes });
    }
  }
  return [...modules.entries()].sort((a, b) => b[1].gz - a[1].gz).slice(0, n);
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`JavaScript a first visit loads, per page (gzip; budget for /portal and /partner: ${budgetKb} KB)`);
console.log(`${pad("page", 46)}${lpad("KB gz", 8)}${lpad("KB raw", 9)}  files`);
const over = [];
for (const row of rows) {
  const inBudget = budgeted(row.url);
  if (!inBudget && !showAll) continue;
  const fails = inBudget && row.gz > budgetKb * 1024;
  if (fails) over.push(row);
  console.log(`${pad(row.url, 46)}${lpad(kb(row.gz), 8)}${lpad(kb(row.raw), 9)}  ${lpad(row.files.length, 4)}${fails ? "  OVER" : ""}`);
}

if (over.length) {
  console.error(`\n${over.length} portal page(s) pass the budget of ${budgetKb} KB gzipped:`);
  for (const row of over) {
    console.error(`\n${row.url} (route ${row.id}): ${kb(row.gz)} KB gz, ${kb(row.raw)} KB raw; biggest modules:`);
    for (const [name, s] of biggestModules(row.files, 5)) {
      console.error(`  ${lpad(kb(s.gz), 7)} KB gz (est.) ${lpad(kb(s.raw), 8)} KB raw  ${name}`);
    }
  }
  process.exit(1);
}
console.log(`\njs-budget: every /portal and /partner page is within ${budgetKb} KB gzipped`);
