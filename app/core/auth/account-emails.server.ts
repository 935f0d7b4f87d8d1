// Account e-mails asked for by anyone who types an address (verification, password reset,
// "you already have an account"): the request only queues a job, so it answers alike and in
// alike time whether or not the account exists; the job looks the account up, issues the
// token, renders the e-mail and puts it in the outbox (issue 12, item 9b).
import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { users, type UserKind } from "../../../db/schema/index.ts";
import type { AppConfig } from "../config/config.server.ts";
import type { Language } from "../i18n/languages.ts";
import { queueEmail, renderActionEmail, type JobSender } from "../messaging/email.server.ts";
import { issueToken } from "./tokens.server.ts";

export const accountEmailQueue = "core.auth.account-email";

/** Per address typed and per client address, counted whether or not the account exists. */
export const accountEmailLimits = { perAccount: 3, perAddress: 20, windowMs: 15 * 60_000 };

export type AccountEmailPurpose = "verify-email" | "reset-password" | "account-exists";
export type AccountEmailResult = { ok: true } | { ok: false; error: "rateLimited" };

export interface AccountEmailJob {
  purpose: AccountEmailPurpose;
  kind: UserKind;
  email: string;
  language: Language;
}

/** Queues the job in the caller's transaction (pass it as db). */
export async function queueAccountEmail(runtime: { jobs: JobSender }, db: Database, input: AccountEmailJob) {
  await runtime.jobs.send(accountEmailQueue, { ...input }, { db });
}

/** The job: nothing at all when there is no such account (or it should not get this e-mail). */
export async function deliverAccountEmail(db: Database, services: { jobs: JobSender; config: Pick<AppConfig, "appOrigin"> }, data: Record<string, unknown>) {
  const job = data as unknown as AccountEmailJob;
  const [user] = await db
    .select({ id: users.id, name: users.name, locale: users.locale, active: users.active, verified: users.emailVerifiedAt, contactId: users.contactId })
    .from(users)
    .where(and(eq(users.kind, job.kind), eq(users.email, job.email)));
  if (!user) return "no_account";
  // the owner's saved language wins over the browser of whoever typed the address
  const language = (user.locale as Language | null) ?? job.language;
  const link = (path: string, token: string) => `${services.config.appOrigin}${path}?token=${encodeURIComponent(token)}`;
  await db.transaction(async (tx) => {
    let template: "auth.verify-email" | "auth.reset-password" | "auth.account-exists";
    let url: string;
    if (job.purpose === "verify-email") {
      if (user.verified) return;
      template = "auth.verify-email";
      url = link("/portal/verify", await issueToken(tx, user.id, "email_verification"));
    } else {
      if (!user.active) return;
      template = job.purpose === "reset-password" ? "auth.reset-password" : "auth.account-exists";
      url = link("/reset-password", await issueToken(tx, user.id, "password_reset"));
    }
    const email = await renderActionEmail(template, language, { name: user.name, url });
    await queueEmail(tx, services.jobs, { to: job.email, template, language, email, userId: user.id, contactId: user.contactId ?? undefined });
  });
  return "queued";
}
