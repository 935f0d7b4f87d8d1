import fs from "node:fs";
import path from "node:path";
import { mailDir } from "./paths.ts";

export interface CapturedMail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Waits for the newest message to an address that the real SMTP receiver captured, optionally
 * one whose subject matches and that arrived after `since` (file names start with Date.now()).
 */
export async function waitForMail(to: string, options: { subject?: RegExp; since?: number; timeoutMs?: number } = {}): Promise<CapturedMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    for (const f of fs.readdirSync(mailDir).sort().reverse()) {
      if (!f.endsWith(".json") || Number(f.split("-")[0]) < (options.since ?? 0)) continue;
      const mail = JSON.parse(fs.readFileSync(path.join(mailDir, f), "utf8")) as CapturedMail;
      if (mail.to.includes(to) && (!options.subject || options.subject.test(mail.subject))) return mail;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no e-mail to ${to}${options.subject ? ` matching ${options.subject}` : ""} arrived`);
}

export function linkIn(mail: CapturedMail, pathPart: string) {
  const match = mail.text.match(new RegExp(`https?://\\S+${pathPart}\\?token=\\S+`));
  if (!match) throw new Error(`no ${pathPart} link in the e-mail`);
  const url = new URL(match[0]);
  return url.pathname + url.search;
}
