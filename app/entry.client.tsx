import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import HttpBackend from "i18next-http-backend";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { getInitialNamespaces } from "remix-i18next/client";

async function hydrate() {
  const lng = document.documentElement.lang || "id";
  const version = document.documentElement.dataset.i18nVersion ?? "0";
  await i18next
    .use(initReactI18next)
    .use(HttpBackend)
    .init({
      lng,
      fallbackLng: false,
      supportedLngs: ["id", "en"],
      ns: getInitialNamespaces(),
      defaultNS: "common",
      interpolation: { escapeValue: false },
      backend: { loadPath: `/locales/{{lng}}/{{ns}}.json?v=${version}` },
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
