import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "./language-switcher.tsx";

/** The centred card of sign-in, sign-up and password pages. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <main className="narrow" id="main">
      <div className="page-header">
        <a href="/" className="brand-dark">
          <strong>Nusa CRM</strong>
        </a>
        <LanguageSwitcher onLight />
      </div>
      <div className="card">
        <h1>{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
        {children}
      </div>
      <p className="muted">
        <small>{t("shell.privacyNote")}</small>
      </p>
    </main>
  );
}
