import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import { clientModuleSizes } from "./tests/tools/client-module-sizes.ts";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const isTest = Boolean(process.env.VITEST);
const buildDirectory = process.env.BUILD_DIR ?? "build";

export default defineConfig({
  publicDir: "app/ui/public",
  server: { port: Number(process.env.PORT ?? 3000) },
  build: { target: "es2020" },
  ssr: { noExternal: [] },
  plugins: isTest
    ? []
    : [
        remix({
          ignoredRouteFiles: ["**/*"],
          buildDirectory,
          future: {
            v3_fetcherPersist: true,
            v3_relativeSplatPath: true,
            v3_throwAbortReason: true,
            v3_singleFetch: true,
            v3_lazyRouteDiscovery: true,
            v3_routeConfig: true,
          },
        }),
        // which modules weigh what in each browser chunk, for tests/tools/js-budget.mjs
        clientModuleSizes(buildDirectory),
      ],
  test: {
    include: ["app/**/*.test.{ts,tsx}", "plugins/**/*.test.{ts,tsx}", "db/**/*.test.ts", "emails/**/*.test.{ts,tsx}", "tests/**/*.test.{ts,tsx}"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/clock.ts", "tests/setup/per-file.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
