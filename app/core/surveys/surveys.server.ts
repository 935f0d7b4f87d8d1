// Satisfaction surveys: asked once per source (a closed ticket, a visit, a purchase), sent by
// e-mail with a single-use link, answered once — from the link without signing in, or in the portal.
import crypto from "node:crypto";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, consents, contacts, messages, surveys, tickets } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { defaultLanguage } from "../i18n/languages.ts";
import { recordInteraction } from "../interactions/interactions.server.ts";
import { queueEmail, renderNoticeEmail, type JobSender } from "../messaging/email.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { contactRecipient } from "../tickets/ticket-notifications.server.ts";
import type { SatisfactionRating } from "../tickets/ticket-forms.ts";
import { satisfactionRatings } from "./survey-forms.ts";
import { isUuid } from "../validation/ids.ts";

type CustomerActor = Extract<Actor, { kind: "customer" }>;

/** The job that e-mails a requested survey. */
export const surveySendQueue = "core.surveys.send";
/** How long a survey link can be answered. */
export const surveyLifetimeMs = 14 * 24 * 3600_000;

export interface SurveyRequest {
  contactId: string;
  /** What the survey is about, e.g. "ticket", "appointments.visit", "pos.sale". */
  sourceType: string;
  sourceId: string;
  branchId?: string | null;
  /** The staff member who served the contact; results are counted per staff member. */
  staffUserId?: string | null;
}

export type SurveyRefusal = "noConsent" | "noAddress" | "unknownContact";
export type SurveyRequestResult = { ok: true; surveyId: string; created: boolean } | { ok: false; reason: SurveyRefusal };

function digest(token: string) {
  return crypto.createHash("sha256").update(token).digest("hex");
}

function newToken() {
  return crypto.randomBytes(32).toString("base64url");
}


/**
 * May we ask this contact? A withdrawn "surveys" consent always wins. An explicit "surveys"
 * consent allows it. Never asked about surveys: a satisfaction question about a service the
 * person just used is part of that service, so consent to service messages is enough.
 * See docs/decisions/004-tickets-tasks-surveys.md.
 */
export async function surveyConsent(db: Database, contactId: string): Promise<"ok" | "noConsent"> {
  const rows = await db
    .select({ purpose: consents.purpose, granted: consents.granted })
    .from(consents)
    .where(and(eq(consents.contactId, contactId), sql`${consents.purpose} in ('surveys', 'service_messages')`));
  const surveysAnswer = rows.find((r) => r.purpose === "surveys");
  if (surveysAnswer) return surveysAnswer.granted ? "ok" : "noConsent";
  return rows.find((r) => r.purpose === "service_messages")?.granted ? "ok" : "noConsent";
}

async function mayAsk(db: Database, contactId: string): Promise<"ok" | SurveyRefusal> {
  const [contact] = await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contactId));
  if (!contact) return "unknownContact";
  if (!(await contactRecipient(db, contactId))) return "noAddress";
  return surveyConsent(db, contactId);
}

/**
 * Asks a contact for a satisfaction rating about one source, once: a second request for the same
 * source returns the first survey. The e-mail is sent by a job queued in the same transaction.
 */
export async function requestSurvey(db: Database, jobs: JobSender, input: SurveyRequest): Promise<SurveyRequestResult> {
  if (!isUuid(input.contactId)) return { ok: false, reason: "unknownContact" };
  const sourceType = input.sourceType.trim().slice(0, 100);
  const sourceId = String(input.sourceId).trim().slice(0, 200);
  if (!sourceType || !sourceId) throw new Error("requestSurvey needs a sourceType and a sourceId");
  return db.transaction(async (tx) => {
    const existing = async () => {
      const [row] = await tx.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.sourceType, sourceType), eq(surveys.sourceId, sourceId)));
      return row ?? null;
    };
    const before = await existing();
    if (before) return { ok: true as const, surveyId: before.id, created: false };
    const allowed = await mayAsk(tx, input.contactId);
    if (allowed !== "ok") return { ok: false as const, reason: allowed };
    const [row] = await tx
      .insert(surveys)
      .values({
        contactId: input.contactId,
        sourceType,
        sourceId,
        branchId: input.branchId ?? null,
        staffUserId: input.staffUserId ?? null,
        // a placeholder: the sending job replaces it with the hash of the token it e-mails
        tokenHash: digest(newToken()),
        expiresAt: new Date(Date.now() + surveyLifetimeMs),
      })
      .onConflictDoNothing()
      .returning({ id: surveys.id });
    if (!row) {
      const raced = await existing();
      return { ok: true as const, surveyId: raced!.id, created: false };
    }
    await jobs.send(surveySendQueue, { surveyId: row.id }, { db: tx });
    return { ok: true as const, surveyId: row.id, created: true };
  });
}

/** The sending job: one e-mail per survey, even when the job is retried. */
export async function sendSurvey(db: Database, runtime: { jobs: JobSender; config: { appOrigin: string } }, surveyId: string) {
  await db.transaction(async (tx) => {
    const [survey] = await tx
      .select()
      .from(surveys)
      .where(and(eq(surveys.id, surveyId), isNull(surveys.answeredAt), gt(surveys.expiresAt, sql`now()`)))
      .for("update");
    if (!survey) return;
    const [sent] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.template, "surveys.request"), sql`${messages.params}->>'surveyId' = ${survey.id}`))
      .limit(1);
    if (sent) return;
    // consent may have been withdrawn since the request
    if ((await surveyConsent(tx, survey.contactId)) !== "ok") return;
    const to = await contactRecipient(tx, survey.contactId);
    if (!to) return;
    const token = newToken();
    await tx.update(surveys).set({ tokenHash: digest(token), sentAt: new Date() }).where(eq(surveys.id, survey.id));
    const t = fixedT(to.language, "emails");
    const about = await describeSource(tx, survey);
    const link = `${runtime.config.appOrigin}/survey?token=${encodeURIComponent(token)}`;
    const email = await renderNoticeEmail("surveys.request", to.language, {
      name: to.name,
      values: { about: t(`surveys.about.${about.kind}`, about) },
      url: link,
      choices: satisfactionRatings.map((rating) => ({ label: t(`surveys.ratings.${rating}`), url: `${link}&rating=${rating}` })),
      withNote: true,
    });
    const messageId = await queueEmail(tx, runtime.jobs, {
      to: to.email,
      template: "surveys.request",
      language: to.language,
      email,
      userId: to.userId ?? undefined,
      contactId: survey.contactId,
    });
    // marks this survey as mailed, so a retried job does not send it twice
    await tx.update(messages).set({ params: { surveyId: survey.id } }).where(eq(messages.id, messageId));
    await recordInteraction(tx, {
      contactId: survey.contactId,
      channel: "survey",
      direction: "outbound",
      subject: fixedT(defaultLanguage, "staff")("surveys.timeline.sent"),
      staffUserId: survey.staffUserId,
      branchId: survey.branchId,
      sourceType: "survey",
      sourceId: survey.id,
    });
  });
}

/** What the survey asks about, in words the contact recognises (never the ticket's subject). */
async function describeSource(db: Database, survey: { sourceType: string; sourceId: string; branchId: string | null }) {
  if (survey.sourceType === "ticket" && isUuid(survey.sourceId)) {
    const [ticket] = await db.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, survey.sourceId));
    if (ticket) return { kind: "ticket" as const, number: ticket.number, branch: "" };
  }
  if (survey.branchId) {
    const [branch] = await db.select({ name: branches.name }).from(branches).where(eq(branches.id, survey.branchId));
    if (branch) return { kind: "branch" as const, number: "", branch: branch.name };
  }
  return { kind: "service" as const, number: "", branch: "" };
}

export type SurveyState = "open" | "answered" | "expired" | "invalid";

/** A survey as the link shows it, without using the token up. */
export async function surveyByToken(db: Database, token: string) {
  if (!token || token.length > 200) return { state: "invalid" as const, about: null, rating: null };
  const [survey] = await db.select().from(surveys).where(eq(surveys.tokenHash, digest(token)));
  if (!survey) return { state: "invalid" as const, about: null, rating: null };
  const state: SurveyState = survey.answeredAt ? "answered" : survey.expiresAt <= new Date() ? "expired" : "open";
  return { state, about: await describeSource(db, survey), rating: survey.rating };
}

/** Answers from the e-mailed link; a second answer, an expired or an unknown link is refused. */
export async function answerSurveyByToken(
  db: Database,
  token: string,
  answer: { rating: SatisfactionRating; comment: string | null },
): Promise<{ ok: true } | { ok: false; state: Exclude<SurveyState, "open"> }> {
  if (!token || token.length > 200) return { ok: false, state: "invalid" };
  const done = await db.transaction(async (tx) => {
    const [survey] = await tx
      .update(surveys)
      .set({ answeredAt: new Date(), rating: answer.rating, comment: answer.comment })
      .where(and(eq(surveys.tokenHash, digest(token)), isNull(surveys.answeredAt), gt(surveys.expiresAt, sql`now()`)))
      .returning();
    if (!survey) return false;
    await afterAnswer(tx, survey, null);
    return true;
  });
  if (done) return { ok: true };
  const { state } = await surveyByToken(db, token);
  return { ok: false, state: state === "open" ? "answered" : state };
}

/** The signed-in customer's surveys still waiting for an answer. */
export async function pendingSurveysOf(db: Database, actor: CustomerActor) {
  const rows = await db
    .select({ id: surveys.id, sourceType: surveys.sourceType, sourceId: surveys.sourceId, branchId: surveys.branchId, sentAt: surveys.sentAt, expiresAt: surveys.expiresAt })
    .from(surveys)
    .where(and(eq(surveys.contactId, actor.contactId), isNull(surveys.answeredAt), gt(surveys.expiresAt, sql`now()`)))
    .orderBy(desc(surveys.sentAt))
    .limit(20);
  return Promise.all(rows.map(async (r) => ({ id: r.id, sentAt: r.sentAt, expiresAt: r.expiresAt, about: await describeSource(db, r) })));
}

/** One of the customer's own surveys (scoped by the session's contact, never the URL alone). */
export async function getOwnSurvey(db: Database, actor: CustomerActor, surveyId: string) {
  if (!isUuid(surveyId)) return null;
  const [survey] = await db.select().from(surveys).where(and(eq(surveys.id, surveyId), eq(surveys.contactId, actor.contactId)));
  if (!survey) return null;
  const state: SurveyState = survey.answeredAt ? "answered" : survey.expiresAt <= new Date() ? "expired" : "open";
  return { id: survey.id, state, rating: survey.rating, about: await describeSource(db, survey) };
}

export async function answerOwnSurvey(
  db: Database,
  actor: CustomerActor,
  surveyId: string,
  answer: { rating: SatisfactionRating; comment: string | null },
): Promise<{ ok: true } | { ok: false; state: Exclude<SurveyState, "open"> }> {
  if (!isUuid(surveyId)) return { ok: false, state: "invalid" };
  const done = await db.transaction(async (tx) => {
    const [survey] = await tx
      .update(surveys)
      .set({ answeredAt: new Date(), rating: answer.rating, comment: answer.comment })
      .where(and(eq(surveys.id, surveyId), eq(surveys.contactId, actor.contactId), isNull(surveys.answeredAt), gt(surveys.expiresAt, sql`now()`)))
      .returning();
    if (!survey) return false;
    await afterAnswer(tx, survey, actor);
    return true;
  });
  if (done) return { ok: true };
  const own = await getOwnSurvey(db, actor, surveyId);
  if (!own) return { ok: false, state: "invalid" };
  return { ok: false, state: own.state === "open" ? "answered" : own.state };
}

type SurveyRow = typeof surveys.$inferSelect;

async function afterAnswer(tx: Database, survey: SurveyRow, actor: Actor | null) {
  if (survey.sourceType === "ticket" && isUuid(survey.sourceId)) {
    // the ticket shows the same answer; a rating already given on the ticket is kept
    await tx
      .update(tickets)
      .set({ satisfaction: survey.rating, satisfactionComment: survey.comment, updatedAt: new Date() })
      .where(and(eq(tickets.id, survey.sourceId), eq(tickets.contactId, survey.contactId), isNull(tickets.satisfaction)));
  }
  await recordAnswerOnTimeline(tx, survey);
  await audit(tx, actor, { action: "survey.answered", entityType: "survey", entityId: survey.id, data: { rating: survey.rating, sourceType: survey.sourceType } });
}

async function recordAnswerOnTimeline(tx: Database, survey: SurveyRow) {
  const t = fixedT(defaultLanguage, "staff");
  await recordInteraction(tx, {
    contactId: survey.contactId,
    channel: "survey",
    direction: "inbound",
    subject: t("surveys.timeline.answered", { rating: t(`surveys.ratings.${survey.rating}`) }),
    body: survey.comment,
    staffUserId: survey.staffUserId,
    branchId: survey.branchId,
    sourceType: "survey",
    sourceId: survey.id,
  });
}

/**
 * A rating given on the ticket itself (portal) is also the ticket's survey answer, so results
 * count it once and no survey is sent for it afterwards.
 */
export async function recordTicketRating(
  tx: Database,
  ticket: { id: string; contactId: string; branchId: string | null; assigneeId: string | null },
  answer: { rating: SatisfactionRating; comment: string | null },
) {
  const now = new Date();
  const [pending] = await tx
    .update(surveys)
    .set({ answeredAt: now, rating: answer.rating, comment: answer.comment })
    .where(and(eq(surveys.sourceType, "ticket"), eq(surveys.sourceId, ticket.id), isNull(surveys.answeredAt)))
    .returning();
  if (pending) return recordAnswerOnTimeline(tx, pending);
  const [created] = await tx
    .insert(surveys)
    .values({
      contactId: ticket.contactId,
      sourceType: "ticket",
      sourceId: ticket.id,
      branchId: ticket.branchId,
      staffUserId: ticket.assigneeId,
      // answered in place: no link was ever sent, the hash is of a token nobody holds
      tokenHash: digest(newToken()),
      sentAt: now,
      expiresAt: now,
      answeredAt: now,
      rating: answer.rating,
      comment: answer.comment,
    })
    .onConflictDoNothing()
    .returning();
  if (created) await recordAnswerOnTimeline(tx, created);
}
