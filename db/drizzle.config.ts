import { defineConfig } from "drizzle-kit";

// One migration history for the core and every installed plugin.
export default defineConfig({
  dialect: "postgresql",
  schema: ["./db/schema/index.ts", "./plugins/*/schema.ts"],
  out: "./db/migrations",
  strict: true,
});
