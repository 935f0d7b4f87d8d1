import fs from "node:fs";
import path from "node:path";
import { mailDir } from "./paths.ts";

export interface CapturedMail {
  to: string;
  subject: string;
  text: string;
}

/** Waits for the newest message to an address that the real SMTP receiver captured. */
export async function waitForMail(to: string, options: { subject?: RegExp; timeoutMs?: number } = {}): Promise<CapturedMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    const mails = fs
      .readdirSync(mailDir)
      .sort()
      .reverse()
      .map((f) => JSON.parse(fs.readFileSync(path.join(mailDir, f), "utf8")) as CapturedMail)
      .filter((m) => m.to.includes(to) && (!options.subject || options.subject.test(m.subject)));
    if (mails[0]) return mails[0];
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no e-mail to ${to} arrived`);
}

export function linkIn(mail: CapturedMail, pathPart: string) {
  const match = mail.text.match(new RegExp(`https?://\\S+${pathPart}\\?token=\\S+`));
  if (!match) throw new Error(`no ${pathPart} link in the e-mail`);
  const url = new URL(match[0]);
  return url.pathname + url.search;
}
