// CSV import of contacts in three steps: upload (parsed and staged server-side), preview (every
// row checked, nothing written), import (checked again and written in ONE transaction: all rows
// or none). See docs/decisions for why the upload is staged in app_settings.
import crypto from "node:crypto";
import { uniqueViolation } from "../../../db/errors.ts";
import { parse } from "csv-parse/sync";
import { and, eq, inArray, isNull, like, lt, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { appSettings, contactIdentifiers, contacts, type identifierSystems, type lifecycleStages } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { normalizePhone } from "../i18n/phone.ts";
import type { Actor } from "../plugins/contract.ts";
import { z } from "../validation/validation.ts";
import { importTargets, maxImportRows, stagedImportHours, type ImportMapping } from "./contact-import.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
type Stage = (typeof lifecycleStages)[number];
type IdentifierSystem = (typeof identifierSystems)[number];

// ---- reading the file ------------------------------------------------------------------------

export type ParseError = "empty" | "unreadable" | "tooManyRows" | "noData";
export interface ParsedCsv {
  headers: string[];
  rows: { line: number; cells: string[] }[];
  delimiter: string;
}

/** UTF-8 (with or without BOM); an old Excel "CSV" in Windows-1252 is read as such. */
function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** The separator of the header line: Indonesian Excel writes ";", most tools ",". */
function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const counts = new Map<string, number>([[",", 0], [";", 0], ["\t", 0]]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ",";
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

export function parseContactCsv(bytes: Uint8Array): { ok: true; csv: ParsedCsv } | { ok: false; error: ParseError } {
  const text = decode(bytes).replace(/^\uFEFF/, "");
  if (!text.trim()) return { ok: false, error: "empty" };
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // with info: true each record comes as { record, info } (the typings only know plain rows)
    records = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof records;
  } catch {
    return { ok: false, error: "unreadable" };
  }
  const [header, ...body] = records;
  if (!header) return { ok: false, error: "empty" };
  const rows = body.filter((r) => r.record.some((c) => c !== "")).map((r) => ({ line: r.info.lines, cells: r.record }));
  if (!rows.length) return { ok: false, error: "noData" };
  if (rows.length > maxImportRows) return { ok: false, error: "tooManyRows" };
  return { ok: true, csv: { headers: header.record.map((h, i) => h || `#${i + 1}`), rows, delimiter } };
}

// ---- staging between preview and import -------------------------------------------------------

const stagedPrefix = "import.contacts.";

interface StagedImport extends ParsedCsv {
  createdBy: string;
  createdAt: string;
  fileName: string;
}

/** Keeps a parsed upload server-side until it is imported or discarded; returns its random id. */
export async function stageImport(db: Database, actor: StaffActor, input: { fileName: string; csv: ParsedCsv }) {
  const id = crypto.randomBytes(16).toString("hex");
  const value: StagedImport = { ...input.csv, fileName: input.fileName.slice(0, 200), createdBy: actor.userId, createdAt: new Date().toISOString() };
  await db.transaction(async (tx) => {
    // uploads nobody confirmed are not kept for ever
    const cutoff = new Date(Date.now() - stagedImportHours * 3600_000);
    await tx.delete(appSettings).where(and(like(appSettings.key, `${stagedPrefix}%`), lt(appSettings.updatedAt, cutoff)));
    await tx.insert(appSettings).values({ key: stagedPrefix + id, value: value as unknown as Record<string, unknown>, updatedBy: actor.userId });
  });
  return id;
}

/** The staged upload, only for the staff member who uploaded it and only while it is fresh. */
export async function loadStagedImport(db: Database, actor: StaffActor, id: string): Promise<(StagedImport & { id: string }) | null> {
  if (!/^[0-9a-f]{32}$/.test(id)) return null;
  const [row] = await db.select({ value: appSettings.value, updatedAt: appSettings.updatedAt }).from(appSettings).where(eq(appSettings.key, stagedPrefix + id));
  if (!row) return null;
  const staged = row.value as unknown as StagedImport;
  if (staged.createdBy !== actor.userId) return null;
  if (row.updatedAt.getTime() < Date.now() - stagedImportHours * 3600_000) return null;
  return { ...staged, id };
}

export async function discardStagedImport(db: Database, actor: StaffActor, id: string) {
  const staged = await loadStagedImport(db, actor, id);
  if (staged) await db.delete(appSettings).where(eq(appSettings.key, stagedPrefix + id));
}

// ---- checking rows ---------------------------------------------------------------------------

export interface RowIssue {
  field: (typeof importTargets)[number] | "row";
  /** i18n key in `staff` (import.errors.*). */
  key: string;
  values?: Record<string, string | number>;
}

export interface ImportRowValues {
  fullName: string;
  phone: string | null;
  email: string | null;
  nik: string | null;
  bpjs: string | null;
  memberCard: string | null;
  city: string | null;
  birthDate: string | null;
  tags: string[];
  lifecycleStage: Stage;
}

export interface PreviewRow {
  line: number;
  values: ImportRowValues;
  /** Problems that stop the import until the file is fixed. */
  errors: RowIssue[];
  /** An existing contact with the same phone, e-mail or identifier. */
  existing: { contactId: string; name: string; by: "phone" | "email" | "nik" | "bpjs" | "memberCard" } | null;
}

const stageWords: Record<string, Stage> = {
  lead: "lead",
  calon: "lead",
  prospect: "prospect",
  prospek: "prospect",
  customer: "customer",
  pelanggan: "customer",
  pasien: "customer",
  inactive: "inactive",
  tidakaktif: "inactive",
  nonaktif: "inactive",
};

const emailSchema = z.string().email().max(254);

function parseBirthDate(raw: string): string | null | "invalid" {
  if (!raw) return null;
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(raw))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return "invalid";
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return "invalid";
  if (y < 1900 || date.getTime() > Date.now()) return "invalid";
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** One row on its own: values normalised (E.164 phone, lower-case e-mail) and its field errors. */
export function checkRow(cells: string[], mapping: ImportMapping): { values: ImportRowValues; errors: RowIssue[] } {
  const cell = (target: (typeof importTargets)[number]) => {
    const index = mapping[target];
    return index === null ? "" : (cells[index] ?? "").trim();
  };
  const errors: RowIssue[] = [];
  const fullName = cell("fullName").replace(/\s+/g, " ");
  if (fullName.length < 2) errors.push({ field: "fullName", key: "import.errors.name" });
  else if (fullName.length > 120) errors.push({ field: "fullName", key: "import.errors.nameTooLong" });

  const rawPhone = cell("phone");
  const phone = rawPhone ? normalizePhone(rawPhone) : null;
  if (rawPhone && !phone) errors.push({ field: "phone", key: "import.errors.phone", values: { value: rawPhone } });

  const rawEmail = cell("email").toLowerCase();
  const email = rawEmail && emailSchema.safeParse(rawEmail).success ? rawEmail : null;
  if (rawEmail && !email) errors.push({ field: "email", key: "import.errors.email", values: { value: rawEmail } });

  const rawNik = cell("nik").replace(/[\s.-]/g, "");
  let nik: string | null = null;
  if (rawNik) {
    // Excel turns a 16-digit NIK into 3,17E+15 unless the column is formatted as text
    if (/^\d+([.,]\d+)?E\+?\d+$/i.test(cell("nik"))) errors.push({ field: "nik", key: "import.errors.nikScientific" });
    else if (!/^\d{16}$/.test(rawNik)) errors.push({ field: "nik", key: "import.errors.nik", values: { value: cell("nik") } });
    else nik = rawNik;
  }

  const rawBpjs = cell("bpjs").replace(/[\s.-]/g, "");
  let bpjs: string | null = null;
  if (rawBpjs) {
    if (!/^\d{13}$/.test(rawBpjs)) errors.push({ field: "bpjs", key: "import.errors.bpjs", values: { value: cell("bpjs") } });
    else bpjs = rawBpjs;
  }

  const memberCard = cell("memberCard").replace(/\s+/g, "") || null;
  if (memberCard && memberCard.length > 40) errors.push({ field: "memberCard", key: "import.errors.memberCard" });

  const city = cell("city") || null;
  if (city && city.length > 100) errors.push({ field: "city", key: "import.errors.city" });

  const birth = parseBirthDate(cell("birthDate"));
  if (birth === "invalid") errors.push({ field: "birthDate", key: "import.errors.birthDate", values: { value: cell("birthDate") } });

  const tags = [...new Set(cell("tags").split(/[|,;]/).map((t) => t.trim()).filter(Boolean))];
  if (tags.length > 20 || tags.some((t) => t.length > 40)) errors.push({ field: "tags", key: "import.errors.tags" });

  const rawStage = cell("lifecycleStage");
  const stage = rawStage ? stageWords[rawStage.toLowerCase().replace(/[\s_-]/g, "")] : "lead";
  if (!stage) errors.push({ field: "lifecycleStage", key: "import.errors.stage", values: { value: rawStage } });

  if (!rawPhone && !rawEmail && !rawNik && !rawBpjs && !memberCard) errors.push({ field: "row", key: "import.errors.noContactData" });

  return {
    values: {
      fullName,
      phone,
      email,
      nik,
      bpjs,
      memberCard,
      city,
      birthDate: birth === "invalid" ? null : birth,
      tags,
      lifecycleStage: stage ?? "lead",
    },
    errors,
  };
}

const identifierOf = { nik: "nik", bpjs: "bpjs", memberCard: "member_card" } as const satisfies Record<string, IdentifierSystem>;
type KeyKind = "phone" | "email" | keyof typeof identifierOf;
const keyKinds: KeyKind[] = ["phone", "email", "nik", "bpjs", "memberCard"];

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Existing (not merged) contacts holding any of these phones, e-mails or identifiers. */
async function findExisting(db: Database, rows: ImportRowValues[]) {
  const found = new Map<string, { contactId: string; name: string }>(); // "<kind>:<value>" -> contact
  const phones = [...new Set(rows.map((r) => r.phone).filter((v): v is string => Boolean(v)))];
  const emails = [...new Set(rows.map((r) => r.email).filter((v): v is string => Boolean(v)))];
  for (const part of chunks(phones, 1000)) {
    const hits = await db
      .select({ id: contacts.id, name: contacts.fullName, phone: contacts.phone })
      .from(contacts)
      .where(and(inArray(contacts.phone, part), isNull(contacts.mergedIntoId)));
    for (const h of hits) found.set(`phone:${h.phone}`, { contactId: h.id, name: h.name });
  }
  for (const part of chunks(emails, 1000)) {
    const hits = await db
      .select({ id: contacts.id, name: contacts.fullName, email: sql<string>`lower(${contacts.email})` })
      .from(contacts)
      .where(and(inArray(sql`lower(${contacts.email})`, part), isNull(contacts.mergedIntoId)));
    for (const h of hits) found.set(`email:${h.email}`, { contactId: h.id, name: h.name });
  }
  for (const kind of ["nik", "bpjs", "memberCard"] as const) {
    const values = [...new Set(rows.map((r) => r[kind]).filter((v): v is string => Boolean(v)))];
    for (const part of chunks(values, 1000)) {
      const hits = await db
        .select({ id: contacts.id, name: contacts.fullName, value: contactIdentifiers.value })
        .from(contactIdentifiers)
        .innerJoin(contacts, eq(contacts.id, contactIdentifiers.contactId))
        .where(and(eq(contactIdentifiers.system, identifierOf[kind]), inArray(contactIdentifiers.value, part)));
      for (const h of hits) found.set(`${kind}:${h.value}`, { contactId: h.id, name: h.name });
    }
  }
  return found;
}

export interface ImportPreview {
  rows: PreviewRow[];
  counts: { total: number; ready: number; withErrors: number; existing: number };
}

/** Checks every row against the others and against the database; writes nothing. */
export async function previewImport(db: Database, csv: Pick<ParsedCsv, "rows">, mapping: ImportMapping): Promise<ImportPreview> {
  const checked = csv.rows.map((r) => ({ line: r.line, ...checkRow(r.cells, mapping) }));
  const firstLine = new Map<string, number>();
  for (const row of checked) {
    for (const kind of keyKinds) {
      const value = row.values[kind];
      if (!value) continue;
      const key = `${kind}:${value}`;
      const first = firstLine.get(key);
      if (first === undefined) firstLine.set(key, row.line);
      else row.errors.push({ field: kind === "memberCard" ? "memberCard" : kind, key: "import.errors.duplicateInFile", values: { line: first } });
    }
  }
  const existing = await findExisting(db, checked.map((r) => r.values));
  const rows: PreviewRow[] = checked.map((row) => {
    let match: PreviewRow["existing"] = null;
    for (const kind of keyKinds) {
      const value = row.values[kind];
      const hit = value ? existing.get(`${kind}:${value}`) : undefined;
      if (hit) {
        match = { ...hit, by: kind };
        break;
      }
    }
    return { line: row.line, values: row.values, errors: row.errors, existing: match };
  });
  const withErrors = rows.filter((r) => r.errors.length).length;
  const existingCount = rows.filter((r) => !r.errors.length && r.existing).length;
  return { rows, counts: { total: rows.length, ready: rows.length - withErrors - existingCount, withErrors, existing: existingCount } };
}

export type CommitResult =
  | { ok: true; imported: number; skippedExisting: number }
  | { ok: false; error: "notFound" | "hasErrors" | "hasExisting" | "nothingToImport" | "conflict" };

/**
 * Imports a staged upload in one transaction: every row is checked again inside it, and a single
 * row with an error (or, unless skipped, matching an existing contact) imports nothing at all.
 */
export async function commitImport(
  db: Database,
  actor: StaffActor,
  input: { id: string; mapping: ImportMapping; skipExisting: boolean },
): Promise<CommitResult> {
  const staged = await loadStagedImport(db, actor, input.id);
  if (!staged) return { ok: false, error: "notFound" };
  try {
    return await db.transaction(async (tx) => {
      const preview = await previewImport(tx, staged, input.mapping);
      if (preview.counts.withErrors > 0) return { ok: false as const, error: "hasErrors" as const };
      if (preview.counts.existing > 0 && !input.skipExisting) return { ok: false as const, error: "hasExisting" as const };
      const toImport = preview.rows.filter((r) => !r.existing);
      if (!toImport.length) return { ok: false as const, error: "nothingToImport" as const };
      for (const part of chunks(toImport, 500)) {
        const inserted = await tx
          .insert(contacts)
          .values(
            part.map(({ values: v }) => ({
              fullName: v.fullName,
              phone: v.phone,
              email: v.email,
              city: v.city,
              birthDate: v.birthDate,
              tags: v.tags,
              lifecycleStage: v.lifecycleStage,
              preferredChannel: v.phone ? ("whatsapp" as const) : ("email" as const),
              source: "import" as const,
            })),
          )
          .returning({ id: contacts.id });
        const identifiers = part.flatMap((row, i) =>
          (["nik", "bpjs", "memberCard"] as const).flatMap((kind) =>
            row.values[kind] ? [{ contactId: inserted[i].id, system: identifierOf[kind], value: row.values[kind]! }] : [],
          ),
        );
        if (identifiers.length) await tx.insert(contactIdentifiers).values(identifiers);
      }
      const skippedExisting = preview.rows.length - toImport.length;
      await audit(tx, actor, {
        action: "contact.imported",
        entityType: "contact",
        data: { fileName: staged.fileName, rows: preview.rows.length, imported: toImport.length, skippedExisting },
      });
      await tx.delete(appSettings).where(eq(appSettings.key, stagedPrefix + staged.id));
      return { ok: true as const, imported: toImport.length, skippedExisting };
    });
  } catch (error) {
    // someone saved the same phone or identifier between our check and our insert
    if (uniqueViolation(error)) {
      return { ok: false, error: "conflict" };
    }
    throw error;
  }
}
