// Work notices to our own users — partner users of one organisation, or staff who hold a permission
// — in each user's language. The caller's transaction only records a job (the outbox); the job finds
// the recipients, renders one e-mail per user and puts each in the e-mail outbox. So a rolled-back
// change sends nothing, and the request that made the change renders no e-mail.
import { render } from "@react-email/components";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { createElement } from "react";
import { z } from "../validation/validation.ts";
import type { Database } from "../../../db/client.ts";
import { rolePermissions, roles, userRoles, users } from "../../../db/schema/index.ts";
import { UserNoticeEmail } from "../../../emails/user-notice-email.tsx";
import { fixedT } from "../i18n/i18n.server.ts";
import { isLanguage, type Language } from "../i18n/languages.ts";
import { queueEmail, type JobSender } from "./email.server.ts";
import { renderTemplateText, templateTextKey } from "./send-to-contact.server.ts";

export const userNoticeQueue = "core.messaging.user-notice";

const uuid = z.string().uuid();
const audienceSchema = z.discriminatedUnion("kind", [
  /** Every active partner user of one organisation. */
  z.object({ kind: z.literal("partnerOrganisation"), partnerOrgId: uuid }),
  /**
   * Active staff whose roles grant the permission by name (an all-permissions admin role does not
   * count: admins are not mailed about every record), working at the branch or at no fixed branch.
   */
  z.object({ kind: z.literal("staffWithPermission"), permission: z.string().min(3), branchId: uuid.nullish() }),
  /** Named staff users (e.g. the doctor who wrote a referral), if still active. */
  z.object({ kind: z.literal("staffUsers"), userIds: z.array(uuid).max(50) }),
  /** A shared mailbox of the organisation (e.g. the referral desk's), in the language given. */
  z.object({ kind: z.literal("address"), email: z.string().trim().toLowerCase().email(), language: z.enum(["id", "en"]) }),
]);
export type UserNoticeAudience = z.infer<typeof audienceSchema>;

const noticeSchema = z.object({
  audiences: z.array(audienceSchema).min(1).max(5),
  template: z.string().min(3),
  params: z.record(z.union([z.string(), z.number()])).default({}),
  localizedParams: z.record(z.string()).default({}),
  path: z.string().regex(/^\/(staff|partner|portal)\//),
  excludeUserIds: z.array(uuid).default([]),
});

export interface UserNoticeInput {
  /** Who hears about it; users in several audiences get one e-mail. */
  audiences: UserNoticeAudience[];
  /** "<plugin-id>.<name>": texts in `<plugin-id>:messages.<name>` (subject, body, action). */
  template: string;
  /** Values for the texts' placeholders; `name` is each recipient's own name. */
  params?: Record<string, string | number>;
  /** Placeholders translated per recipient: placeholder -> "<namespace>:<key>" (e.g. a status label). */
  localizedParams?: Record<string, string>;
  /** The record's page, from the app's origin: "/partner/referrals/<id>". */
  path: string;
  /** Users who made the change themselves and need no mail about it. */
  excludeUserIds?: string[];
}

/**
 * Queues a notice to staff or partner users in the caller's transaction (pass it as `db`); the
 * e-mails are rendered and queued by a job, one per user, in the user's own language.
 */
export async function notifyUsers(db: Database, jobs: JobSender, input: UserNoticeInput) {
  const notice = noticeSchema.parse(input);
  templateTextKey(notice.template); // a malformed template name is a programming error: fail loudly
  await jobs.send(userNoticeQueue, notice as unknown as Record<string, unknown>, { db });
}

interface NoticeRecipient {
  /** null for a shared mailbox (no user account). */
  id: string | null;
  email: string;
  name: string;
  locale: string | null;
  kind: "staff" | "partner" | "customer";
}

async function recipientsOf(db: Database, audience: UserNoticeAudience): Promise<NoticeRecipient[]> {
  const columns = { id: users.id, email: users.email, name: users.name, locale: users.locale, kind: users.kind };
  if (audience.kind === "address") return [{ id: null, email: audience.email, name: "", locale: audience.language, kind: "staff" }];
  if (audience.kind === "partnerOrganisation") {
    return db
      .select(columns)
      .from(users)
      .where(and(eq(users.kind, "partner"), eq(users.active, true), eq(users.partnerOrgId, audience.partnerOrgId)));
  }
  if (audience.kind === "staffUsers") {
    if (!audience.userIds.length) return [];
    return db
      .select(columns)
      .from(users)
      .where(and(eq(users.kind, "staff"), eq(users.active, true), inArray(users.id, audience.userIds)));
  }
  return db
    .selectDistinct(columns)
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .innerJoin(rolePermissions, and(eq(rolePermissions.roleId, userRoles.roleId), eq(rolePermissions.permissionId, audience.permission)))
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(
      and(
        eq(users.kind, "staff"),
        eq(users.active, true),
        audience.branchId ? or(isNull(users.branchId), eq(users.branchId, audience.branchId)) : sql`true`,
      ),
    );
}

/** The job: finds the recipients now and queues one e-mail per user, in their language. */
const t0 = (language: Language) => fixedT(language, "emails");

export async function deliverUserNotice(db: Database, runtime: { jobs: JobSender; config: { appOrigin: string } }, data: Record<string, unknown>) {
  const notice = noticeSchema.parse(data);
  const excluded = new Set(notice.excludeUserIds);
  const seen = new Set<string>();
  const recipients: NoticeRecipient[] = [];
  for (const audience of notice.audiences) {
    for (const user of await recipientsOf(db, audience)) {
      // one e-mail per address, even for someone in several audiences or a mailbox that is also a user's
      if ((user.id && excluded.has(user.id)) || seen.has(user.email)) continue;
      seen.add(user.email);
      recipients.push(user);
    }
  }
  const url = `${runtime.config.appOrigin}${notice.path}`;
  const outgoing: { user: NoticeRecipient; language: Language; email: { subject: string; html: string; text: string } }[] = [];
  for (const user of recipients) {
    const language: Language = isLanguage(user.locale) ? user.locale : "id";
    const localized = Object.fromEntries(
      Object.entries(notice.localizedParams).map(([param, key]) => {
        const colon = key.indexOf(":");
        return [param, colon > 0 ? fixedT(language, key.slice(0, colon))(key.slice(colon + 1)) : key];
      }),
    );
    const greetingName = user.name || t0(language)("userNotices.team");
    const params = { ...notice.params, ...localized, name: greetingName };
    const { subject, body } = renderTemplateText(notice.template, language, params);
    const { ns, key } = templateTextKey(notice.template);
    const t = fixedT(language, "emails");
    const element = createElement(UserNoticeEmail, {
      lang: language,
      preview: subject,
      greeting: t("userNotices.greeting", { name: greetingName }),
      body,
      url,
      action: fixedT(language, ns)(`${key}.action`, { defaultValue: t("userNotices.open") }),
      linkFallback: t("linkFallback"),
      reason: t(`userNotices.reason.${user.kind === "partner" ? "partner" : "staff"}`),
      footer: t("footer"),
    });
    outgoing.push({ user, language, email: { subject, html: await render(element), text: await render(element, { plainText: true }) } });
  }
  // all or none: a retry after a failure never sends anyone a second copy
  await db.transaction(async (tx) => {
    for (const { user, language, email } of outgoing) {
      await queueEmail(tx, runtime.jobs, { to: user.email, template: notice.template, language, email, userId: user.id ?? undefined });
    }
  });
  return recipients.length;
}
