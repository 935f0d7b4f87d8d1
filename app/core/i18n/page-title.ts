// Page titles (the browser tab, history, bookmarks): a translated page name or a record's name,
// then the product's name. The loader translates, in the reader's language; meta only shows it.
import type { MetaFunction } from "@remix-run/node";

export const appName = "Nusa CRM";

/** `Kontak · Nusa CRM`; the product's name alone when there is nothing to put before it. */
export function withAppName(text: string | null | undefined): string {
  return text ? `${text} · ${appName}` : appName;
}

/** meta for a route whose loader returns `title` (built with `pageTitle`); the product's name while there is none (an error page). */
export const titleMeta: MetaFunction = ({ data }) => [{ title: (data as { title?: unknown } | null | undefined)?.title ?? appName } as { title: string }];
