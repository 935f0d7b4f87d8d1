import { and, eq, inArray, sql } from "drizzle-orm";
import { hashPassword } from "../../app/core/auth/password.server.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { hashSecret } from "../../app/core/api-tokens/api-tokens.server.ts";
import { currentNoticeVersion } from "../../app/core/privacy/purposes.ts";
import { apiTokens, appSettings, branches, consentRecords, consents, contactIdentifiers, contacts, partnerOrganisations, roles, segments, userRoles, users } from "../schema/index.ts";

export const demoPassword = "nusa-demo-2026";
/** The read-only FHIR API token README.md lists (scope system/*.read). */
export const demoFhirToken = "nusa_fhir_demo_R4q7Vx2Lm9Tk5Wp3";

/** The demo accounts README.md lists; staff hold only the roles their job needs (the doctor's and cashier's come from their plugins). */
export const demoAccounts = {
  admin: { kind: "staff", email: "admin@nusa-crm.id", name: "Sari Wulandari", roles: ["admin"] },
  manager: { kind: "staff", email: "manajer@nusa-crm.id", name: "Bambang Setiawan", roles: ["manager"] },
  agent: { kind: "staff", email: "cs@nusa-crm.id", name: "Rina Marlina", roles: ["agent"] },
  marketing: { kind: "staff", email: "marketing@nusa-crm.id", name: "Yusuf Hidayat", roles: ["marketing"] },
  doctor: { kind: "staff", email: "dokter@nusa-crm.id", name: "dr. Andi Pratama, Sp.PD", roles: ["doctor"] },
  cashier: { kind: "staff", email: "kasir@nusa-crm.id", name: "Dewi Lestari", roles: ["cashier"] },
  patient: { kind: "customer", email: "pasien@contoh.id", name: "Budi Santoso" },
  shopper: { kind: "customer", email: "pelanggan@contoh.id", name: "Ani Yulianti" },
  clinic: { kind: "partner", email: "klinik@contoh.id", name: "Hendra Gunawan", org: "KLN-SEHAT" },
  supplier: { kind: "partner", email: "pemasok@contoh.id", name: "Lina Kusuma", org: "SUP-MAKMUR" },
} as const;

const branchRows = [
  { code: "RSNM-JKT", name: "RS Nusa Medika Jakarta", kind: "hospital", timeZone: "Asia/Jakarta", city: "Jakarta Pusat", address: "Jl. Salemba Raya No. 24", phone: "+62213905500" },
  { code: "RSNM-MKS", name: "RS Nusa Medika Makassar", kind: "hospital", timeZone: "Asia/Makassar", city: "Makassar", address: "Jl. Perintis Kemerdekaan Km. 11", phone: "+62411585001" },
  { code: "TRK-BDG", name: "Toko Rumah Kita Bandung", kind: "store", timeZone: "Asia/Jakarta", city: "Bandung", address: "Jl. Dago No. 112", phone: "+62222501800" },
  { code: "TRK-SBY", name: "Toko Rumah Kita Surabaya", kind: "store", timeZone: "Asia/Jakarta", city: "Surabaya", address: "Jl. Raya Darmo No. 57", phone: "+62315678900" },
  { code: "TRK-DPS", name: "Toko Rumah Kita Denpasar", kind: "store", timeZone: "Asia/Makassar", city: "Denpasar", address: "Jl. Teuku Umar No. 88", phone: "+62361223344" },
] as const;

const partnerRows = [
  { code: "KLN-SEHAT", name: "Klinik Sehat Sentosa", type: "clinic", city: "Jakarta Timur", email: "admin@kliniksehatsentosa.co.id", phone: "+62218564321" },
  { code: "PKM-MENTENG", name: "Puskesmas Menteng", type: "clinic", city: "Jakarta Pusat", email: "pkm.menteng@contoh.go.id", phone: "+62213140123" },
  { code: "RSUD-DEPOK", name: "RSUD Kota Depok", type: "hospital", city: "Depok", email: "rujukan@rsuddepok.contoh.id", phone: "+62217754321" },
  { code: "SUP-MAKMUR", name: "PT Sumber Makmur Abadi", type: "supplier", city: "Surabaya", email: "sales@sumbermakmur.co.id", phone: "+62317490011" },
  { code: "SUP-PLASINDO", name: "CV Plastik Indah Sejahtera", type: "supplier", city: "Tangerang", email: "order@plastikindah.co.id", phone: "+62215523300" },
  { code: "KORP-ARTA", name: "PT Arta Sejahtera Logistik", type: "corporate", city: "Jakarta Selatan", email: "hrd@artalogistik.co.id", phone: "+62217891234" },
] as const;

const firstNames = {
  female: ["Siti", "Dewi", "Ayu", "Putri", "Rina", "Wulan", "Fitri", "Indah", "Nur", "Ratna", "Yuni", "Maya", "Lestari", "Intan", "Citra"],
  male: ["Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Joko", "Rizky", "Wahyu", "Yoga", "Arif", "Dimas", "Teguh", "Irfan", "Bayu"],
};
const lastNames = ["Santoso", "Wijaya", "Saputra", "Hidayat", "Nugroho", "Kurniawan", "Pratama", "Susanto", "Siregar", "Nasution", "Simanjuntak", "Wibowo", "Halim", "Tanjung", "Lubis", "Rahmawati", "Purnomo", "Setiawan"];
const cities = [
  ["Jakarta Pusat", "Jl. Cikini Raya"],
  ["Jakarta Timur", "Jl. Pemuda"],
  ["Depok", "Jl. Margonda Raya"],
  ["Bandung", "Jl. Cihampelas"],
  ["Surabaya", "Jl. Mayjen Sungkono"],
  ["Makassar", "Jl. Pettarani"],
  ["Denpasar", "Jl. Gatot Subroto"],
] as const;

/** A small deterministic generator, so every fresh demo database looks the same. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function nik(rand: () => number, birth: Date, female: boolean) {
  const day = birth.getUTCDate() + (female ? 40 : 0);
  const dd = String(day).padStart(2, "0");
  const mm = String(birth.getUTCMonth() + 1).padStart(2, "0");
  const yy = String(birth.getUTCFullYear() % 100).padStart(2, "0");
  const district = String(1 + Math.floor(rand() * 9)).padStart(2, "0");
  const serial = String(1 + Math.floor(rand() * 9998)).padStart(4, "0");
  return `3171${district}${dd}${mm}${yy}${serial}`;
}

/**
 * Roles the demo doctor and cashier held before they got their own (`agent`), or none when their
 * plugin was not installed at the first start; such a database is upgraded once.
 */
const formerDemoRoles: Partial<Record<keyof typeof demoAccounts, string[][]>> = { doctor: [["agent"], []], cashier: [["agent"], []] };

/**
 * Gives the demo doctor and cashier their job's role in a demo database seeded when they held
 * `agent` (or nothing). Only when they still hold exactly that and their role exists (its plugin is installed), so
 * an admin's own choice for them stands and a second start changes nothing.
 */
async function upgradeDemoRoles(db: AppRuntime["db"]) {
  for (const [name, former] of Object.entries(formerDemoRoles)) {
    const account = demoAccounts[name as keyof typeof demoAccounts];
    if (!("roles" in account) || !former) continue;
    await db.transaction(async (tx) => {
      const [user] = await tx.select({ id: users.id }).from(users).where(and(eq(users.kind, "staff"), eq(users.email, account.email))).for("update");
      if (!user) return;
      const held = (await tx.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, user.id))).map((r) => r.roleId).sort();
      if (!former.some((roleIds) => roleIds.join() === held.join())) return;
      const existing = await tx.select({ id: roles.id }).from(roles).where(inArray(roles.id, [...account.roles]));
      if (existing.length !== account.roles.length) return;
      await tx.delete(userRoles).where(eq(userRoles.userId, user.id));
      await tx.insert(userRoles).values(account.roles.map((roleId) => ({ userId: user.id, roleId })));
    });
  }
}

/** Adds the demo data set once; later starts find it and change nothing (but upgrade the demo roles, see upgradeDemoRoles). */
export async function seedDemoData(runtime: Pick<AppRuntime, "db" | "registry" | "logger">): Promise<boolean> {
  const { db } = runtime;
  const [marker] = await db.select({ id: users.id }).from(users).where(and(eq(users.kind, "staff"), eq(users.email, demoAccounts.admin.email)));
  let seeded = false;
  if (!marker) {
    const passwordHash = await hashPassword(demoPassword);
    await db.transaction(async (tx) => {
      // the demo passwords are public, so the demo accounts do not have to enrol a second factor;
      // Settings → Security → "default rule" turns the requirement on (a real install starts with it on)
      await tx.insert(appSettings).values({ key: "security.mfa", value: { requiredRoles: [] } }).onConflictDoNothing();
      const insertedBranches = await tx.insert(branches).values([...branchRows]).returning({ id: branches.id, code: branches.code });
      const branchId = (code: string) => insertedBranches.find((b) => b.code === code)!.id;
      const insertedPartners = await tx.insert(partnerOrganisations).values([...partnerRows]).returning({ id: partnerOrganisations.id, code: partnerOrganisations.code });
      const partnerId = (code: string) => insertedPartners.find((p) => p.code === code)!.id;

      const rand = random(27_2022);
      const contactValues: (typeof contacts.$inferInsert)[] = [];
      const identifierValues: { index: number; system: "nik" | "bpjs" | "member_card"; value: string }[] = [];
      for (let i = 0; i < 80; i++) {
        const female = rand() < 0.55;
        const first = firstNames[female ? "female" : "male"][Math.floor(rand() * 15)];
        const last = lastNames[Math.floor(rand() * lastNames.length)];
        const [city, street] = cities[Math.floor(rand() * cities.length)];
        const hospital = i % 2 === 0;
        const birth = new Date(Date.UTC(1950 + Math.floor(rand() * 55), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)));
        const phone = `+628${["12", "13", "21", "52", "57", "77", "81", "95"][Math.floor(rand() * 8)]}${String(Math.floor(rand() * 1e8)).padStart(8, "0")}`;
        const branchCode = hospital ? (city === "Makassar" ? "RSNM-MKS" : "RSNM-JKT") : city === "Surabaya" ? "TRK-SBY" : city === "Denpasar" ? "TRK-DPS" : "TRK-BDG";
        const stages = ["lead", "prospect", "customer", "customer", "customer", "inactive"] as const;
        contactValues.push({
          fullName: `${first} ${last}`,
          email: rand() < 0.8 ? `${first}.${last}${i}`.toLowerCase() + "@contoh.id" : null,
          phone,
          birthDate: `${birth.getUTCFullYear()}-${String(birth.getUTCMonth() + 1).padStart(2, "0")}-${String(birth.getUTCDate()).padStart(2, "0")}`,
          gender: female ? "female" : "male",
          city,
          address: `${street} No. ${1 + Math.floor(rand() * 200)}`,
          branchId: branchId(branchCode),
          lifecycleStage: stages[Math.floor(rand() * stages.length)],
          preferredChannel: rand() < 0.75 ? "whatsapp" : "email",
          tags: hospital ? ["pasien"] : ["pelanggan"],
          createdAt: new Date(Date.now() - Math.floor(rand() * 400) * 86_400_000),
        });
        if (hospital) {
          identifierValues.push({ index: i, system: "nik", value: nik(rand, birth, female) });
          if (rand() < 0.7) identifierValues.push({ index: i, system: "bpjs", value: `000${String(Math.floor(rand() * 1e10)).padStart(10, "0")}` });
        } else {
          identifierValues.push({ index: i, system: "member_card", value: `RK${String(100000 + i * 37)}` });
        }
      }
      // the two demo customers
      contactValues.push(
        { fullName: demoAccounts.patient.name, email: demoAccounts.patient.email, phone: "+6281234567890", birthDate: "1984-07-12", gender: "male", city: "Jakarta Pusat", address: "Jl. Kramat Raya No. 45", branchId: branchId("RSNM-JKT"), lifecycleStage: "customer", tags: ["pasien"] },
        { fullName: demoAccounts.shopper.name, email: demoAccounts.shopper.email, phone: "+6285711223344", birthDate: "1991-02-03", gender: "female", city: "Bandung", address: "Jl. Riau No. 9", branchId: branchId("TRK-BDG"), lifecycleStage: "customer", tags: ["pelanggan"] },
      );
      const insertedContacts = await tx.insert(contacts).values(contactValues).returning({ id: contacts.id, email: contacts.email });
      const patientContact = insertedContacts.at(-2)!.id;
      const shopperContact = insertedContacts.at(-1)!.id;
      identifierValues.push(
        { index: insertedContacts.length - 2, system: "nik", value: "3171011207840003" },
        { index: insertedContacts.length - 2, system: "bpjs", value: "0001234567890" },
        { index: insertedContacts.length - 1, system: "member_card", value: "RK100999" },
      );
      await tx
        .insert(contactIdentifiers)
        .values(identifierValues.map((v) => ({ contactId: insertedContacts[v.index].id, system: v.system, value: v.value })))
        .onConflictDoNothing();
      // the demo customers stand for accounts that signed up, and sign-up records exactly this consent;
      // without it every confirmation and reminder to them would be skipped as no_consent
      await tx.insert(consents).values(
        [patientContact, shopperContact].map((contactId) => ({ contactId, purpose: "service_messages" as const, granted: true, source: "registration" as const })),
      );
      await tx.insert(consentRecords).values(
        [patientContact, shopperContact].map((contactId) => ({
          contactId,
          purpose: "service_messages",
          granted: true,
          noticeVersion: currentNoticeVersion,
          channel: "registration" as const,
          recordedByKind: "customer" as const,
        })),
      );

      for (const account of Object.values(demoAccounts)) {
        const [user] = await tx
          .insert(users)
          .values({
            kind: account.kind,
            email: account.email,
            name: account.name,
            passwordHash,
            emailVerifiedAt: new Date(),
            locale: "id",
            branchId: account.kind === "staff" ? (account.email.startsWith("kasir") ? branchId("TRK-BDG") : branchId("RSNM-JKT")) : null,
            contactId: account.kind === "customer" ? (account.email === demoAccounts.patient.email ? patientContact : shopperContact) : null,
            partnerOrgId: account.kind === "partner" ? partnerId(account.org) : null,
            // the demo clinic's and supplier's users manage their organisation's users
            partnerAdmin: account.kind === "partner",
          })
          .returning({ id: users.id });
        if ("roles" in account) {
          // a plugin's role (doctor, cashier) exists only while that plugin is installed
          const existing = (await tx.select({ id: roles.id }).from(roles).where(inArray(roles.id, [...account.roles]))).map((r) => r.id);
          if (existing.length) await tx.insert(userRoles).values(existing.map((roleId) => ({ userId: user.id, roleId })));
        }
      }
    });
    seeded = true;
  } else {
    await upgradeDemoRoles(db);
  }
  // outside the one-time block, so a demo database from before the FHIR API gets its token too
  await db
    .insert(apiTokens)
    .values({ name: "Demo FHIR / SATUSEHAT", secretHash: hashSecret(demoFhirToken), prefix: demoFhirToken.slice(0, 13), scopes: ["system/*.read"] })
    .onConflictDoNothing();
  // two demo segments (idempotent by their unique name); the first uses retail-loyalty's fields and
  // says so honestly on its page when that plugin is switched off
  await db
    .insert(segments)
    .values([
      {
        name: "Member Gold tidak belanja 90 hari",
        description: "Member Gold/Platinum yang terakhir belanja lebih dari 90 hari lalu.",
        rules: [
          { field: "retail-loyalty.tier", op: "in", values: ["gold", "platinum"] },
          { field: "retail-loyalty.lastPurchase", op: "moreThanDaysAgo", values: ["90"] },
        ],
      },
      {
        name: "Pelanggan Bandung lewat WhatsApp",
        description: null,
        rules: [
          { field: "core.city", op: "is", values: ["Bandung"] },
          { field: "core.tags", op: "hasAny", values: ["pelanggan"] },
          { field: "core.channel", op: "is", values: ["whatsapp"] },
        ],
      },
    ])
    .onConflictDoNothing();
  for (const plugin of runtime.registry.plugins) {
    if (plugin.server.seed) await plugin.server.seed({ db, logger: runtime.logger });
  }
  // on first seeding, about two in three demo contacts (plugins' too) agreed to marketing (for segments and campaigns)
  if (seeded) {
    await db.execute(sql`insert into consents (contact_id, purpose, granted, source)
      select id, 'marketing', true, 'import' from contacts where abs(hashtext(id::text || 'marketing')) % 3 <> 0
      on conflict do nothing`);
  }
  return seeded;
}
