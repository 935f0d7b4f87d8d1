// The product catalogue: SKU, name, category, price in Rupiah and the supplier (a partner org).
import { sql } from "drizzle-orm";
import { rowsOf, type Actor, type Database } from "../../app/plugin-api/index.ts";
import { audit } from "../../app/plugin-api/server.ts";
import { retailPosProducts } from "./schema.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
export const productPageSize = 50;

/** One page of products by SKU (keyset), with the supplier's name. */
export async function listProducts(db: Database, input: { after?: string | null; q?: string | null }) {
  const q = input.q?.trim();
  const rows = rowsOf<{ id: string; sku: string; name: string; category: string; price_idr: string; supplier: string | null; active: boolean }>(
    await db.execute(sql`
      select p.id, p.sku, p.name, p.category, p.price_idr, o.name as supplier, p.active
      from retail_pos_products p left join partner_organisations o on o.id = p.supplier_org_id
      where (${input.after ?? null}::text is null or p.sku > ${input.after ?? null})
        and (${q ?? null}::text is null or p.sku ilike ${`%${q ?? ""}%`} or p.name ilike ${`%${q ?? ""}%`})
      order by p.sku limit ${productPageSize + 1}`),
  );
  return { products: rows.slice(0, productPageSize).map((r) => ({ ...r, price_idr: Number(r.price_idr) })), next: rows.length > productPageSize ? rows[productPageSize - 1].sku : null };
}

export async function listSuppliers(db: Database) {
  return rowsOf<{ id: string; name: string }>(await db.execute(sql`select id, name from partner_organisations where type = 'supplier' and active order by name`));
}

export async function createProduct(
  db: Database,
  actor: StaffActor,
  input: { sku: string; name: string; category: string; priceIdr: number; supplierOrgId: string | null },
) {
  return db.transaction(async (tx) => {
    const rows = await tx.insert(retailPosProducts).values(input).onConflictDoNothing().returning({ id: retailPosProducts.id });
    if (rows.length === 0) return { ok: false as const, error: "skuTaken" as const };
    await audit(tx, actor, { action: "retail-pos.product.created", entityType: "retail_pos_product", entityId: rows[0].id });
    return { ok: true as const, id: rows[0].id };
  });
}

