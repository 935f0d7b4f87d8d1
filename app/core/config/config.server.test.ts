import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.server.ts";

describe("configuration", () => {
  it("has working defaults for a newcomer", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demoData).toBe(true);
    expect(config.appOrigin).toBe("http://localhost:3000");
    expect(config.cookieSecure).toBe(false);
  });

  it("turns demo data off on a real database unless asked, and secures cookies on https", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u@db:5432/nusa", APP_ORIGIN: "https://crm.rsnusa.co.id/" });
    expect(config.demoData).toBe(false);
    expect(config.cookieSecure).toBe(true);
    expect(config.appOrigin).toBe("https://crm.rsnusa.co.id");
    expect(loadConfig({ DATABASE_URL: "postgres://u@db/nusa", DEMO_DATA: "1" }).demoData).toBe(true);
  });

  it("lists every bad setting at once, by name", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "tiga ribu", DATABASE_URL: "mysql://x", SMTP_URL: "http://mail", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ["PORT", "DATABASE_URL", "SMTP_URL", "LOG_LEVEL"]) expect(message).toContain(name);
  });

  it("backs up daily next to the embedded database by default, on PostgreSQL only when asked", () => {
    const local = loadConfig({ DATA_DIR: "/srv/nusa/.data/pglite" }).operations;
    expect(local.backupDir).toBe("/srv/nusa/.data/backups");
    expect(local.backupKeep).toBe(7);
    expect(local.backupCron).toBe("0 19 * * *");
    expect(local.metricsToken).toBeNull();
    expect(loadConfig({ BACKUP_DIR: "off" }).operations.backupDir).toBeNull();
    expect(loadConfig({ DATABASE_URL: "postgres://u@db/nusa" }).operations.backupDir).toBeNull();
    expect(loadConfig({ DATABASE_URL: "postgres://u@db/nusa", BACKUP_DIR: "/backups", BACKUP_KEEP: "30" }).operations).toMatchObject({ backupDir: "/backups", backupKeep: 30 });
  });

  it("refuses bad operations settings by name", () => {
    let message = "";
    try {
      loadConfig({ BACKUP_KEEP: "0", BACKUP_CRON: "daily", METRICS_TOKEN: "short", ALERT_QUEUE_MINUTES: "-1" });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const name of ["BACKUP_KEEP", "BACKUP_CRON", "METRICS_TOKEN", "ALERT_QUEUE_MINUTES"]) expect(message).toContain(name);
  });

  it("runs as one process (web and worker) by default; splitting and a read replica need PostgreSQL", () => {
    expect(loadConfig({}).role).toBe("all");
    expect(loadConfig({}).databaseReadUrl).toBeUndefined();
    const primary = "postgres://u@db/nusa";
    expect(loadConfig({ DATABASE_URL: primary, NUSA_ROLE: "web" }).role).toBe("web");
    expect(loadConfig({ DATABASE_URL: primary, NUSA_ROLE: "worker", DATABASE_READ_URL: "postgres://u@replica/nusa" })).toMatchObject({ role: "worker", databaseReadUrl: "postgres://u@replica/nusa" });
    expect(() => loadConfig({ NUSA_ROLE: "worker" })).toThrow(/NUSA_ROLE: "worker" needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_READ_URL: "postgres://u@replica/nusa" })).toThrow(/DATABASE_READ_URL: a read replica needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: primary, NUSA_ROLE: "both" })).toThrow(/NUSA_ROLE/);
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: "mysql://replica" })).toThrow(/DATABASE_READ_URL/);
  });
});
