// Demo referrals (idempotent): incoming from Klinik Sehat and Puskesmas Menteng, outgoing to RSUD Depok.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { JobContext } from "../../app/plugin-api/index.ts";
import { contactIdentifiers, contacts, partnerOrganisations, users } from "../../app/plugin-api/schema.ts";
import { referralHistory, referrals } from "./schema.ts";

const cases = [
  { code: "KLN-SEHAT", dir: "incoming", status: "sent", icd: "E11.9", text: "Diabetes melitus tipe 2 tanpa komplikasi", reason: "Gula darah tidak terkontrol dengan metformin, mohon evaluasi dan penyesuaian terapi.", target: "Poli Penyakit Dalam", urgency: "routine", daysAgo: 4 },
  { code: "KLN-SEHAT", dir: "incoming", status: "accepted", icd: "J18.9", text: "Pneumonia, tidak spesifik", reason: "Demam 5 hari, sesak, ronki basah kanan bawah.", target: "Poli Penyakit Dalam", urgency: "urgent", daysAgo: 2 },
  { code: "PKM-MENTENG", dir: "incoming", status: "sent", icd: "K02.1", text: "Karies dentin", reason: "Nyeri gigi geraham bawah, perlu perawatan saluran akar.", target: "Poli Gigi", urgency: "routine", daysAgo: 1 },
  { code: "PKM-MENTENG", dir: "incoming", status: "back_referred", icd: "I10", text: "Hipertensi esensial", reason: "Tekanan darah 170/100 meski dua obat.", target: "Poli Penyakit Dalam", urgency: "routine", daysAgo: 20, summary: "Terapi diubah ke amlodipin 10 mg + candesartan 16 mg. Kontrol di puskesmas tiap bulan; rujuk kembali bila TD > 160/100." },
  { code: "KLN-SEHAT", dir: "incoming", status: "rejected", icd: "L70.0", text: "Akne vulgaris", reason: "Jerawat meradang.", target: "Poli Kulit", urgency: "routine", daysAgo: 9, rejection: "Poli Kulit belum tersedia di RS Nusa Medika; mohon rujuk ke RSUD Depok." },
  { code: "RSUD-DEPOK", dir: "outgoing", status: "sent", icd: "N18.5", text: "Penyakit ginjal kronik stadium 5", reason: "Perlu hemodialisis rutin; unit HD kami penuh.", target: "Unit Hemodialisis", urgency: "urgent", daysAgo: 3 },
  { code: "RSUD-DEPOK", dir: "outgoing", status: "draft", icd: "C50.9", text: "Neoplasma ganas payudara", reason: "Rencana kemoterapi lanjutan.", target: "Poli Onkologi", urgency: "routine", daysAgo: 0 },
] as const;

export async function seedReferrals(ctx: JobContext) {
  const { db } = ctx;
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(referrals);
  if (Number(existing?.n ?? 0) > 0) return;
  const orgs = await db.select({ id: partnerOrganisations.id, code: partnerOrganisations.code }).from(partnerOrganisations).where(inArray(partnerOrganisations.code, ["KLN-SEHAT", "PKM-MENTENG", "RSUD-DEPOK"]));
  if (orgs.length === 0) return;
  const orgByCode = new Map(orgs.map((o) => [o.code, o.id]));
  const patients = await db
    .select({ id: contacts.id, branchId: contacts.branchId })
    .from(contacts)
    .where(and(sql`'pasien' = any(${contacts.tags})`, sql`exists (select 1 from ${contactIdentifiers} i where i.contact_id = ${contacts.id} and i.system = 'nik')`))
    .orderBy(contacts.createdAt)
    .limit(cases.length + 1);
  const [budi] = await db.select({ id: contacts.id, branchId: contacts.branchId }).from(contacts).where(eq(contacts.email, "pasien@contoh.id"));
  const [doctor] = await db.select({ id: users.id }).from(users).where(and(eq(users.email, "dokter@nusa-crm.id"), eq(users.kind, "staff")));
  const [clinicUser] = await db.select({ id: users.id }).from(users).where(and(eq(users.email, "klinik@contoh.id"), eq(users.kind, "partner")));
  if (patients.length === 0) return;
  await db.transaction(async (tx) => {
    for (const [i, c] of cases.entries()) {
      const orgId = orgByCode.get(c.code);
      if (!orgId) continue;
      const patient = i === 0 && budi ? budi : patients[i % patients.length];
      const at = new Date(Date.now() - c.daysAgo * 86_400_000 - 3 * 3600_000);
      const [row] = await tx
        .insert(referrals)
        .values({
          direction: c.dir,
          status: c.status,
          contactId: patient.id,
          partnerOrgId: orgId,
          branchId: patient.branchId,
          doctorUserId: doctor?.id ?? null,
          createdByUserId: c.dir === "incoming" && c.code === "KLN-SEHAT" ? (clinicUser?.id ?? null) : (doctor?.id ?? null),
          reason: c.reason,
          icd10Code: c.icd,
          icd10Text: c.text,
          urgency: c.urgency,
          targetService: c.target,
          sentAt: c.status === "draft" ? null : at,
          decidedAt: ["accepted", "rejected", "back_referred"].includes(c.status) ? new Date(at.getTime() + 5 * 3600_000) : null,
          rejectionReason: "rejection" in c ? c.rejection : null,
          backReferralSummary: "summary" in c ? c.summary : null,
          backReferredAt: c.status === "back_referred" ? new Date(at.getTime() + 10 * 86_400_000) : null,
          createdAt: at,
          updatedAt: at,
        })
        .returning({ id: referrals.id });
      const steps = c.status === "back_referred" ? ["sent", "accepted", "back_referred"] : c.status === "draft" ? ["draft"] : c.status === "sent" ? ["sent"] : ["sent", c.status];
      await tx.insert(referralHistory).values(
        steps.map((status, n) => ({
          referralId: row.id,
          status: status as (typeof referralHistory.$inferInsert)["status"],
          actorKind: (n === 0 ? (c.dir === "incoming" ? "partner" : "staff") : c.dir === "incoming" ? "staff" : "partner") as "staff" | "partner",
          note: status === "rejected" && "rejection" in c ? c.rejection : status === "back_referred" && "summary" in c ? c.summary : null,
          at: new Date(at.getTime() + n * 5 * 3600_000),
        })),
      );
    }
  });
}
