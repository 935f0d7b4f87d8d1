import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "../ui/language-switcher.tsx";

export const meta: MetaFunction = () => [
  { title: "Nusa CRM" },
  { name: "description", content: "CRM untuk rumah sakit dan ritel di Indonesia · CRM for Indonesian hospitals and retailers" },
];

/** Signed-in users go straight to their portal; everyone else chooses one. */
export async function loader({ context }: LoaderFunctionArgs) {
  const kind = context.auth?.user.kind;
  if (kind) throw redirect(kind === "staff" ? "/staff" : kind === "partner" ? "/partner" : "/portal");
  return null;
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
