// The only module that knows about lucia (ADR 002): session create/validate/invalidate and the
// cookie. Everything else calls the functions in session.server.ts.
import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, TimeSpan } from "lucia";
import type { Database } from "../../../db/client.ts";
import { sessions, users } from "../../../db/schema/index.ts";

export const sessionCookieName = "nusa_session";

export function createLucia(db: Database, options: { secure: boolean }) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the adapter's generic PgDatabase type
  const adapter = new DrizzlePostgreSQLAdapter(db as any, sessions, users);
  return new Lucia(adapter, {
    sessionExpiresIn: new TimeSpan(14, "d"),
    sessionCookie: {
      name: sessionCookieName,
      expires: false,
      attributes: { secure: options.secure, sameSite: "lax", path: "/" },
    },
    getUserAttributes: (attributes) => ({
      kind: attributes.kind,
      email: attributes.email,
      name: attributes.name,
      locale: attributes.locale,
      active: attributes.active,
      emailVerifiedAt: attributes.emailVerifiedAt,
      contactId: attributes.contactId,
      partnerOrgId: attributes.partnerOrgId,
      branchId: attributes.branchId,
    }),
  });
}

type DatabaseUserAttributes = Omit<typeof users.$inferSelect, "id">;

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: DatabaseUserAttributes;
  }
}
