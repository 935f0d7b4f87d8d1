// npm run bench: seeds its own data set (100,000 contacts, 1,000,000 interactions) on its own
// database and prints one JSON line per figure, measured on the real domain functions.
//   default: PGlite in a temporary folder;  BENCH_DATABASE_URL=postgres://…: a fresh PostgreSQL database
//   BENCH_CONTACTS / BENCH_PER_CONTACT / BENCH_HEAVY: a smaller set for a quick run
//   BENCH_EXPLAIN=1: print the plans of the main queries
//   --only=core|hospital (or BENCH_ONLY): one part only; hospital = tests/bench/hospital.ts
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { rowsOf, type DatabaseHandle } from "../../db/client.ts";
import { loadContact360, loadContactPanels } from "../../app/core/contacts/contact-360.server.ts";
import { exportContacts } from "../../app/core/contacts/contact-export.server.ts";
import { nameSimilarityThreshold, searchArms, searchContacts } from "../../app/core/contacts/contact-search.server.ts";
import { encodeTimelineCursor, listTimeline } from "../../app/core/contacts/timeline.server.ts";
import { formatPhone } from "../../app/core/i18n/phone.ts";
import { corePermissions } from "../../app/core/permissions/permissions.server.ts";
import { registerNamespaces } from "../../app/core/i18n/i18n.server.ts";
import { PluginRegistry } from "../../app/core/plugins/registry.server.ts";
import { globalSearch } from "../../app/core/search/global-search.server.ts";
import { installedPlugins } from "../../plugins/index.ts";
import { log, openBenchDatabase, percentile, print, round } from "./bench-support.ts";
import { seedBenchData } from "./seed.ts";

const contactsWanted = Number(process.env.BENCH_CONTACTS ?? 100_000);
const perContact = Number(process.env.BENCH_PER_CONTACT ?? 9);
const heavy = Number(process.env.BENCH_HEAVY ?? 1_000_000 - contactsWanted * perContact);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 100);
const explain = process.env.BENCH_EXPLAIN === "1";

async function timeEach(count: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(5, count); i++) await fn(i); // warm caches and plans
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function measure(bench: string, n: number, fn: (i: number) => Promise<unknown>, floor?: (i: number) => Promise<unknown>) {
  const t = await timeEach(iterations, fn);
  const figure: Record<string, unknown> = { bench, n, p50_ms: round(t.p50), p95_ms: round(t.p95) };
  if (floor) {
    const f = await timeEach(iterations, floor);
    figure.floor_p50_ms = round(f.p50);
    figure.ratio_to_floor = round(t.p50 / Math.max(f.p50, 0.01));
  }
  print(figure);
  return t;
}


async function explainPlan(handle: DatabaseHandle, label: string, query: ReturnType<typeof sql>) {
  // the settings the name search uses for its own transaction
  const rows = await handle.db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(nameSimilarityThreshold)}, true), set_config('enable_seqscan', 'off', true)`);
    return rowsOf<Record<string, string>>(await tx.execute(sql`explain (analyze, buffers) ${query}`));
  });
  log(`plan: ${label}\n${rows.map((r) => Object.values(r)[0]).join("\n")}`);
}

async function main() {
  const { handle, cleanup } = await openBenchDatabase("core");
  try {
    log(`${handle.kind}: migrating`);
    await handle.migrate();
    const seedStart = performance.now();
    const data = await seedBenchData(handle, { contacts: contactsWanted, perContact, heavy, log });
    print({ bench: "seed", db: handle.kind, contacts: data.contacts, interactions: data.interactions, seconds: round((performance.now() - seedStart) / 1000) });
    const { db } = handle;
    const n = data.contacts;

    const [staff] = await handle.rows<{ id: string }>(sql`select id from users where kind = 'staff' limit 1`);
    const actor = { kind: "staff" as const, userId: staff.id, permissions: new Set(Object.keys(corePermissions)), branchId: null };
    const samples = await handle.rows<{ id: string; phone: string; nik: string }>(sql`
      select c.id, c.phone, i.value as nik from contacts c join contact_identifiers i on i.contact_id = c.id and i.system = 'nik'
      where c.id <> ${data.heavyContactId} order by md5(c.id::text) limit 200`);

    // contacts search: a misspelt name, a phone as people type it, a NIK
    const typos = ["siti rahyu", "budi santosa", "dewi lestri", "agus hidayt", "rina siregr", "wahyu nugrho", "putri wjaya", "hendra gunawn"];
    const top = await searchContacts(db, actor, { q: "siti rahyu" });
    if (top.contacts[0]?.fullName !== "Siti Rahayu") throw new Error(`name search found ${top.contacts[0]?.fullName} first`);
    // floor: the bare trigram index look-up of the same name, best 26 by similarity, no ranking, no filters
    const nameFloor = (i: number) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(nameSimilarityThreshold)}, true)`);
        const q = typos[i % typos.length];
        return tx.execute(sql`select id from contacts where full_name % ${q} order by similarity(full_name, ${q}) desc limit 26`);
      });
    await measure("contacts.search.name", n, (i) => searchContacts(db, actor, { q: typos[i % typos.length] }), nameFloor);
    const phoneForms = (e164: string, i: number) => {
      const national = formatPhone(e164); // 0812-1111-2222
      return [national.replace(/-/g, " "), e164.slice(1), `+62 ${national.slice(1)}`, national][i % 4];
    };
    await measure(
      "contacts.search.phone",
      n,
      async (i) => {
        const page = await searchContacts(db, actor, { q: phoneForms(samples[i % samples.length].phone, i) });
        if (!page.contacts.some((c) => c.id === samples[i % samples.length].id)) throw new Error("phone search missed");
      },
      (i) => handle.rows(sql`select id from contacts where phone = ${samples[i % samples.length].phone} and merged_into_id is null limit 26`),
    );
    await measure(
      "contacts.search.nik",
      n,
      async (i) => {
        const page = await searchContacts(db, actor, { q: samples[i % samples.length].nik });
        if (page.contacts[0]?.id !== samples[i % samples.length].id) throw new Error("NIK search missed");
      },
      (i) => handle.rows(sql`select contact_id from contact_identifiers where value = ${samples[i % samples.length].nik}`),
    );
    await measure("contacts.search.email", n, (i) => searchContacts(db, actor, { q: `kontak${(i * 7919) % n}@contoh.id` }));
    await measure("contacts.list.first_page", n, () => searchContacts(db, actor, {}));
    const firstPage = await searchContacts(db, actor, {});
    let deepCursor = firstPage.next!;
    for (let i = 0; i < 40; i++) deepCursor = (await searchContacts(db, actor, { after: deepCursor })).next!;
    await measure("contacts.list.page_41", n, () => searchContacts(db, actor, { after: deepCursor }));
    const [branch] = await handle.rows<{ id: string }>(sql`select id from branches order by code limit 1`);
    await measure("contacts.list.filtered", n, () => searchContacts(db, actor, { stage: "customer", branchId: branch.id, tag: "vip" }));

    // the staff global search (/staff/search): every provider a manager may use — contacts, tickets,
    // and with all plugins enabled referrals and receipts — for a misspelt name, a NIK and a phone.
    // Floor: the contact search alone for the same query (what the page cannot do without).
    const registry = await PluginRegistry.load(installedPlugins);
    await registry.sync(db, null);
    registerNamespaces(registry.locales());
    const everyPermission = new Set([...Object.keys(corePermissions), ...installedPlugins.flatMap((p) => Object.keys(p.manifest.permissions))]);
    const searcher = { ...actor, permissions: everyPermission };
    const globalQuery = (i: number) => {
      const sample = samples[i % samples.length];
      return [typos[i % typos.length], sample.nik, phoneForms(sample.phone, i)][i % 3];
    };
    const firstGlobal = await globalSearch({ db, registry }, searcher, { query: samples[0].nik, language: "id" });
    if (firstGlobal.find((g) => g.kind === "core.contacts")?.results[0]?.id !== samples[0].id) throw new Error("global search missed the NIK");
    if (firstGlobal.length < 4 || firstGlobal.some((g) => g.failed)) throw new Error(`global search ran ${firstGlobal.map((g) => g.kind).join(", ")}`);
    await measure(
      "search.global",
      n,
      (i) => globalSearch({ db, registry }, searcher, { query: globalQuery(i), language: "id" }),
      (i) => searchContacts(db, actor, { q: globalQuery(i), limit: 9 }),
    );

    // the 360 page: what its loader reads (profile, identifiers, consents, open work, surveys,
    // plugin panels) and the first page of the timeline
    const timelineOptions = { sources: [], language: "id" as const, t: () => (key: string) => key };
    const page360 = async (contactId: string) => {
      const found = await loadContact360(db, actor, contactId, { ip: "127.0.0.1" });
      if (found?.kind !== "found") throw new Error("contact not found");
      await Promise.all([
        listTimeline(db, actor, { contactId, timeZone: found.timeZone }, timelineOptions),
        loadContactPanels([], contactId, { db, actor, language: "id", t: () => (key: string) => key }),
      ]);
    };
    await measure("contact360.page", n, (i) => page360(samples[i % samples.length].id));
    await measure("contact360.page.long_history", data.heavyInteractions, () => page360(data.heavyContactId));

    // the timeline of the contact with the longest history: first page, and a page deep in it
    const timelineFloor = (cursor: { at: string; id: string } | null) => () =>
      handle.rows(sql`select i.id, i.occurred_at, i.channel, i.subject, i.body, u.name, b.time_zone from interactions i
        left join users u on u.id = i.staff_user_id left join branches b on b.id = i.branch_id
        where i.contact_id = ${data.heavyContactId} ${cursor ? sql`and (i.occurred_at, i.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``}
        order by i.occurred_at desc nulls last, i.id desc nulls last limit 21`);
    await measure(
      "timeline.first_page",
      data.heavyInteractions,
      () => listTimeline(db, actor, { contactId: data.heavyContactId, timeZone: "Asia/Jakarta" }, timelineOptions),
      timelineFloor(null),
    );
    const depth = Math.floor(data.heavyInteractions / 2);
    const [deep] = await handle.rows<{ at: string; id: string }>(sql`
      select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, id from interactions
      where contact_id = ${data.heavyContactId} order by occurred_at desc, id desc offset ${depth} limit 1`);
    const deepTimelineCursor = encodeTimelineCursor({ at: deep.at, source: "core", id: deep.id });
    await measure(
      `timeline.page_at_${depth}`,
      data.heavyInteractions,
      async () => {
        const page = await listTimeline(db, actor, { contactId: data.heavyContactId, timeZone: "Asia/Jakarta", after: deepTimelineCursor }, timelineOptions);
        if (page.items.length !== 20) throw new Error("deep timeline page is short");
      },
      timelineFloor(deep),
    );
    await measure("timeline.filtered_channel", data.heavyInteractions, () =>
      listTimeline(db, actor, { contactId: data.heavyContactId, channel: "visit", timeZone: "Asia/Jakarta", after: deepTimelineCursor }, timelineOptions),
    );

    // export throughput: every VIP contact (2 % of them), streamed to nowhere
    const t = (key: string) => key;
    const exportRuns = 3;
    let exported = 0;
    const exportStart = performance.now();
    for (let i = 0; i < exportRuns; i++) {
      const { rows, stream } = await exportContacts(db, actor, { tag: "vip" }, { t, language: "id" });
      const reader = stream.getReader();
      while (!(await reader.read()).done);
      exported += rows;
    }
    print({ bench: "contacts.export", n, rows: exported / exportRuns, per_s: Math.round(exported / ((performance.now() - exportStart) / 1000)) });

    if (explain) {
      await explainPlan(
        handle,
        "name search arms",
        sql`select id, round(max(score)::numeric, 4) from (${searchArms("siti rahyu")!.arms}) s group by id`,
      );
      await explainPlan(handle, "timeline deep page", sql`select id from interactions where contact_id = ${data.heavyContactId}
        and (occurred_at, id) < (${deep.at}::timestamptz, ${deep.id}::uuid) order by occurred_at desc nulls last, id desc nulls last limit 21`);
      await explainPlan(handle, "filtered list", sql`select id from contacts where merged_into_id is null and lifecycle_stage = 'customer'
        and branch_id = ${branch.id} and 'vip' = any(tags) order by created_at desc nulls last, id desc nulls last limit 26`);
    }
  } finally {
    await cleanup();
  }
}

// which parts run: `--only=core,hospital` (or BENCH_ONLY=…); all of them by default
const only = new Set((process.argv.find((a) => a.startsWith("--only="))?.slice(7) ?? process.env.BENCH_ONLY ?? "core,hospital").split(","));
(async () => {
  if (only.has("core")) await main();
  if (only.has("hospital")) await (await import("./hospital.ts")).hospitalBench();
})().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
