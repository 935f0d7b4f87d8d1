// CSV export of any contact list or filter: streamed in keyset batches, UTF-8 with a BOM so Excel
// reads Indonesian names right, headers in the user's language, audited with the filter and count.
import { asc, inArray } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contactIdentifiers, contacts } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { formatDateTime, type TimeZone } from "../i18n/format.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor, Translate } from "../plugins/contract.ts";
import type { ContactFilter } from "./contact-forms.ts";
import { countContacts, searchContacts } from "./contact-search.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

const batchSize = 1000;

export const exportColumns = [
  "name",
  "phone",
  "email",
  "birthDate",
  "gender",
  "address",
  "city",
  "stage",
  "preferredChannel",
  "branch",
  "owner",
  "tags",
  "nik",
  "bpjs",
  "mrn",
  "memberCard",
  "posCustomer",
  "external",
  "blacklisted",
  "createdAt",
] as const;

const identifierColumn = { nik: "nik", bpjs: "bpjs", mrn: "mrn", member_card: "memberCard", pos_customer: "posCustomer", external: "external" } as const;

/** One CSV field: quoted when needed, and never read by a spreadsheet as a formula. */
export function csvField(value: string | null | undefined) {
  let text = value ?? "";
  // =, +, -, @ (and tab/CR) at the start make Excel run the cell as a formula; a phone number
  // such as +6281… is plain data and stays as it is
  if (/^[=+\-@\t\r]/.test(text) && !/^\+?\d[\d\s-]*$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (fields: (string | null | undefined)[]) => `${fields.map(csvField).join(",")}\r\n`;

async function detailsOf(db: Database, ids: string[]) {
  if (!ids.length) return { rows: new Map(), identifiers: new Map<string, Partial<Record<(typeof identifierColumn)[keyof typeof identifierColumn], string>>>() };
  const [rows, identifierRows] = await Promise.all([
    db
      .select({
        id: contacts.id,
        birthDate: contacts.birthDate,
        gender: contacts.gender,
        address: contacts.address,
        city: contacts.city,
        preferredChannel: contacts.preferredChannel,
      })
      .from(contacts)
      .where(inArray(contacts.id, ids)),
    db
      .select({ contactId: contactIdentifiers.contactId, system: contactIdentifiers.system, value: contactIdentifiers.value })
      .from(contactIdentifiers)
      .where(inArray(contactIdentifiers.contactId, ids))
      .orderBy(asc(contactIdentifiers.value)),
  ]);
  const identifiers = new Map<string, Partial<Record<(typeof identifierColumn)[keyof typeof identifierColumn], string>>>();
  for (const r of identifierRows) {
    const entry = identifiers.get(r.contactId) ?? {};
    const column = identifierColumn[r.system];
    entry[column] = entry[column] ? `${entry[column]}; ${r.value}` : r.value;
    identifiers.set(r.contactId, entry);
  }
  return { rows: new Map(rows.map((r) => [r.id, r])), identifiers };
}

/**
 * Starts an export: counts and audits it first (so even a download cut short is on record), then
 * returns a stream that reads the contacts batch by batch. The contacts are read from `readDb`
 * (the read replica, ADR 024) when given; the audit entry is written to `db`.
 */
export async function exportContacts(
  db: Database,
  actor: StaffActor,
  filter: ContactFilter,
  options: { t: Translate; language: Language; timeZone?: TimeZone; ip?: string | null; readDb?: Database },
): Promise<{ rows: number; stream: ReadableStream<Uint8Array> }> {
  const { t, language } = options;
  const read = options.readDb ?? db;
  const rows = await countContacts(read, filter);
  const recordedFilter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== ""));
  await audit(db, actor, { action: "contact.exported", entityType: "contact", data: { filter: recordedFilter, rows }, ip: options.ip ?? null });

  const encoder = new TextEncoder();
  let after: string | null | undefined;
  let started = false;
  let done = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(exportColumns.map((c) => t(`contacts.export.columns.${c}`)))}`));
        return;
      }
      if (done) {
        controller.close();
        return;
      }
      const page = await searchContacts(read, actor, { ...filter, after: after ?? undefined, limit: batchSize });
      const { rows: details, identifiers } = await detailsOf(
        read,
        page.contacts.map((c) => c.id),
      );
      let chunk = "";
      for (const c of page.contacts) {
        const d = details.get(c.id);
        const ids = identifiers.get(c.id) ?? {};
        chunk += csvLine([
          c.fullName,
          c.phone,
          c.email,
          d?.birthDate,
          d?.gender ? t(`contacts.genders.${d.gender}`) : "",
          d?.address,
          d?.city,
          t(`contacts.stages.${c.lifecycleStage}`),
          d ? t(`contacts.channels.${d.preferredChannel}`) : "",
          c.branchName,
          c.ownerName,
          c.tags.join(", "),
          ids.nik,
          ids.bpjs,
          ids.memberCard,
          ids.posCustomer,
          ids.external,
          c.blacklisted ? t("contacts.export.yes") : t("contacts.export.no"),
          formatDateTime(c.createdAt, language, options.timeZone),
        ]);
      }
      after = page.next;
      if (!page.next) done = true;
      if (chunk) controller.enqueue(encoder.encode(chunk));
      else controller.close();
    },
  });
  return { rows, stream };
}
