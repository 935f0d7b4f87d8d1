// GET /metrics in Prometheus's text format (prom-client). Two kinds of figures:
// - this process's own: HTTP requests by route pattern and status, sign-in failures, Node's
//   process metrics. Prometheus scrapes each instance and sums them.
// - the database's: job queues, event lag, the message outbox, connections, the last backup.
//   Read at scrape time (operations-figures.server.ts), the same from every instance: take max().
import crypto from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { OperationsFigures } from "./operations-figures.server.ts";

export const httpRequests = new Counter({
  name: "nusa_http_requests_total",
  help: "HTTP requests answered, by method, route pattern and status",
  labelNames: ["method", "route", "status"] as const,
  registers: [],
});

export const httpDuration = new Histogram({
  name: "nusa_http_request_duration_seconds",
  help: "Time to answer an HTTP request, by method, route pattern and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [],
});

export const signInFailuresCounter = new Counter({
  name: "nusa_sign_in_failures_total",
  help: "Failed sign-ins in this process since it started, by portal",
  labelNames: ["portal"] as const,
  registers: [],
});

/** Counts a failed sign-in (wrong e-mail or password, or rate-limited). */
export function countSignInFailure(portal: string) {
  signInFailuresCounter.inc({ portal });
}

type FigureSource = () => Promise<OperationsFigures>;

/**
 * A registry with this process's metrics and the database's figures. One scrape reads the
 * database once: every gauge's collect() shares the same read for a second.
 */
export function createMetricsRegistry(source: FigureSource, options: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  registry.registerMetric(httpRequests);
  registry.registerMetric(httpDuration);
  registry.registerMetric(signInFailuresCounter);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: "nusa_" });

  let cached: { at: number; figures: Promise<OperationsFigures> } | null = null;
  const figures = () => {
    if (!cached || Date.now() - cached.at > 1000) {
      const promise = source();
      cached = { at: Date.now(), figures: promise };
      promise.catch(() => (cached = null));
    }
    return cached.figures;
  };

  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, f: OperationsFigures) => void) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const f = await figures();
        this.reset();
        fill(this, f);
      },
    });

  gauge("nusa_job_queue_waiting", "Jobs due and not yet picked up, per queue", ["queue"], (g, f) => f.queues.forEach((q) => g.set({ queue: q.queue }, q.waiting)));
  gauge("nusa_job_queue_active", "Jobs running now, per queue", ["queue"], (g, f) => f.queues.forEach((q) => g.set({ queue: q.queue }, q.active)));
  gauge("nusa_job_queue_failed_24h", "Jobs that failed for good in the last 24 hours, per queue", ["queue"], (g, f) =>
    f.queues.forEach((q) => g.set({ queue: q.queue }, q.failed24h)),
  );
  gauge("nusa_job_queue_oldest_wait_seconds", "How long the oldest due job of the queue has waited", ["queue"], (g, f) =>
    f.queues.forEach((q) => g.set({ queue: q.queue }, q.oldestWaitSeconds)),
  );
  gauge("nusa_event_handler_pending", "Events of the last 7 days a handler has not had yet", ["handler", "event"], (g, f) =>
    f.handlers.forEach((h) => g.set({ handler: h.handler, event: h.event }, h.pending)),
  );
  gauge("nusa_event_handler_lag_seconds", "Age of the oldest event a handler has not had yet", ["handler", "event"], (g, f) =>
    f.handlers.forEach((h) => g.set({ handler: h.handler, event: h.event }, h.lagSeconds)),
  );
  gauge("nusa_event_horizon_held_seconds", "How long the oldest open writing transaction of this database has held back event delivery; 0 when none", [], (g, f) =>
    g.set(f.horizon.holder && f.horizon.waiting > 0 ? f.horizon.holder.ageSeconds : 0),
  );
  gauge("nusa_event_horizon_waiting", "Committed events waiting behind the oldest open writing transaction", [], (g, f) => g.set(f.horizon.waiting));
  gauge("nusa_messages", "Messages in the outbox by channel and status (sent = sent, delivered or read)", ["channel", "status"], (g, f) =>
    f.channels.forEach((c) => {
      g.set({ channel: c.channel, status: "sent" }, c.sent);
      g.set({ channel: c.channel, status: "failed" }, c.failed);
      g.set({ channel: c.channel, status: "queued" }, c.queued);
    }),
  );
  gauge("nusa_sign_in_failures_24h", "Failed sign-ins in the last 24 hours, all instances (audit log)", [], (g, f) => g.set(f.signInFailures24h));
  gauge("nusa_db_connections", "Connections of the app's processes on the database, by state", ["state"], (g, f) => {
    g.set({ state: "active" }, f.database.connections.active);
    g.set({ state: "idle" }, f.database.connections.idle);
  });
  gauge("nusa_db_pool_max", "Connections one process may open (its pool size)", [], (g, f) => g.set(f.database.poolMax));
  gauge("nusa_backup_last_timestamp_seconds", "When the last backup was taken (Unix time); 0 when none", [], (g, f) =>
    g.set(f.backup.lastAt ? Math.floor(f.backup.lastAt.getTime() / 1000) : 0),
  );
  gauge("nusa_backup_last_bytes", "Size of the last backup", [], (g, f) => g.set(f.backup.lastBytes ?? 0));
  return registry;
}

/**
 * GET /metrics behind a bearer token: 404 when no METRICS_TOKEN is set (the endpoint does not
 * exist), 401 for a missing or wrong token.
 */
export function metricsEndpoint(registry: Registry, token: string | null) {
  const expected = token ? crypto.createHash("sha256").update(`Bearer ${token}`).digest() : null;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!expected) return next();
    const given = crypto.createHash("sha256").update(req.get("authorization") ?? "").digest();
    if (!crypto.timingSafeEqual(given, expected)) {
      res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').type("text/plain").send("Unauthorized");
      return;
    }
    try {
      res.set("Content-Type", registry.contentType).send(await registry.metrics());
    } catch (error) {
      next(error);
    }
  };
}

/** Counts each answered request under its route pattern (never the raw path: ids would explode the series). */
export function httpMetrics(routeOf: (path: string) => string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = httpDuration.startTimer();
    res.on("finish", () => {
      const labels = { method: req.method, route: routeOf(req.path), status: String(res.statusCode) };
      end(labels);
      httpRequests.inc(labels);
    });
    next();
  };
}

interface RouteEntry {
  path?: string;
  parentId?: string;
  index?: boolean;
}

/**
 * A path -> route pattern function from Remix's route manifest (ServerBuild.routes): the most
 * specific pattern wins (static segments before parameters before a splat), as in Remix.
 * Single-fetch data requests (`/staff/contacts.data`) count under their page's pattern.
 */
export function createRouteMatcher(routes: Record<string, RouteEntry | undefined>, extra: string[] = []) {
  const fullPath = (id: string): string => {
    const route = routes[id];
    if (!route) return "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    const own = route.path ?? "";
    return own ? `${parent.replace(/\/$/, "")}/${own}` : parent;
  };
  const patterns = new Set<string>(extra);
  for (const id of Object.keys(routes)) patterns.add(fullPath(id).replace(/\/+$/, "") || "/");
  const compiled = [...patterns].map((pattern) => {
    const segments = pattern.split("/").filter(Boolean);
    const score = segments.map((s) => (s === "*" ? 1 : s.startsWith(":") ? 2 : 3));
    const regex = new RegExp(
      `^${segments
        .map((s) => (s === "*" ? "(?:/.*)?" : s.startsWith(":") ? (s.endsWith("?") ? "(?:/[^/]+)?" : "/[^/]+") : `/${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`))
        .join("")}/?$`,
    );
    return { pattern, regex, score };
  });
  compiled.sort((a, b) => {
    for (let i = 0; i < Math.max(a.score.length, b.score.length); i++) {
      const x = a.score[i] ?? 0;
      const y = b.score[i] ?? 0;
      if (x !== y) return y - x;
    }
    return 0;
  });
  return (path: string) => {
    const clean = path === "/_root.data" ? "/" : path.replace(/\.data$/, "");
    return compiled.find((c) => c.regex.test(clean))?.pattern ?? "(unmatched)";
  };
}
