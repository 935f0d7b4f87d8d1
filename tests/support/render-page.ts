// Renders a route's page component to HTML with given loader data, in one language: catches a page
// that throws, shows a raw key, or prints NaN/Infinity, without building the app.
import { createElement, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server.js";
import { i18nInstance } from "../../app/core/i18n/i18n.server.ts";
import type { Language } from "../../app/core/i18n/languages.ts";

export async function renderPage(Component: ComponentType, loaderData: unknown, language: Language, path = "/page"): Promise<string> {
  const routes = [{ id: "page", path: "*", Component, loader: () => loaderData as Record<string, unknown> }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request(`http://localhost${path}`));
  if (context instanceof Response) throw new Error("the page redirected");
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToString(createElement(I18nextProvider, { i18n: i18nInstance(language) }, createElement(StaticRouterProvider, { router, context, hydrate: false })));
}
