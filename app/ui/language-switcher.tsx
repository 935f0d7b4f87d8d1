import { Form, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** Two buttons, a plain form: works before JavaScript loads. */
export function LanguageSwitcher({ onLight = false }: { onLight?: boolean }) {
  const { t } = useTranslation();
  const location = useLocation();
  const root = useRouteLoaderData<{ language: string }>("root");
  const current = root?.language ?? "id";
  return (
    <Form method="post" action="/language" className={`lang-switch${onLight ? " on-light" : ""}`} reloadDocument>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <span className="visually-hidden">{t("language.label")}</span>
      <button type="submit" name="language" value="id" aria-pressed={current === "id"} lang="id" title="Bahasa Indonesia">
        ID
      </button>
      <button type="submit" name="language" value="en" aria-pressed={current === "en"} lang="en" title="English">
        EN
      </button>
    </Form>
  );
}
