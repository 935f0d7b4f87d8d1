import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contacts, messages, partnerOrganisations, users } from "../../../db/schema/index.ts";

/** Live counts for the staff dashboard, in one round trip. */
export async function dashboardCounts(db: Database) {
  const [row] = await db
    .select({
      contacts: sql<number>`(select count(*) from ${contacts} where ${contacts.mergedIntoId} is null)::int`,
      newContacts30d: sql<number>`(select count(*) from ${contacts} where ${contacts.createdAt} > now() - interval '30 days' and ${contacts.mergedIntoId} is null)::int`,
      customers: sql<number>`(select count(*) from ${users} where ${users.kind} = 'customer')::int`,
      partners: sql<number>`(select count(*) from ${partnerOrganisations} where ${partnerOrganisations.active})::int`,
      messagesQueued: sql<number>`(select count(*) from ${messages} where ${messages.status} = 'queued')::int`,
      messagesFailed: sql<number>`(select count(*) from ${messages} where ${messages.status} = 'failed')::int`,
    })
    .from(sql`(select 1) as one`);
  return row;
}
