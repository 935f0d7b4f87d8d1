// Core tables a plugin's schema.ts may reference (foreign keys) and its queries may read. Plugins
// never write these directly: they call the core functions exported from ./server.ts.
// Kept free of server-only imports so drizzle-kit can load plugin schemas through it.
/** Core tables plugins may point foreign keys at and read (contacts, identifiers, branches, users, partner organisations). */
export { branches, contactIdentifiers, contacts, partnerOrganisations, users, userRoles } from "../../db/schema/index.ts";
