import type { BackendModule, ReadCallback } from "i18next";

/**
 * The browser's i18next backend: one `fetch` per namespace from the `/locales` route. It replaces
 * i18next-http-backend, whose XHR fallback and cross-fetch ponyfill cost every page about 7 KB of
 * gzipped JavaScript that browsers with `fetch` (all we support) never run.
 */
export function fetchBackend(loadPath: (language: string, namespace: string) => string): BackendModule {
  return {
    type: "backend",
    init() {},
    read(language: string, namespace: string, callback: ReadCallback) {
      fetch(loadPath(language, namespace), { credentials: "same-origin" })
        .then(async (response) => {
          // a 4xx will not get better on retry; a 5xx or a network error may
          if (!response.ok) return callback(new Error(`${response.status} loading ${language}/${namespace}`), response.status >= 500);
          callback(null, await response.json());
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), true));
    },
  };
}
