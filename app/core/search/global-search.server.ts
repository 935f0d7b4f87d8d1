// The staff global search (issue 15): one query asked of every search provider the actor may use —
// the core's (contacts, tickets) and those of the enabled plugins — each answering from an index,
// in parallel, grouped by kind. Providers scope their results as their list pages do; the core only
// decides which providers run (enabled plugin, permission held) and hands them the contact rule.
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contacts, tickets } from "../../../db/schema/index.ts";
import { searchContacts } from "../contacts/contact-search.server.ts";
import { contactsVisibleOf } from "../contacts/hospital-relationship.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import type { Language } from "../i18n/languages.ts";
import { formatPhone } from "../i18n/phone.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { Actor, SearchContext, SearchProvider, SearchResult } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

/** Results shown per kind on the search page; "Lihat semua" opens the kind's own list for the rest. */
export const searchResultsPerKind = 8;

/** The core's own kinds, labelled in the `staff` namespace. */
export const coreSearchProviders: SearchProvider[] = [
  {
    kind: "contacts",
    label: "search.kinds.contacts",
    permission: "core.contact.read",
    listHref: (q) => `/staff/contacts?q=${encodeURIComponent(q)}`,
    // the contact list's own search and its rule: no patients for staff without core.patient.read
    search: async (q, limit, ctx) => {
      const page = await searchContacts(ctx.db, ctx.actor, { q, limit }, { visible: ctx.visibleContacts(sql`${contacts.id}`) });
      return page.contacts.map((c) => ({
        id: c.id,
        title: c.fullName,
        subtitle: [c.phone ? formatPhone(c.phone) : null, c.email, c.branchName].filter(Boolean).join(" · ") || undefined,
        href: `/staff/contacts/${c.id}`,
      }));
    },
  },
  {
    kind: "tickets",
    label: "search.kinds.tickets",
    permission: "core.ticket.read",
    listHref: (q) => `/staff/tickets?q=${encodeURIComponent(q)}`,
    // by number ("TKT-1042", "tkt 1042" or just "1042"), through its unique index
    search: async (q, limit, ctx) => {
      const compact = q.replace(/[\s]/g, "").toUpperCase();
      const number = /^\d{1,12}$/.test(compact) ? `TKT-${compact}` : compact.replace(/^TKT(?=\d)/, "TKT-");
      if (!/^TKT-\d{1,12}$/.test(number)) return [];
      const rows = await ctx.db
        .select({ id: tickets.id, number: tickets.number, subject: tickets.subject, status: tickets.status, contactName: contacts.fullName })
        .from(tickets)
        .leftJoin(contacts, eq(contacts.id, tickets.contactId))
        .where(eq(tickets.number, number))
        .limit(limit);
      return rows.map((r) => ({
        id: r.id,
        title: `${r.number} · ${r.subject}`,
        subtitle: [ctx.t(`tickets.statuses.${r.status}`), r.contactName].filter(Boolean).join(" · "),
        href: `/staff/tickets/${r.id}`,
      }));
    },
  },
];

export interface SearchGroup {
  /** Full kind, e.g. "core.contacts", "hospital-referrals.referrals". */
  kind: string;
  label: string;
  results: SearchResult[];
  /** More than shown were found. */
  more: boolean;
  listHref: string | null;
  /** The provider failed (logged); the other kinds are still shown. */
  failed: boolean;
}

/** The kinds `actor` may search: core's and the enabled plugins', each only with its permission. */
function providersFor(registry: PluginRegistry, enabled: string[], actor: StaffActor) {
  return [
    ...coreSearchProviders.filter((p) => actor.permissions.has(p.permission)).map((p) => ({ ...p, kind: `core.${p.kind}`, namespace: "staff" })),
    ...registry.searchProviders(enabled, actor.permissions).map((p) => ({ ...p, namespace: p.pluginId })),
  ];
}

/** Whether `actor` may search anything at all (the search page refuses those who may not). */
export async function canSearch(runtime: { db: Database; registry: PluginRegistry }, actor: StaffActor) {
  return providersFor(runtime.registry, await runtime.registry.enabledPluginIds(runtime.db), actor).length > 0;
}

/**
 * Asks every provider `actor` may use for `query` (cleaned by cleanSearchQuery), at most
 * `perKind` results each; kinds in a fixed order (core first, then plugins as installed).
 */
export async function globalSearch(
  runtime: { db: Database; registry: PluginRegistry; logger?: Logger },
  actor: StaffActor,
  input: { query: string; language: Language; perKind?: number },
): Promise<SearchGroup[]> {
  const perKind = input.perKind ?? searchResultsPerKind;
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const visibleContacts = (contactId: Parameters<SearchContext["visibleContacts"]>[0]) => contactsVisibleOf(runtime.registry, enabled, actor, contactId);
  const providers = providersFor(runtime.registry, enabled, actor);
  return Promise.all(
    providers.map(async (provider): Promise<SearchGroup> => {
      const t = fixedT(input.language, provider.namespace);
      const ctx: SearchContext = { db: runtime.db, actor, t, language: input.language, visibleContacts };
      const group = { kind: provider.kind, label: t(provider.label), listHref: provider.listHref ? provider.listHref(input.query) : null };
      try {
        const found = await provider.search(input.query, perKind + 1, ctx);
        return { ...group, results: found.slice(0, perKind), more: found.length > perKind, failed: false };
      } catch (err) {
        // one kind failing (a plugin's bug) must not take the others down with it
        runtime.logger?.error({ err, kind: provider.kind }, "global search provider failed");
        return { ...group, results: [], more: false, failed: true };
      }
    }),
  );
}
