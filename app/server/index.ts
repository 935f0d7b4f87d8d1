import "../core/runtime/load-context.ts";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { installedPlugins } from "../../plugins/index.ts";
import { migrationsApplied } from "../../db/client.ts";
import { seedDemoData } from "../../db/seed/demo.ts";
import { queueFirstSnapshot } from "../core/analytics/rfm-snapshots.server.ts";
import { ConfigError, loadConfig, type AppConfig } from "../core/config/config.server.ts";
import { createLogger } from "../core/logging/logger.server.ts";
import { startBackupControl } from "../core/operations/backup-control.server.ts";
import { createMetricsRegistry, createRouteMatcher, httpMetrics, metricsEndpoint } from "../core/operations/metrics.server.ts";
import { collectOperationsFigures } from "../core/operations/operations-figures.server.ts";
import { buildLoadContext } from "../core/runtime/request-context.server.ts";
import { startRuntime, type AppRuntime } from "../core/runtime/runtime.server.ts";
import { pluginGate } from "./plugin-gate.ts";
import { originCheck, securityHeaders } from "./security.ts";

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger({ level: config.logLevel });
// where `npm run build` put the app (BUILD_DIR lets parallel builds keep apart)
const buildDir = process.env.BUILD_DIR ?? "build";
const dev = config.env !== "production";
// NUSA_ROLE (ADR 024): a web process serves pages and APIs and only enqueues; a worker runs the
// queues, event delivery and cron and answers only /healthz, /readyz and /metrics; all does both
const servesApp = config.role !== "worker";

let runtime: AppRuntime;
try {
  runtime = await startRuntime({ config, logger, plugins: installedPlugins, workers: config.role !== "web" });
} catch (error) {
  logger.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
if (config.demoData) {
  const seeded = await seedDemoData(runtime);
  if (seeded) logger.info("demo data seeded");
}
if (config.role !== "web" && (await queueFirstSnapshot(runtime.db, runtime.jobs))) logger.info("first customer-analytics snapshot queued");

// PGlite: the running app takes the backups `npm run backup` asks for (it holds the data folder)
const stopBackupControl =
  runtime.database.kind === "pglite" ? await startBackupControl({ handle: runtime.database, dataDir: config.dataDir, logger }) : async () => {};

const metricsRegistry = createMetricsRegistry(
  () => collectOperationsFigures(runtime.database, { handlers: runtime.registry.eventHandlerIds(), operations: config.operations }),
  { processMetrics: true },
);
const expressOnlyPaths = ["/healthz", "/readyz", "/metrics", "/assets/*"];
// route patterns come from the Remix build; until it is loaded (dev) requests count as "(unknown)"
let routeOf: (path: string) => string = () => "(unknown)";

const viteDevServer = dev && servesApp
  ? await import("vite").then((vite) => vite.createServer({ server: { middlewareMode: true } }))
  : undefined;

const app = express();
app.disable("x-powered-by");
if (config.trustProxy) app.set("trust proxy", true);

app.use(httpMetrics((path) => routeOf(path)));
app.get("/metrics", metricsEndpoint(metricsRegistry, config.operations.metricsToken));

app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});
app.get("/readyz", async (_req, res) => {
  try {
    const ready = await migrationsApplied(runtime.database);
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "migrations pending", database: runtime.database.kind });
  } catch (error) {
    logger.error({ err: error }, "readiness check failed");
    res.status(503).json({ status: "database unreachable" });
  }
});

if (servesApp) await mountApp();
else app.use((_req, res) => void res.status(404).type("text/plain").send("Worker process: no pages here / Proses worker: tidak ada halaman di sini"));

app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  logger.error({ err: error }, "unhandled error");
  if (!res.headersSent) res.status(500).type("text/plain").send("Internal error / Kesalahan server");
});

/** Pages, APIs and assets: the Remix app behind the security middleware. */
async function mountApp() {
  app.use(compression());
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      if (req.path.startsWith("/assets/")) return;
      logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        "request",
      );
    });
    next();
  });
  app.use(securityHeaders({ dev, secure: config.cookieSecure }));

  if (viteDevServer) {
    app.use(viteDevServer.middlewares);
  } else {
    app.use("/assets", express.static(path.resolve(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.resolve(buildDir, "client"), { maxAge: "1h" }));
  }

  app.use(originCheck(config.appOrigin));

  app.use(pluginGate(runtime.registry, runtime.db));

  const build = viteDevServer
    ? () => viteDevServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
    : ((await import(/* @vite-ignore */ path.resolve(buildDir, "server/index.js"))) as ServerBuild);
  if (typeof build === "function") {
    void build().then((loaded) => (routeOf = createRouteMatcher(loaded.routes, expressOnlyPaths)), (error: unknown) => logger.warn({ err: error }, "route patterns for metrics not loaded"));
  } else {
    routeOf = createRouteMatcher(build.routes, expressOnlyPaths);
  }

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.env,
      async getLoadContext(req, res) {
        const request = new Request(`${config.appOrigin}${req.originalUrl}`, { headers: req.headers as HeadersInit });
        const { context, setCookie } = await buildLoadContext(runtime, request, { cspNonce: res.locals.cspNonce as string, clientIp: req.ip ?? null });
        if (setCookie) res.append("Set-Cookie", setCookie);
        return context;
      },
    }),
  );
}

const server = app.listen(config.port, config.host, () => {
  logger.info(
    { port: config.port, database: runtime.database.kind, role: config.role, readReplica: runtime.readDatabase !== runtime.database, url: config.appOrigin },
    servesApp ? `Nusa CRM is listening on ${config.appOrigin}` : `Nusa CRM worker is running (health and metrics on port ${config.port})`,
  );
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "shutting down");
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  server.close();
  server.closeIdleConnections?.();
  await viteDevServer?.close();
  await stopBackupControl();
  await runtime.stop();
  logger.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
