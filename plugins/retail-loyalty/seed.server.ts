// Demo loyalty program: tiers Silver/Gold/Platinum, a product multiplier, two bonus campaigns
// (double points 10–13 December; +50 points on cleaning products this month), rewards, and every member-card holder enrolled
// with an opening balance carried over from the store's previous programme. Idempotent.
import { sql } from "drizzle-orm";
import { defaultTimeZone, endOfMonth, rowsOf, startOfMonth, today, type JobContext } from "../../app/plugin-api/index.ts";
import { retailLoyaltyCampaigns, retailLoyaltyPrograms, retailLoyaltyRewards, retailLoyaltyTiers } from "./schema.ts";

export async function seedRetailLoyalty(ctx: JobContext) {
  const { db } = ctx;
  const [exists] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from retail_loyalty_programs`));
  if (Number(exists?.n) > 0) return;
  const [admin] = rowsOf<{ id: string }>(await db.execute(sql`select id from users where kind = 'staff' and email = 'admin@nusa-crm.id'`));
  if (!admin) return;
  // the demo's campaigns run in this month of the stores' (WIB) calendar
  const thisDay = today(defaultTimeZone);
  const year = Number(thisDay.slice(0, 4));
  await db.transaction(async (tx) => {
    const [program] = await tx
      .insert(retailLoyaltyPrograms)
      .values({
        name: "Rumah Kita Rewards",
        idrPerPoint: 10_000,
        categoryMultipliers: { kebersihan: 200, elektronik: 50 },
        // the rice cooker is promoted: 3× points, although its category (elektronik) earns ½×
        productMultipliers: { "DAP-005": 300 },
        expiryMonths: 12,
        pointValueIdr: 100,
      })
      .returning({ id: retailLoyaltyPrograms.id });
    await tx.insert(retailLoyaltyTiers).values([
      { programId: program.id, code: "silver", name: "Silver", minSpendIdr: 0, earnMultiplierPct: 100, benefits: { id: "1 poin per Rp 10.000", en: "1 point per Rp 10,000" } },
      { programId: program.id, code: "gold", name: "Gold", minSpendIdr: 3_000_000, earnMultiplierPct: 125, benefits: { id: "Poin 1,25×, promo khusus member", en: "1.25× points, member-only offers" } },
      { programId: program.id, code: "platinum", name: "Platinum", minSpendIdr: 10_000_000, earnMultiplierPct: 150, benefits: { id: "Poin 1,5×, gratis antar, kasir prioritas", en: "1.5× points, free delivery, priority till" } },
    ]);
    await tx.insert(retailLoyaltyCampaigns).values([
      {
        programId: program.id,
        name: { id: "Harbolnas poin ganda", en: "National Online Shopping Day double points" },
        description: { id: "Poin 2× untuk semua belanja, 10–13 Desember", en: "2× points on everything, 10–13 December" },
        startsOn: `${year}-12-10`,
        endsOn: `${year}-12-13`,
        multiplierPct: 200,
        scope: "all",
      },
      {
        programId: program.id,
        name: { id: "Bonus sabun cuci", en: "Laundry soap bonus" },
        description: { id: "+50 poin untuk setiap belanja produk kebersihan bulan ini", en: "+50 points on any purchase of cleaning products this month" },
        startsOn: startOfMonth(thisDay),
        endsOn: endOfMonth(thisDay),
        bonusPoints: 50,
        scope: "categories",
        scopeValues: ["kebersihan"],
      },
    ]);
    await tx.insert(retailLoyaltyRewards).values([
      { code: "TAS-BELANJA", name: { id: "Tas belanja Rumah Kita", en: "Rumah Kita shopping bag" }, pointsCost: 150, valueIdr: 15_000, validDays: 60 },
      { code: "VCR-25K", name: { id: "Voucher belanja Rp 25.000", en: "Rp 25,000 shopping voucher" }, pointsCost: 250, valueIdr: 25_000 },
      { code: "VCR-50K", name: { id: "Voucher belanja Rp 50.000", en: "Rp 50,000 shopping voucher" }, pointsCost: 480, valueIdr: 50_000 },
      { code: "VCR-100K", name: { id: "Voucher belanja Rp 100.000", en: "Rp 100,000 shopping voucher" }, pointsCost: 900, valueIdr: 100_000 },
    ]);
    // every member-card holder joins; the demo shopper Ani (pelanggan@contoh.id) gets a known balance
    await tx.execute(sql`
      insert into retail_loyalty_members (contact_id, program_id, member_no, balance, enrolled_at, last_purchase_at)
      select distinct on (i.contact_id) i.contact_id, ${program.id}::uuid, 'NM' || upper(substr(md5(i.contact_id::text), 1, 10)), 0,
             now() - interval '400 days', now() - ((abs(hashtext(i.contact_id::text)) % 120) || ' days')::interval
      from contact_identifiers i where i.system = 'member_card'
      union
      select contact_id, ${program.id}::uuid, 'NM' || upper(substr(md5(contact_id::text), 1, 10)), 0, now() - interval '400 days', now() - interval '3 days'
      from users where kind = 'customer' and email = 'pelanggan@contoh.id'
      on conflict do nothing`);
    await tx.execute(sql`
      create temporary table seed_open on commit drop as
      select contact_id,
             50 + abs(hashtext(contact_id::text || 'pts')) % 1500 as points,
             case when m.contact_id = (select contact_id from users where kind = 'customer' and email = 'pelanggan@contoh.id') then 4200000
                  else (abs(hashtext(contact_id::text || 'spend')) % 140) * 100000 end as spend,
             now() - ((abs(hashtext(contact_id::text || 'd')) % 300) || ' days')::interval as at
      from retail_loyalty_members m`);
    await tx.execute(sql`update seed_open set points = 1250 where contact_id = (select contact_id from users where kind = 'customer' and email = 'pelanggan@contoh.id')`);
    await tx.execute(sql`
      insert into retail_loyalty_lots (contact_id, points, remaining, value_idr, earned_at, expires_at)
      select contact_id, points, points, points * 100, at, at + interval '12 months' from seed_open`);
    await tx.execute(sql`
      insert into retail_loyalty_ledger (contact_id, kind, points, balance_after, spend_idr, lot_id, staff_user_id, reason, occurred_at)
      select o.contact_id, 'adjust', o.points, o.points, o.spend, l.id, ${admin.id}::uuid, 'Saldo awal dari program lama', o.at
      from seed_open o join retail_loyalty_lots l on l.contact_id = o.contact_id`);
    await tx.execute(sql`update retail_loyalty_members m set balance = o.points from seed_open o where o.contact_id = m.contact_id`);
  });
}
