// CSV import through the real routes: upload, preview with per-row translated errors, and an
// import that is all or nothing.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedT } from "../app/core/i18n/i18n.server.ts";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as importPage from "../app/routes/staff/contacts.import.tsx";
import { auditLog, contactIdentifiers, contacts } from "../db/schema/index.ts";
import { callWithBody, multipart } from "./support/raw-request.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let manager: Awaited<ReturnType<typeof createStaff>>;

const header = "Nama;No HP;Email;NIK;No BPJS;Kota;Tanggal Lahir;Tag;Tahap";
const good = [
  "Siti Rahayu;0812-3456-7801;Siti.R@Contoh.id;3171044512850003;0001234567890;Jakarta Pusat;05/12/1985;pasien|vip;pelanggan",
  "Agus Wijaya;+62 813 9876 5432;agus@contoh.id;;;Bandung;1979-03-21;;prospek",
  '"Dewi ""Ayu"" Lestari";081298765001;;;;"Denpasar; Bali";;;',
];

type Preview = {
  staged: {
    id: string;
    mapping: Record<string, number | null>;
    counts: { total: number; ready: number; withErrors: number; existing: number };
    problems: { line: number; errors: { field: string; key: string; values?: Record<string, unknown> }[]; existing: { name: string; by: string } | null }[];
    mappingParams: [string, string][];
  } | null;
  expired: boolean;
};

async function upload(content: string | Uint8Array, cookie = manager.cookie, name = "kontak.csv") {
  const response = (await callWithBody(runtime, importPage.action, {
    path: "/staff/contacts/import",
    cookie,
    body: multipart({ intent: "upload" }, { name, content }),
  })) as Response | unknown;
  return response;
}

async function uploadAndPreview(content: string | Uint8Array) {
  const response = (await upload(content)) as Response;
  expect(response.status).toBe(302);
  const location = response.headers.get("Location")!;
  expect(location).toMatch(/^\/staff\/contacts\/import\?batch=[0-9a-f]{32}$/);
  const preview = unwrap(await callRoute(runtime, importPage.loader, { path: location, cookie: manager.cookie })).data as Preview;
  return { batch: new URL(location, "http://x").searchParams.get("batch")!, preview };
}

async function commit(batch: string, preview: Preview, extra: Record<string, string> = {}, cookie = manager.cookie) {
  const form: Record<string, string> = { intent: "import", batch, ...Object.fromEntries(preview.staged?.mappingParams ?? []), ...extra };
  return callRoute(runtime, importPage.action, { path: "/staff/contacts/import", cookie, form });
}

async function importedCount() {
  const [row] = await runtime.db.select({ n: sql<number>`count(*)::int` }).from(contacts).where(eq(contacts.source, "import"));
  return row.n;
}

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  manager = await createStaff(runtime, { roles: ["manager"] });
});
afterAll(() => app.close());

describe("contact import", () => {
  it("is refused to staff without core.contact.import", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    expect(unwrap(await callRoute(runtime, importPage.loader, { path: "/staff/contacts/import", cookie: agent.cookie })).status).toBe(403);
    expect(unwrap(await upload(`${header}\n${good[0]}`, agent.cookie)).status).toBe(403);
    expect(await importedCount()).toBe(0);
  });

  it("reads a semicolon file with a BOM, guesses the columns and previews without writing", async () => {
    const { preview } = await uploadAndPreview(`\uFEFF${header}\r\n${good.join("\r\n")}\r\n`);
    expect(preview.staged?.mapping).toMatchObject({ fullName: 0, phone: 1, email: 2, nik: 3, bpjs: 4, city: 5, birthDate: 6, tags: 7, lifecycleStage: 8, memberCard: null });
    expect(preview.staged?.counts).toEqual({ total: 3, ready: 3, withErrors: 0, existing: 0 });
    expect(await importedCount()).toBe(0);
  });

  it("shows every problem per row as a translated key, and a file with one bad row imports nothing", async () => {
    await createContact(runtime, { fullName: "Budi Santoso", email: "budi@contoh.id", phone: "+6281234567890" });
    const rows = [
      ...good,
      "Rina;12345;rina@contoh.id;;;;;;", // line 5: invalid phone
      "Joko Susilo;081377778888;;317104451285;;;;;", // 6: NIK not 16 digits
      "Made Wirawan;081377778889;;3.17104E+15;;;;;", // 7: NIK mangled by Excel
      "Siti Kembar;0812 3456 7801;;;;;;;", // 8: same phone as line 2
      "Budi S.;;BUDI@contoh.id;;;;;;", // 9: an existing contact's e-mail
      "Tono;081377778890;;;;;31/02/1990;;vip", // 10: no such date, unknown stage
      "Ani;;;;12345;;;;", // 11: BPJS not 13 digits
    ];
    const { batch, preview } = await uploadAndPreview(`${header}\n${rows.join("\n")}`);
    const byLine = new Map(preview.staged!.problems.map((p) => [p.line, p]));
    const keys = (line: number) => byLine.get(line)?.errors.map((e) => e.key);
    expect(keys(5)).toEqual(["import.errors.phone"]);
    expect(keys(6)).toEqual(["import.errors.nik"]);
    expect(keys(7)).toEqual(["import.errors.nikScientific"]);
    expect(byLine.get(8)?.errors).toEqual([{ field: "phone", key: "import.errors.duplicateInFile", values: { line: 2 } }]);
    expect(byLine.get(9)?.errors).toEqual([]);
    expect(byLine.get(9)?.existing).toMatchObject({ name: "Budi Santoso", by: "email" });
    expect(keys(10)).toEqual(["import.errors.birthDate", "import.errors.stage"]);
    expect(keys(11)).toEqual(["import.errors.bpjs"]);
    expect(preview.staged!.counts).toEqual({ total: 10, ready: 3, withErrors: 6, existing: 1 });

    // every key reads as a sentence in both languages
    for (const language of ["id", "en"] as const) {
      const t = fixedT(language, "staff");
      for (const problem of preview.staged!.problems) {
        for (const e of problem.errors) expect(t(e.key, e.values)).not.toContain("import.errors");
      }
    }

    const result = unwrap(await commit(batch, preview, { skipExisting: "on" }));
    expect(result.status).toBe(400);
    expect(result.data).toEqual({ error: "import.commit.errors.hasErrors" });
    expect(await importedCount()).toBe(0);
    expect(await runtime.db.select().from(contactIdentifiers)).toHaveLength(0);
  });

  it("imports a clean file in one go, with identifiers, tags and an audit entry", async () => {
    const { batch, preview } = await uploadAndPreview(`${header}\n${good.join("\n")}`);
    const response = (await commit(batch, preview)) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/staff/contacts/import?done=3&skipped=0");
    const imported = await runtime.db.select().from(contacts).where(eq(contacts.source, "import"));
    expect(imported).toHaveLength(3);
    const siti = imported.find((c) => c.fullName === "Siti Rahayu")!;
    expect(siti).toMatchObject({ phone: "+6281234567801", email: "siti.r@contoh.id", city: "Jakarta Pusat", birthDate: "1985-12-05", tags: ["pasien", "vip"], lifecycleStage: "customer", preferredChannel: "whatsapp" });
    expect(imported.find((c) => c.fullName === 'Dewi "Ayu" Lestari')).toMatchObject({ city: "Denpasar; Bali", lifecycleStage: "lead" });
    const ids = await runtime.db.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, siti.id));
    expect(ids.map((i) => `${i.system}:${i.value}`).sort()).toEqual(["bpjs:0001234567890", "nik:3171044512850003"]);
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "contact.imported"), eq(auditLog.actorUserId, manager.id)));
    expect(entry.data).toEqual({ fileName: "kontak.csv", rows: 3, imported: 3, skippedExisting: 0 });
    // the staged upload is gone: importing it twice is impossible
    expect(unwrap(await commit(batch, preview)).status).toBe(404);
    expect(await importedCount()).toBe(3);
  });

  it("stops on rows matching existing contacts unless told to skip them", async () => {
    const csv = `name,phone,email,nik\nSiti Rahayu,081234567801,,\nLina Kusuma,081355550000,lina@contoh.id,3273015507900001\n`;
    const { batch, preview } = await uploadAndPreview(csv);
    expect(preview.staged!.counts).toEqual({ total: 2, ready: 1, withErrors: 0, existing: 1 });
    expect(unwrap(await commit(batch, preview)).data).toEqual({ error: "import.commit.errors.hasExisting" });
    expect(await importedCount()).toBe(3);
    const response = (await commit(batch, preview, { skipExisting: "on" })) as Response;
    expect(response.headers.get("Location")).toBe("/staff/contacts/import?done=1&skipped=1");
    expect(await importedCount()).toBe(4);
  });

  it("finds an identifier that already exists, and a NIK already in the file", async () => {
    const csv = `nama;nik\nLina K;3273015507900001\nYudi;3273010101900002\nYudi Dua;3273010101900002\n`;
    const { preview } = await uploadAndPreview(csv);
    const byLine = new Map(preview.staged!.problems.map((p) => [p.line, p]));
    expect(byLine.get(2)?.existing).toMatchObject({ name: "Lina Kusuma", by: "nik" });
    expect(byLine.get(4)?.errors).toEqual([{ field: "nik", key: "import.errors.duplicateInFile", values: { line: 3 } }]);
  });

  it("keeps each upload to the person who made it", async () => {
    const { batch, preview } = await uploadAndPreview(`${header}\nRudi Hartono;081311112222;;;;;;;`);
    const other = await createStaff(runtime, { roles: ["manager"] });
    const seen = unwrap(await callRoute(runtime, importPage.loader, { path: `/staff/contacts/import?batch=${batch}`, cookie: other.cookie })).data as Preview;
    expect(seen).toMatchObject({ staged: null, expired: true });
    expect(unwrap(await commit(batch, preview, {}, other.cookie)).status).toBe(404);
    expect(await runtime.db.select().from(contacts).where(eq(contacts.fullName, "Rudi Hartono"))).toHaveLength(0);
  });

  it("refuses files that are too large, empty or not CSV", async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 10).fill(65);
    expect(unwrap(await upload(big)).status).toBe(413);
    expect(unwrap(await upload(`${header}\n`)).data).toMatchObject({ error: "import.upload.errors.noData" });
    const workbook = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);
    expect(unwrap(await upload(workbook, manager.cookie, "kontak.csv")).data).toMatchObject({ error: "import.upload.errors.notCsv" });
    const tooMany = [header, ...Array.from({ length: 20_001 }, (_, i) => `Orang ${i};;orang${i}@contoh.id;;;;;;`)].join("\n");
    expect(unwrap(await upload(tooMany)).data).toMatchObject({ error: "import.upload.errors.tooManyRows" });
  });

  it("reads an old Windows-1252 export", async () => {
    const latin = new Uint8Array([...Buffer.from("nama;email\nJos"), 0xe9, ...Buffer.from(" Ramos;jose@contoh.id\n")]);
    const { batch, preview } = await uploadAndPreview(latin);
    expect(preview.staged!.counts.ready).toBe(1);
    await commit(batch, preview);
    expect(await runtime.db.select().from(contacts).where(eq(contacts.fullName, "José Ramos"))).toHaveLength(1);
  });
});
