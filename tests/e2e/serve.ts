// Starts what the e2e suite talks to: a real SMTP receiver that writes each message to
// tests/e2e/.tmp/mail/, and the built server on a fresh embedded database with demo data.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startSmtpReceiver } from "../support/smtp-receiver.ts";
import { e2ePort, mailDir, tmpDir } from "./paths.ts";

fs.rmSync(tmpDir, { recursive: true, force: true });
fs.mkdirSync(mailDir, { recursive: true });

const smtp = await startSmtpReceiver({
  onMessage(mail) {
    const to = mail.to && "text" in mail.to ? mail.to.text : "";
    const file = path.join(mailDir, `${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    // written whole, then renamed: a test polling the folder never reads half a message
    fs.writeFileSync(`${file}.part`, JSON.stringify({ to, subject: mail.subject, text: mail.text, html: mail.html }));
    fs.renameSync(`${file}.part`, file);
  },
});

const server = spawn("npx", ["tsx", "app/server/index.ts"], {
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(e2ePort),
    APP_ORIGIN: `http://localhost:${e2ePort}`,
    DATA_DIR: path.join(tmpDir, "pglite"),
    SMTP_URL: smtp.url,
    DEMO_DATA: "1",
    LOG_LEVEL: "warn",
  },
});

const stop = async () => {
  server.kill("SIGTERM");
  await smtp.close();
};
process.on("SIGTERM", () => void stop().then(() => process.exit(0)));
process.on("SIGINT", () => void stop().then(() => process.exit(0)));
server.on("exit", (code) => process.exit(code ?? 1));
