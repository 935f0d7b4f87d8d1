// Every table that holds personal data says how it is exported and erased (UU PDP Art 7, 8, 13):
// this test reads the schema itself, so a table added tomorrow without a handler fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client.ts";
import { sql } from "drizzle-orm";
import { installedPlugins } from "../../plugins/index.ts";
import { createTestApp } from "../support/test-app.ts";

// Tables whose "personal-looking" column is not about a person; each with the reason.
const notPersonal: Record<string, string> = {
  branches: "name, address and phone of a hospital unit or store",
  partner_organisations: "an organisation's name and contact details, not a person's",
  plugin_states: "no personal column",
  roles: "no personal column",
  permissions: "no personal column",
  domain_events: "name is the event's name; payloads hold ids only",
  hospital_appointments_services: "a service's name",
  retail_loyalty_programs: "a programme's name",
  retail_loyalty_campaigns: "a campaign's name",
  retail_loyalty_tiers: "a tier's name",
  retail_loyalty_rewards: "a reward's name",
  retail_pos_products: "a product's name",
  retail_pos_sale_lines: "a product line's name; the sale links the person",
  app_settings: "no personal column",
};

export const personalColumns = ["full_name", "name", "email", "phone", "nik", "address", "birth_date", "recipient"];

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
});
afterAll(() => app.close());

async function tablesWithPersonalData() {
  const rows = rowsOf<{ table_name: string; why: string }>(
    await app.runtime.db.execute(sql`
      select distinct kcu.table_name, 'references ' || ccu.table_name as why
      from information_schema.table_constraints tc
      join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
      join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public' and ccu.table_name in ('contacts', 'users')
      union
      select distinct c.table_name, 'column ' || c.column_name
      from information_schema.columns c join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.column_name in (${sql.join(personalColumns.map((c) => sql`${c}`), sql`, `)})
      union
      select 'contacts', 'the people themselves' union select 'users', 'the accounts themselves'`),
  );
  const byTable = new Map<string, string[]>();
  for (const r of rows) byTable.set(r.table_name, [...(byTable.get(r.table_name) ?? []), r.why]);
  return byTable;
}

describe("personal data handlers", () => {
  it("cover every table with a contact or user reference or a personal column", async () => {
    const tables = await tablesWithPersonalData();
    expect(tables.size).toBeGreaterThan(20);
    const handled = new Set(app.runtime.registry.personalDataHandlers().map((h) => h.table));
    const missing = [...tables.entries()].filter(([table]) => !handled.has(table) && !(table in notPersonal)).map(([table, why]) => `${table} (${why.join(", ")})`);
    expect(missing).toEqual([]);
  });

  it("name only tables that exist, once each", async () => {
    const existing = new Set(
      rowsOf<{ table_name: string }>(await app.runtime.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`)).map((r) => r.table_name),
    );
    const handlers = app.runtime.registry.personalDataHandlers();
    expect(handlers.filter((h) => !existing.has(h.table)).map((h) => h.table)).toEqual([]);
    expect(new Set(handlers.map((h) => h.table)).size).toBe(handlers.length);
    const purposes = new Set(app.runtime.registry.purposes().map((p) => p.id));
    expect(handlers.filter((h) => !purposes.has(h.purpose)).map((h) => `${h.table}: ${h.purpose}`)).toEqual([]);
  });
});
