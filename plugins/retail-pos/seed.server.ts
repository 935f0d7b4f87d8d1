// Demo data: a POS connection per store (fixed demo credentials, see README), a household-goods
// catalogue and a year of sales for a few thousand shoppers, generated in SQL. Idempotent.
import { sql } from "drizzle-orm";
import { rowsOf, type JobContext } from "../../app/plugin-api/index.ts";
import { createConnection } from "./connections.server.ts";

/** The demo store's credentials, published in README.md (demo data only). */
export const demoCredentials: Record<string, { apiKey: string; signingSecret: string }> = {
  "TRK-BDG": { apiKey: "nusa_pos_demo_bandung_7Kq2xVt9LmP4", signingSecret: "whsec_demo_bandung_Rz8nW3cY6hJ1" },
  "TRK-SBY": { apiKey: "nusa_pos_demo_surabaya_Gm5tQ1wX8bN3", signingSecret: "whsec_demo_surabaya_Lp2vK7dF4sA9" },
  "TRK-DPS": { apiKey: "nusa_pos_demo_denpasar_Hc6yE2rU9oT5", signingSecret: "whsec_demo_denpasar_Wn3mB8gJ5kZ1" },
};

/** The demo shopper Ani Yulianti's member card (README). */
export const demoShopperCard = "RK200001";

const catalogue: [string, string, string, number, string | null][] = [
  ["DAP-001", "Wajan anti lengket 28 cm", "dapur", 189000, "SUP-MAKMUR"],
  ["DAP-002", "Panci presto 8 liter", "dapur", 425000, "SUP-MAKMUR"],
  ["DAP-003", "Set pisau dapur 5 pcs", "dapur", 159000, "SUP-MAKMUR"],
  ["DAP-004", "Talenan kayu jati", "dapur", 85000, null],
  ["DAP-005", "Rice cooker 1,8 liter", "elektronik", 349000, "SUP-MAKMUR"],
  ["DAP-006", "Blender kaca 2 liter", "elektronik", 389000, "SUP-MAKMUR"],
  ["DAP-007", "Dispenser air galon bawah", "elektronik", 1250000, "SUP-MAKMUR"],
  ["PLS-001", "Kotak makan 3 sekat", "plastik", 45000, "SUP-PLASINDO"],
  ["PLS-002", "Toples kedap udara 1,5 L", "plastik", 32000, "SUP-PLASINDO"],
  ["PLS-003", "Ember tutup 20 liter", "plastik", 65000, "SUP-PLASINDO"],
  ["PLS-004", "Keranjang cucian", "plastik", 55000, "SUP-PLASINDO"],
  ["PLS-005", "Rak piring 2 susun", "plastik", 98000, "SUP-PLASINDO"],
  ["PLS-006", "Gayung dan baskom set", "plastik", 28000, "SUP-PLASINDO"],
  ["KBR-001", "Sabun cuci piring 800 ml", "kebersihan", 18500, null],
  ["KBR-002", "Pembersih lantai 1,8 L", "kebersihan", 27000, null],
  ["KBR-003", "Sapu ijuk", "kebersihan", 35000, "SUP-PLASINDO"],
  ["KBR-004", "Alat pel putar", "kebersihan", 149000, "SUP-PLASINDO"],
  ["KBR-005", "Deterjen bubuk 1,8 kg", "kebersihan", 42000, null],
  ["KMR-001", "Sprei katun 160x200", "kamar", 215000, null],
  ["KMR-002", "Bantal dakron", "kamar", 75000, null],
  ["KMR-003", "Handuk mandi besar", "kamar", 69000, null],
  ["KMR-004", "Gantungan baju 10 pcs", "kamar", 25000, "SUP-PLASINDO"],
  ["LMP-001", "Lampu LED 12 watt", "listrik", 32000, null],
  ["LMP-002", "Stop kontak 4 lubang", "listrik", 58000, null],
  ["LMP-003", "Kipas angin berdiri 16 inci", "elektronik", 299000, "SUP-MAKMUR"],
  ["TMN-001", "Pot bunga tanah liat", "taman", 38000, null],
  ["TMN-002", "Selang air 10 m", "taman", 79000, "SUP-PLASINDO"],
  ["TMN-003", "Pupuk organik 5 kg", "taman", 45000, null],
];

export async function seedRetailPos(ctx: JobContext) {
  const { db } = ctx;
  const [done] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from retail_pos_products`));
  if (Number(done?.n) > 0) return;
  const stores = rowsOf<{ id: string; code: string }>(await db.execute(sql`select id, code from branches where kind = 'store' and code in ('TRK-BDG','TRK-SBY','TRK-DPS')`));
  if (stores.length === 0) return;
  const started = Date.now();

  for (const store of stores) {
    const credentials = demoCredentials[store.code];
    if (credentials) await createConnection(db, { kind: "system" }, { branchId: store.id, name: `Kasir utama ${store.code}` }, credentials);
  }
  for (const [sku, name, category, price, supplier] of catalogue) {
    await db.execute(sql`insert into retail_pos_products (sku, name, category, price_idr, supplier_org_id)
      values (${sku}, ${name}, ${category}, ${price}, (select id from partner_organisations where code = ${supplier}))`);
  }
  // the demo cashier rings up sales at TRK-BDG
  await db.execute(sql`insert into user_roles (user_id, role_id) select id, 'cashier' from users where kind = 'staff' and email = 'kasir@nusa-crm.id' on conflict do nothing`);

  // 3,000 shoppers with member cards, spread over the three stores
  await db.execute(sql`
    with names as (select array['Siti','Dewi','Ayu','Putri','Rina','Agus','Budi','Dedi','Eko','Fajar','Hendra','Joko','Rizky','Wahyu','Yoga','Intan','Citra','Maya'] as f,
                          array['Santoso','Wijaya','Saputra','Hidayat','Nugroho','Kurniawan','Pratama','Susanto','Siregar','Wibowo','Halim','Lubis','Purnomo','Setiawan'] as l)
    insert into contacts (full_name, phone, branch_id, lifecycle_stage, source, tags, created_at)
    select f[1 + (g * 7) % array_length(f, 1)] || ' ' || l[1 + (g * 13) % array_length(l, 1)],
           '+62896' || lpad(g::text, 8, '0'),
           (array[${stores.find((s) => s.code === "TRK-BDG")?.id ?? null}::uuid, ${stores.find((s) => s.code === "TRK-SBY")?.id ?? null}::uuid, ${stores.find((s) => s.code === "TRK-DPS")?.id ?? null}::uuid])[1 + g % 3],
           'customer', 'seed', array['pelanggan'], now() - ((g % 700) || ' days')::interval
    from names, generate_series(1, 3000) g`);
  await db.execute(sql`
    insert into contact_identifiers (contact_id, system, value)
    select id, 'member_card', 'RK' || (500000 + substr(phone, 7)::int) from contacts where phone like '+62896%' and source = 'seed'
    on conflict do nothing`);

  // the demo shopper Ani gets her own card (the core seed's RK100999 can land on another contact)
  await db.execute(sql`
    insert into contact_identifiers (contact_id, system, value)
    select contact_id, 'member_card', ${demoShopperCard} from users where kind = 'customer' and email = 'pelanggan@contoh.id'
    on conflict do nothing`);

  // a year of sales: ~6 visits per shopper (the demo shopper Ani too), 1–4 lines each, at the shopper's store
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      create temporary table seed_sales on commit drop as
      select gen_random_uuid() as id, c.id as contact_id, c.branch_id, n as visit,
             now() - ((abs(hashtext(c.id::text || n)) % 365) || ' days')::interval - ((abs(hashtext(n || c.id::text)) % 600) || ' minutes')::interval as occurred_at,
             1 + abs(hashtext(c.id::text || 'lines' || n)) % 4 as line_count
      from contacts c, generate_series(1, 12) n
      where ((c.phone like '+62896%' and c.source = 'seed')
             or c.id = (select contact_id from users where kind = 'customer' and email = 'pelanggan@contoh.id'))
        and n <= 2 + abs(hashtext(c.id::text)) % 9`);
    await tx.execute(sql`
      create temporary table seed_products on commit drop as
      select id, sku, name, category, supplier_org_id, price_idr, (row_number() over (order by sku) - 1)::int as rn from retail_pos_products`);
    await tx.execute(sql`
      create temporary table seed_lines on commit drop as
      select s.id as sale_id, k as line_no, p.id as product_id, p.sku, p.name, p.category, p.supplier_org_id, p.price_idr,
             1 + abs(hashtext(s.id::text || k)) % 3 as quantity
      from seed_sales s
      cross join lateral generate_series(1, s.line_count) k
      join seed_products p on p.rn = abs(hashtext(s.id::text || 'p' || k)) % ${catalogue.length}`);
    await tx.execute(sql`
      insert into retail_pos_sales (id, connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, contact_id, occurred_at, total_idr, payment_method, source)
      select s.id, c.id, s.branch_id, 'sale', 'SEED-' || substr(s.id::text, 1, 13), 'seed:' || s.id, 'seed', s.contact_id, s.occurred_at, t.total,
             (array['cash','qris','debit','ewallet'])[1 + abs(hashtext(s.id::text)) % 4], 'seed'
      from seed_sales s
      join (select sale_id, sum(quantity * price_idr) as total from seed_lines group by sale_id) t on t.sale_id = s.id
      join (select distinct on (branch_id) branch_id, id from retail_pos_connections order by branch_id, created_at) c on c.branch_id = s.branch_id`);
    await tx.execute(sql`
      insert into retail_pos_sale_lines (sale_id, line_no, product_id, sku, name, category, supplier_org_id, quantity, unit_price_idr, discount_idr, amount_idr)
      select l.sale_id, l.line_no, l.product_id, l.sku, l.name, l.category, l.supplier_org_id, l.quantity, l.price_idr, 0, l.quantity * l.price_idr
      from seed_lines l`);
  });
  ctx.logger.info({ ms: Date.now() - started }, "retail-pos demo data seeded");
}
