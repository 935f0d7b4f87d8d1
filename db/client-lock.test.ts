import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseLockedError, openPglite } from "./client.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nusa-lock-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the embedded database folder", () => {
  it("refuses a second opener with a clear message, and is free again after close", async () => {
    const dataDir = path.join(dir, "a", "pglite");
    const first = await openPglite({ dataDir });
    const second = openPglite({ dataDir });
    await expect(second).rejects.toBeInstanceOf(DatabaseLockedError);
    await expect(second).rejects.toThrow(/already open by process \d+.*DATABASE_URL/s);
    await first.close();
    const again = await openPglite({ dataDir });
    await again.close();
    // three fresh embedded databases with migrations: minutes on a loaded 2-core machine
  }, 120_000);

  it("takes over a lock left by a process that died", async () => {
    const dataDir = path.join(dir, "b", "pglite");
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    fs.writeFileSync(`${dataDir}.lock`, "2147483646");
    const handle = await openPglite({ dataDir });
    expect(fs.readFileSync(`${dataDir}.lock`, "utf8")).toBe(String(process.pid));
    await handle.close();
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
