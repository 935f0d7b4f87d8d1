import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { getInitialNamespaces } from "remix-i18next/client";
import { fetchBackend } from "./core/i18n/fetch-backend.ts";

async function hydrate() {
  const lng = document.documentElement.lang || "id";
  const version = document.documentElement.dataset.i18nVersion ?? "0";
  await i18next
    .use(initReactI18next)
    .use(fetchBackend((lng, ns) => `/locales/${lng}/${ns}.json?v=${encodeURIComponent(version)}`))
    .init({
      lng,
      fallbackLng: false,
      supportedLngs: ["id", "en"],
      ns: getInitialNamespaces(),
      defaultNS: "common",
      interpolation: { escapeValue: false },
      react: { useSuspense: false },
    });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
