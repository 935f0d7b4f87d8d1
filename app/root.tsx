import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { resourcesVersion } from "./core/i18n/i18n.server.ts";
import { useNonce, useRequestLanguage } from "./ui/nonce.tsx";
import { ErrorMessage } from "./ui/portal-layout.tsx";
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
  return (
    <main id="main">
      <ErrorMessage home="/" />
    </main>
  );
}
