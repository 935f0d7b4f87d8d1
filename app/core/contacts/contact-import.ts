// CSV import of contacts: what a file may hold and how its columns map to contact fields.
// Client-safe: the preview page renders the mapping form from these lists.

export const importTargets = ["fullName", "phone", "email", "nik", "bpjs", "memberCard", "city", "birthDate", "tags", "lifecycleStage"] as const;
export type ImportTarget = (typeof importTargets)[number];

export const maxImportBytes = 5 * 1024 * 1024;
export const maxImportRows = 20_000;
/** A staged upload waits this long for its confirmation. */
export const stagedImportHours = 24;

/** Column -> index in the file's header, or null when the column is not imported. */
export type ImportMapping = Record<ImportTarget, number | null>;

/** How people label these columns in Indonesian and English spreadsheets (compared lower-case, without spaces, dots, dashes or underscores). */
const aliases: Record<ImportTarget, string[]> = {
  fullName: ["nama", "namalengkap", "name", "fullname", "namapasien", "namapelanggan", "customername", "patientname"],
  phone: ["ponsel", "nohp", "nomorhp", "hp", "telepon", "telp", "notelp", "nomortelepon", "phone", "mobile", "whatsapp", "wa", "nowa", "phonenumber"],
  email: ["email", "surel", "alamatemail", "emailaddress"],
  nik: ["nik", "noktp", "ktp", "nomorindukkependudukan"],
  bpjs: ["bpjs", "nobpjs", "nomorbpjs", "nokartubpjs", "bpjsnumber"],
  memberCard: ["kartumember", "nomember", "member", "memberid", "membercard", "kartuanggota", "noanggota"],
  city: ["kota", "kabupatenkota", "kotakabupaten", "city"],
  birthDate: ["tanggallahir", "tgllahir", "lahir", "birthdate", "dateofbirth", "dob", "birthday"],
  tags: ["tag", "tags", "label", "labels", "kelompok"],
  lifecycleStage: ["tahap", "status", "stage", "lifecyclestage", "tahappelanggan"],
};

function squash(header: string) {
  return header.toLowerCase().replace(/[\s._\-/()]/g, "");
}

/** A first guess from the header row; the user can change it before importing. */
export function guessMapping(headers: string[]): ImportMapping {
  const squashed = headers.map(squash);
  const taken = new Set<number>();
  const mapping = {} as ImportMapping;
  for (const target of importTargets) {
    const index = squashed.findIndex((h, i) => !taken.has(i) && aliases[target].includes(h));
    mapping[target] = index >= 0 ? index : null;
    if (index >= 0) taken.add(index);
  }
  return mapping;
}

/** Reads `map.<target>=<column index>` pairs (URL or form); anything else means "not imported". */
export function mappingFromParams(params: URLSearchParams | FormData, columnCount: number): ImportMapping | null {
  let any = false;
  const mapping = {} as ImportMapping;
  for (const target of importTargets) {
    const raw = params.get(`map.${target}`);
    if (raw !== null) any = true;
    const n = raw === null || raw === "" ? NaN : Number(raw);
    mapping[target] = Number.isInteger(n) && n >= 0 && n < columnCount ? n : null;
  }
  return any ? mapping : null;
}

export function mappingToParams(mapping: ImportMapping): [string, string][] {
  return importTargets.map((target) => [`map.${target}`, mapping[target] === null ? "" : String(mapping[target])]);
}
