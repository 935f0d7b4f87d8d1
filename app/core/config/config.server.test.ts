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
});
