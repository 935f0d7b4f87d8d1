import { desc, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { messages } from "../../../db/schema/index.ts";

/** The newest outgoing e-mails, for the admins' mailbox page. */
export async function recentEmails(db: Database, limit = 50) {
  return db
    .select({
      id: messages.id,
      recipient: messages.recipient,
      subject: messages.subject,
      bodyText: messages.bodyText,
      status: messages.status,
      createdAt: messages.createdAt,
      lastError: messages.lastError,
    })
    .from(messages)
    .where(eq(messages.channel, "email"))
    .orderBy(desc(messages.createdAt))
    .limit(limit);
}
