// The benchmark's own data set, generated inside the database (generate_series, INSERT … SELECT):
// contacts with realistic Indonesian names, phones and identifiers, and their interactions.
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../db/client.ts";

const femaleFirst = [
  "Siti", "Dewi", "Ayu", "Putri", "Rina", "Wulan", "Fitri", "Indah", "Nur", "Ratna", "Yuni", "Maya", "Lestari", "Intan", "Citra",
  "Sri", "Nurul", "Dian", "Eka", "Ika", "Novi", "Rini", "Sari", "Tika", "Wati", "Yanti", "Desi", "Erna", "Fauziah", "Hana",
  "Kartika", "Lina", "Mega", "Nia", "Rahma", "Ririn", "Santi", "Tari", "Vivi", "Zahra",
];
const maleFirst = [
  "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Joko", "Rizky", "Wahyu", "Yoga", "Arif", "Dimas", "Teguh", "Irfan", "Bayu",
  "Ahmad", "Andi", "Bambang", "Dani", "Fikri", "Gilang", "Hadi", "Imam", "Kurnia", "Lukman", "Muhammad", "Nanda", "Oki", "Putra", "Rudi",
  "Slamet", "Taufik", "Umar", "Yusuf", "Zainal", "Adi", "Bagus", "Doni", "Galih", "Hari",
];
const middle = [
  "Dwi", "Tri", "Sri", "Nur", "Eka", "Ayu", "Putra", "Putri", "Indah", "Budi", "Adi", "Kusuma", "Wahyu", "Dian", "Ratna",
  "Aji", "Bima", "Cahya", "Dewa", "Gita", "Hari", "Jaya", "Kirana", "Laksmi", "Mulia", "Nanda", "Permata", "Sinta", "Tirta", "Wira",
];
const last = [
  "Santoso", "Wijaya", "Saputra", "Hidayat", "Nugroho", "Kurniawan", "Pratama", "Susanto", "Siregar", "Nasution", "Simanjuntak",
  "Wibowo", "Halim", "Tanjung", "Lubis", "Rahmawati", "Purnomo", "Setiawan", "Rahayu", "Lestari", "Gunawan", "Hartono", "Sutanto",
  "Harahap", "Pane", "Sitompul", "Manurung", "Hutapea", "Pangaribuan", "Sinaga", "Tambunan", "Ginting", "Sembiring", "Tarigan",
  "Pohan", "Daulay", "Rangkuti", "Batubara", "Syahputra", "Maulana", "Firmansyah", "Ramadhan", "Permana", "Suryadi", "Wahyudi",
  "Prasetyo", "Budiman", "Suharto", "Kusnadi", "Hakim",
];
const cities = ["Jakarta Pusat", "Jakarta Timur", "Depok", "Bandung", "Surabaya", "Makassar", "Denpasar", "Medan", "Semarang", "Yogyakarta"];
const subjects = [
  "Tanya jadwal dokter",
  "Konfirmasi janji temu",
  "Keluhan antrean di poli",
  "Info promo akhir bulan",
  "Pengingat kontrol",
  "Pembelian di kasir",
  "Tanya status klaim BPJS",
  "Minta hasil laboratorium",
  "Penukaran poin",
  "Ucapan terima kasih",
];

const textArray = (values: string[]) => sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]::text[]`);

export interface BenchData {
  contacts: number;
  interactions: number;
  /** Contact with a long history (deep timeline pages). */
  heavyContactId: string;
  heavyInteractions: number;
}

/**
 * Seeds `contacts` contacts (every one with a NIK, half with a BPJS number, a third with a member
 * card) and `contacts × perContact + heavy` interactions.
 */
export async function seedBenchData(
  handle: DatabaseHandle,
  options: { contacts: number; perContact: number; heavy: number; log: (message: string) => void },
): Promise<BenchData> {
  const { db } = handle;
  const run = (query: ReturnType<typeof sql>) => db.execute(query);
  await run(sql`insert into branches (code, name, kind, time_zone) values
    ('RSNM-JKT', 'RS Nusa Medika Jakarta', 'hospital', 'Asia/Jakarta'),
    ('RSNM-MKS', 'RS Nusa Medika Makassar', 'hospital', 'Asia/Makassar'),
    ('TRK-BDG', 'Toko Rumah Kita Bandung', 'store', 'Asia/Jakarta'),
    ('TRK-SBY', 'Toko Rumah Kita Surabaya', 'store', 'Asia/Jakarta'),
    ('TRK-DPS', 'Toko Rumah Kita Denpasar', 'store', 'Asia/Makassar')`);
  await run(sql`insert into users (kind, email, name, email_verified_at)
    select 'staff', 'staf' || g || '@nusa-crm.id', 'Staf ' || g, now() from generate_series(1, 20) g`);
  // numbered look-ups, so generated rows can pick "the k-th branch / staff member / contact"
  await run(sql`create table bench_branches as select row_number() over (order by code) - 1 as n, id from branches`);
  await run(sql`create table bench_staff as select row_number() over (order by email) - 1 as n, id from users where kind = 'staff'`);

  const chunk = 25_000;
  for (let start = 1; start <= options.contacts; start += chunk) {
    const end = Math.min(start + chunk - 1, options.contacts);
    await run(sql`insert into contacts (full_name, email, phone, birth_date, gender, city, lifecycle_stage, branch_id, owner_id, tags, preferred_channel, source, created_at, updated_at)
      select
        case when female then (${textArray(femaleFirst)})[(1 + h1 % ${sql.raw(String(femaleFirst.length))})::int] else (${textArray(maleFirst)})[(1 + h1 % ${sql.raw(String(maleFirst.length))})::int] end
          || case when h2 % 3 = 0 then ' ' || (${textArray(middle)})[(1 + (h2 / 3) % ${sql.raw(String(middle.length))})::int] else '' end
          || ' ' || (${textArray(last)})[(1 + h3 % ${sql.raw(String(last.length))})::int],
        case when g % 5 <> 0 then 'kontak' || g || '@contoh.id' end,
        '+628' || (array['12','13','21','52','57','77','81','95'])[(1 + g % 8)::int] || lpad(((g * 7919) % 100000000)::text, 8, '0'),
        date '1950-01-01' + ((g * 7919) % 20000)::int,
        case when female then 'female' else 'male' end,
        (${textArray(cities)})[(1 + g % ${sql.raw(String(cities.length))})::int],
        (array['lead','prospect','customer','customer','customer','inactive'])[(1 + (g * 31) % 6)::int],
        (select id from bench_branches where n = g % 5),
        case when g % 4 = 0 then (select id from bench_staff where n = g % 20) end,
        case when g % 2 = 0 then array['pasien'] else array['pelanggan'] end || case when g % 50 = 0 then array['vip'] else array[]::text[] end,
        case when g % 4 = 0 then 'email' else 'whatsapp' end,
        'seed',
        now() - ((g * 7919) % 1095) * interval '1 day' - (g % 86400) * interval '1 second',
        now()
      from (
        select g::bigint as g, (hashint4(g)::bigint + 2147483648) % 100 < 55 as female,
          -- independent hashes: names combine freely, and every run builds the same data set
          (hashint4(g + 1000000)::bigint + 2147483648) as h1,
          (hashint4(g + 2000000)::bigint + 2147483648) as h2,
          (hashint4(g + 3000000)::bigint + 2147483648) as h3
        from generate_series(${start}::int, ${end}::int) g) s`);
    options.log(`contacts ${end}/${options.contacts}`);
  }
  // the contact the benchmark looks for by a misspelt name
  await run(sql`update contacts set full_name = 'Siti Rahayu' where email = 'kontak1@contoh.id'`);
  await run(sql`create table bench_contacts as select row_number() over (order by created_at, id) as n, id from contacts`);
  await run(sql`alter table bench_contacts add primary key (n)`);

  await run(sql`insert into contact_identifiers (contact_id, system, value)
    select id, 'nik', '3' || lpad(((n::bigint * 99991) % 1000000000000000)::text, 15, '0') from bench_contacts`);
  await run(sql`insert into contact_identifiers (contact_id, system, value)
    select id, 'bpjs', '0001' || lpad(((n::bigint * 7919) % 1000000000)::text, 9, '0') from bench_contacts where n % 2 = 0`);
  await run(sql`insert into contact_identifiers (contact_id, system, value)
    select id, 'member_card', 'RK' || (100000 + n) from bench_contacts where n % 3 = 0`);
  options.log("identifiers");

  const subjectArray = textArray(subjects);
  for (let start = 1; start <= options.contacts; start += chunk) {
    const end = Math.min(start + chunk - 1, options.contacts);
    await run(sql`insert into interactions (contact_id, channel, direction, subject, body, occurred_at, staff_user_id, branch_id)
      select c.id,
        (array['call','visit','whatsapp','email','note','whatsapp','visit','call','portal'])[(1 + (c.n + k) % 9)::int],
        (array['inbound','outbound','internal'])[(1 + (c.n * k) % 3)::int],
        (${subjectArray})[(1 + (c.n * 7 + k) % ${sql.raw(String(subjects.length))})::int],
        case when k % 3 = 0 then 'Catatan singkat dari petugas untuk interaksi ke-' || k end,
        now() - ((c.n * 31 + k * 977) % 1000)::int * interval '1 day' - k * interval '1 hour',
        (select id from bench_staff where n = (c.n + k) % 20),
        (select id from bench_branches where n = c.n % 5)
      from bench_contacts c cross join generate_series(1, ${options.perContact}::int) k
      where c.n between ${start} and ${end}`);
    options.log(`interactions for contacts ${end}/${options.contacts}`);
  }
  const [heavy] = await handle.rows<{ id: string }>(sql`select id from contacts where email = 'kontak1@contoh.id'`);
  for (let start = 1; start <= options.heavy; start += 50_000) {
    const end = Math.min(start + 50_000 - 1, options.heavy);
    await run(sql`insert into interactions (contact_id, channel, direction, subject, occurred_at, staff_user_id)
      select ${heavy.id}::uuid,
        (array['call','visit','whatsapp','email','note'])[1 + k % 5],
        (array['inbound','outbound'])[1 + k % 2],
        (${subjectArray})[(1 + k % ${sql.raw(String(subjects.length))})::int],
        now() - k * interval '7 minutes',
        (select id from bench_staff where n = k % 20)
      from generate_series(${start}::int, ${end}::int) k`);
  }
  // open work and answers for the 360 page
  await run(sql`insert into tasks (title, contact_id, assignee_id, created_by, due_at, priority)
    select 'Telepon balik pasien', c.id, (select id from bench_staff where n = c.n % 20), (select id from bench_staff where n = 0),
      now() + (c.n % 10 - 3) * interval '1 day', 'normal'
    from bench_contacts c where c.n % 10 = 0`);
  await run(sql`insert into tickets (contact_id, channel, category, subject, sla_due_at)
    select c.id, 'phone', 'complaint', 'Keluhan pelayanan', now() + interval '1 day' from bench_contacts c where c.n % 20 = 0`);
  await run(sql`insert into surveys (contact_id, source_type, source_id, token_hash, expires_at, answered_at, rating)
    select c.id, 'ticket', c.id::text, md5(c.id::text), now() + interval '7 days', now() - interval '1 day', 'good'
    from bench_contacts c where c.n % 25 = 0`);
  await run(sql`insert into consents (contact_id, purpose, granted, source)
    select c.id, 'service_messages', true, 'registration' from bench_contacts c where c.n % 2 = 0`);
  options.log("tasks, tickets, surveys, consents");
  await run(sql`analyze`);
  const [counts] = await handle.rows<{ contacts: number; interactions: number }>(
    sql`select (select count(*)::int from contacts) as contacts, (select count(*)::int from interactions) as interactions`,
  );
  return { contacts: Number(counts.contacts), interactions: Number(counts.interactions), heavyContactId: heavy.id, heavyInteractions: options.heavy };
}
