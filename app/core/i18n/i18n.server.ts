import crypto from "node:crypto";
import { createCookie } from "@remix-run/node";
import i18next, { type TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";
import { defaultLanguage, isLanguage, languages, type Language } from "./languages.ts";
import { withAppName } from "./page-title.ts";
import { coreResources, type Resources } from "./resources.ts";

export const languageCookie = createCookie("nusa_lng", { path: "/", sameSite: "lax", httpOnly: true, maxAge: 365 * 24 * 3600 });

const detector = new RemixI18Next({
  detection: {
    supportedLanguages: [...languages],
    fallbackLanguage: defaultLanguage,
    cookie: languageCookie,
    order: ["cookie", "header"],
  },
});

/** The user's saved choice first, then the language cookie, then Accept-Language. */
export async function detectLanguage(request: Request, userLocale?: string | null): Promise<Language> {
  if (isLanguage(userLocale)) return userLocale;
  const detected = await detector.getLocale(request);
  return isLanguage(detected) ? detected : defaultLanguage;
}

let resources: Resources = coreResources;
const instances = new Map<Language, typeof i18next>();

// In production the Remix server build carries its own copy of this module, apart from the one the
// process entry (app/server/index.ts) loads; plugin namespaces registered at start are kept on
// globalThis so both copies translate plugin keys.
type PluginNamespaces = { namespace: string; resources: { id: object; en: object } }[];
const shared = globalThis as { __nusaPluginNamespaces?: { extra: PluginNamespaces; generation: number } };
let seenGeneration = 0;
function syncNamespaces() {
  const store = shared.__nusaPluginNamespaces;
  if (!store || store.generation === seenGeneration) return;
  seenGeneration = store.generation;
  resources = {
    id: { ...coreResources.id, ...Object.fromEntries(store.extra.map((e) => [e.namespace, e.resources.id])) },
    en: { ...coreResources.en, ...Object.fromEntries(store.extra.map((e) => [e.namespace, e.resources.en])) },
  } as Resources;
  instances.clear();
  version = null;
}

/** Adds plugin namespaces (called once at start with the registry's locales). */
export function registerNamespaces(extra: PluginNamespaces) {
  shared.__nusaPluginNamespaces = { extra, generation: (shared.__nusaPluginNamespaces?.generation ?? 0) + 1 };
  syncNamespaces();
}

export function namespaceResources(language: Language, namespace: string) {
  syncNamespaces();
  return resources[language][namespace] ?? null;
}

export function allNamespaces() {
  syncNamespaces();
  return Object.keys(resources.id);
}

function instanceFor(language: Language) {
  syncNamespaces();
  let instance = instances.get(language);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.init({
      lng: language,
      fallbackLng: false,
      supportedLngs: [...languages],
      resources,
      ns: Object.keys(resources.id),
      defaultNS: "common",
      interpolation: { escapeValue: false },
      initImmediate: false,
      returnNull: false,
    });
    instances.set(language, instance);
  }
  return instance;
}

/** A translate function for one language (default namespace `common`, or the one named). */
export function fixedT(language: Language, namespace = "common"): TFunction {
  return instanceFor(language).getFixedT(language, namespace);
}

/** A page title in the reader's language: `pageTitle("id", "staff:contacts.title")` → `Kontak · Nusa CRM`. */
export function pageTitle(language: Language, key: string, options?: Record<string, unknown>): string {
  return withAppName(fixedT(language)(key, options ?? {}) as string);
}

export function i18nInstance(language: Language) {
  return instanceFor(language);
}

let version: string | null = null;
/** Changes whenever any translation changes, so browsers may cache namespace files forever. */
export function resourcesVersion() {
  syncNamespaces();
  version ??= crypto.createHash("sha1").update(JSON.stringify(resources)).digest("hex").slice(0, 10);
  return version;
}
