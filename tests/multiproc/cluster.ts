// Starts what tests/multiproc/web-and-workers.test.ts talks to: app processes in a role
// (NUSA_ROLE) on one PostgreSQL, and nginx in front of the web ones with deploy/nginx.conf.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The nginx binary, or null (Debian: apt-get install nginx-light). */
export function findNginx(): string | null {
  for (const candidate of [process.env.NGINX, "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"]) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  const found = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

/**
 * The Remix build the processes serve: BUILD_DIR or build/ when present (CI builds before the
 * PostgreSQL suite), else one made here in .cache/multiproc-build, once (about 45 s on 2 cores).
 */
export function ensureBuild(): string {
  for (const dir of [process.env.BUILD_DIR, "build"]) {
    if (dir && fs.existsSync(path.resolve(root, dir, "server/index.js"))) return path.resolve(root, dir);
  }
  const dir = path.join(root, ".cache", "multiproc-build");
  if (!fs.existsSync(path.join(dir, "server/index.js"))) {
    const built = spawnSync("npx", ["remix", "vite:build"], { cwd: root, env: { ...process.env, BUILD_DIR: dir, VITEST: "", NODE_ENV: "production" }, encoding: "utf8" });
    if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
  }
  return dir;
}

/** A port nobody listens on, in the range the machine's etiquette leaves to tests. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 41000 + Math.floor(Math.random() * 9000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface AppProcess {
  role: "web" | "worker";
  port: number;
  child: ChildProcess;
  /** What it printed, for the failure message. */
  output(): string;
}

/** The environment of the child: the test runner's own settings (fake clock, vitest) left out. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && !key.startsWith("TEST_") && key !== "NODE_OPTIONS");
  return { ...Object.fromEntries(inherited), ...extra } as NodeJS.ProcessEnv;
}

/** Every process started, so that a failing test leaves none running. */
const running = new Set<ChildProcess>();

/** Stops whatever is still running (afterAll). */
export async function stopAll() {
  await Promise.all([...running].map((child) => stopApp({ child })));
}

/** One app process (node --import tsx, one process: a SIGKILL kills the server itself). */
export async function startApp(role: "web" | "worker", port: number, env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "app/server/index.ts"], {
    cwd: root,
    env: childEnv({ ...env, NUSA_ROLE: role, PORT: String(port), HOST: "127.0.0.1" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const app: AppProcess = { role, port, child, output: () => output };
  // tsx compiles the server on its first start (cached after): minutes on a busy 2-core machine
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${role} on ${port} exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return app;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`${role} on ${port} was not ready within 240 s:\n${output}`);
}

/** Ends a process without letting it clean up: a crash, a power cut, an OOM kill. */
export async function crash(app: AppProcess) {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise((resolve) => app.child.once("exit", resolve));
  app.child.kill("SIGKILL");
  await exited;
}

export async function stopApp(app: Pick<AppProcess, "child">) {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise((resolve) => app.child.once("exit", resolve));
  app.child.kill("SIGTERM");
  const timer = setTimeout(() => app.child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface Proxy {
  port: number;
  stop(): Promise<void>;
}

/**
 * nginx on deploy/nginx.conf, changed only where a test must be: its own port, prefix, pid and
 * temporary folders (nothing under /var or /run), and the upstream's web ports.
 */
export async function startNginx(binary: string, port: number, webPorts: number[]): Promise<Proxy> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "nusa-nginx-"));
  fs.chmodSync(prefix, 0o777); // nginx's workers run as www-data when the test runs as root
  let conf = fs.readFileSync(path.join(root, "deploy/nginx.conf"), "utf8");
  const replace = (pattern: RegExp, by: string) => {
    if (!pattern.test(conf)) throw new Error(`deploy/nginx.conf no longer has ${pattern}`);
    conf = conf.replace(pattern, by);
  };
  replace(/^worker_processes .*;$/m, "worker_processes 1;");
  replace(/^pid .*;$/m, `pid ${prefix}/nginx.pid;`);
  replace(/^error_log .*;$/m, `error_log ${prefix}/error.log warn;`);
  replace(/^(\s*)access_log .*;$/m, "$1access_log off;");
  replace(
    /^http \{$/m,
    `http {\n${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((k) => `  ${k}_temp_path ${prefix}/${k};`).join("\n")}`,
  );
  replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`);
  const upstream = /^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n(\s*server 127\.0\.0\.1:\d+( [^;]*)?;\n)*/m;
  replace(upstream, webPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;\n`).join(""));
  const file = path.join(prefix, "nginx.conf");
  fs.writeFileSync(file, conf);

  const child = spawn(binary, ["-p", prefix, "-c", file, "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${output}\n${conf}`);
    const listening = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (listening) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGQUIT");
        await exited;
      }
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}
