import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { fixedT } from "../core/i18n/i18n.server.ts";
import { appName } from "../core/i18n/page-title.ts";
import { LanguageSwitcher } from "../ui/language-switcher.tsx";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: appName }, ...(data ? [{ name: "description", content: data.description }] : [])];

/** Signed-in users go straight to their portal; everyone else chooses one. */
export async function loader({ context }: LoaderFunctionArgs) {
  const kind = context.auth?.user.kind;
  if (kind) throw redirect(kind === "staff" ? "/staff" : kind === "partner" ? "/partner" : "/portal");
  return { description: fixedT(context.language)("home.description") };
}

export default function Home() {
  const { t } = useTranslation();
  const portals = [
    { to: "/portal", key: "portal" },
    { to: "/staff", key: "staff" },
    { to: "/partner", key: "partner" },
  ] as const;
  return (
    <main className="page" id="main">
      <div className="page-header">
        <div>
          <h1>{t("home.title")}</h1>
          <p className="muted">{t("home.subtitle")}</p>
        </div>
        <LanguageSwitcher onLight />
      </div>
      <div className="portal-choice">
        {portals.map((p) => (
          <Link key={p.key} to={p.to} className="card">
            <h2>{t(`home.${p.key}.title`)}</h2>
            <p className="muted">{t(`home.${p.key}.body`)}</p>
          </Link>
        ))}
      </div>
    </main>
  );
}
