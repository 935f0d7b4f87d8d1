import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { resourcesVersion } from "./core/i18n/i18n.server.ts";
import { useNonce, useRequestLanguage } from "./ui/nonce.tsx";
import stylesheet from "./ui/styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Nusa CRM" }];

export const handle = { i18n: ["common"] };

export async function loader({ context }: LoaderFunctionArgs) {
  return {
    language: context.language,
    i18nVersion: resourcesVersion(),
  };
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  // on a 404 no loader runs: the server still knows the request's language
  const requestLanguage = useRequestLanguage();
  const language = data?.language ?? requestLanguage ?? (typeof document !== "undefined" ? document.documentElement.lang : "id");
  return (
    <html lang={language} data-i18n-version={data?.i18nVersion}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#0b6e4f" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("common");
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 404 ? "notFound" : status === 403 ? "forbidden" : "serverError";
  return (
    <main className="error-page" id="main">
      <p className="error-code">{status}</p>
      <h1>{t(`errors.${key}.title`)}</h1>
      <p>{t(`errors.${key}.body`)}</p>
      <a className="button" href="/">
        {t("errors.home")}
      </a>
    </main>
  );
}
