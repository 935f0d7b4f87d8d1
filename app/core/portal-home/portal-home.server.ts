// The customer portal's home (issue #15 item 3): cards that answer the first question — the next
// visit, the points — from the enabled plugins the customer has something with, and the core's own:
// tickets still open and surveys waiting for an answer. Every card reads the customer's own rows.
import type { Database } from "../../../db/client.ts";
import type { Logger } from "../logging/logger.server.ts";
import { formatDate } from "../i18n/format.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor, PortalWidgetView } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { pendingSurveysOf } from "../surveys/surveys.server.ts";
import { openTicketSummary } from "../tickets/tickets.server.ts";
import { pluginsForCustomer } from "./portal-audience.server.ts";

type CustomerActor = Extract<Actor, { kind: "customer" }>;
export interface HomeWidget {
  /** `<plugin-id>:<widget-id>`, or `core:<id>`. */
  id: string;
  view: PortalWidgetView;
}

interface CoreContext {
  db: Database;
  language: Language;
}

/** Surveys the customer has not answered yet (they ask for something: shown first). */
async function surveysWidget(ctx: CoreContext, actor: CustomerActor): Promise<PortalWidgetView | null> {
  const surveys = await pendingSurveysOf(ctx.db, actor);
  if (!surveys.length) return null;
  const t = fixedT(ctx.language, "portal");
  return {
    title: t("surveys.pending.title"),
    attention: true,
    items: surveys.slice(0, 3).map((s) => ({
      label: t("home.surveyAbout", { about: t(`surveys.about.${s.about.kind}`, s.about) }),
      href: `/portal/surveys/${s.id}`,
      hint: t("surveys.pending.until", { date: formatDate(s.expiresAt, ctx.language) }),
    })),
    lines: surveys.length > 3 ? [t("home.moreSurveys", { count: surveys.length - 3 })] : undefined,
  };
}

/** Tickets still being worked on: how many, the latest, and whether one waits for the customer. */
async function ticketsWidget(ctx: CoreContext, actor: CustomerActor): Promise<PortalWidgetView | null> {
  const summary = await openTicketSummary(ctx.db, actor);
  if (!summary.open || !summary.latest) return null;
  const t = fixedT(ctx.language, "portal");
  const latest = summary.latest;
  return {
    title: t("home.tickets.title"),
    headline: t("home.tickets.open", { count: summary.open }),
    attention: summary.waiting > 0,
    note: summary.waiting ? t("home.tickets.waiting", { count: summary.waiting }) : undefined,
    items: [{ label: t("home.tickets.latest", { number: latest.number, subject: latest.subject }), href: `/portal/tickets/${latest.id}`, hint: t(`tickets.statuses.${latest.status}`) }],
    actions: [{ kind: "link", label: t("home.tickets.all"), href: "/portal/tickets" }],
  };
}

const coreWidgets = [
  { id: "core:surveys", load: surveysWidget },
  { id: "core:tickets", load: ticketsWidget },
];

/**
 * The home's cards for a signed-in customer, those asking for something first: the core's and those
 * of enabled plugins the customer has a relationship with. A card that fails is left out (and
 * logged) rather than failing the page.
 */
export async function portalHomeWidgets(
  runtime: { db: Database; registry: PluginRegistry; logger?: Logger },
  actor: CustomerActor,
  language: Language,
  now = new Date(),
): Promise<HomeWidget[]> {
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const shown = await pluginsForCustomer(runtime.db, runtime.registry, enabled, actor.contactId);
  const pluginWidgets = runtime.registry.portalWidgets(enabled).filter((w) => shown.has(w.pluginId));
  const attempt = async (id: string, load: () => Promise<PortalWidgetView | null>) => {
    try {
      const view = await load();
      return view ? { id, view } : null;
    } catch (error) {
      runtime.logger?.warn({ err: error, widget: id }, "portal home widget failed");
      return null;
    }
  };
  const loaded = await Promise.all([
    ...pluginWidgets.map((w) => attempt(`${w.pluginId}:${w.id}`, () => w.load({ db: runtime.db, t: fixedT(language, w.pluginId), language, now }, actor))),
    ...coreWidgets.map((w) => attempt(w.id, () => w.load({ db: runtime.db, language }, actor))),
  ]);
  const widgets = loaded.filter((w): w is HomeWidget => w !== null);
  return [...widgets.filter((w) => w.view.attention), ...widgets.filter((w) => !w.view.attention)];
}
