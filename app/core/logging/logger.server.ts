import pino from "pino";

export type Logger = pino.Logger;

/** Structured JSON logs on stdout, one object per line. */
export function createLogger(options: { level?: string } = {}): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
    base: { service: "nusa-crm" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: ["password", "*.password", "token", "*.token", "req.headers.cookie", "req.headers.authorization"],
  });
}
