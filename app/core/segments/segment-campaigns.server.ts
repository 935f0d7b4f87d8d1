// Campaigns: one marketing message to a segment's members. Starting one records every member as a
// pending recipient (the segment as it is at that moment) and queues the first batch job in the
// same transaction; each batch offers the message to up to `batchSize` recipients through
// sendToContact, which checks marketing consent, blacklist and channel per contact, then queues
// the next batch. Sent / failed come from the messages' delivery status, read live.
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { rowsOf } from "../../../db/client.ts";
import { contacts, segmentCampaignRecipients, segmentCampaigns } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { JobSender } from "../messaging/email.server.ts";
import { sendToContact } from "../messaging/send-to-contact.server.ts";
import { segmentPlannerSettings, withSegmentPlanner } from "./segments.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { z } from "../validation/validation.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export const campaignBatchQueue = "core.segment-campaign.batch";
export const campaignBatchSize = 100;

export const campaignSchema = z.object({
  intent: z.literal("send"),
  // min(1) first, so an empty box says "required" rather than "too short"
  title: z.string().trim().min(1).min(2).max(120),
  message: z.string().trim().min(1).min(2).max(2000),
});
export type CampaignInput = { title: string; message: string };

/** Starts a campaign to the members `where` selects; returns its id and how many members it has. */
export async function startCampaign(db: Database, jobs: JobSender, actor: StaffActor, segment: { id: string; name: string }, where: SQL, input: CampaignInput) {
  return db.transaction(async (tx) => {
    await segmentPlannerSettings(tx);
    const [campaign] = await tx
      .insert(segmentCampaigns)
      .values({
        segmentId: segment.id,
        segmentName: segment.name,
        title: input.title,
        message: input.message,
        recipients: 0,
        createdBy: actor.userId,
      })
      .returning({ id: segmentCampaigns.id });
    const inserted = rowsOf<{ n: number }>(
      await tx.execute(sql`with added as (
          insert into segment_campaign_recipients (campaign_id, contact_id)
          select ${campaign.id}::uuid, ${contacts.id} from ${contacts} where ${where}
          returning 1)
        select count(*)::int as n from added`),
    );
    const recipients = Number(inserted[0]?.n ?? 0);
    await tx
      .update(segmentCampaigns)
      .set({
        recipients,
        ...(recipients ? {} : { status: "done", finishedAt: new Date() }),
      })
      .where(eq(segmentCampaigns.id, campaign.id));
    await audit(tx, actor, {
      action: "campaign.started",
      entityType: "segment",
      entityId: segment.id,
      data: { campaignId: campaign.id, recipients, title: input.title },
    });
    if (recipients) await jobs.send(campaignBatchQueue, { campaignId: campaign.id }, { db: tx });
    return { id: campaign.id, recipients };
  });
}

/** One batch: offers the message to the next pending recipients, then queues the next batch or finishes. */
export async function runCampaignBatch(db: Database, jobs: JobSender, campaignId: string) {
  return db.transaction(async (tx) => {
    const [campaign] = await tx.select().from(segmentCampaigns).where(eq(segmentCampaigns.id, campaignId)).for("update");
    if (!campaign || campaign.status === "done") return { processed: 0, done: true };
    const batch = await tx
      .select({ contactId: segmentCampaignRecipients.contactId })
      .from(segmentCampaignRecipients)
      .where(and(eq(segmentCampaignRecipients.campaignId, campaignId), eq(segmentCampaignRecipients.status, "pending")))
      .limit(campaignBatchSize);
    for (const { contactId } of batch) {
      const result = await sendToContact(tx, jobs, {
        contactId,
        template: "core.campaign",
        params: { title: campaign.title, message: campaign.message },
        purpose: "marketing",
        // skips are audited under the staff member who started the campaign
        actor: campaign.createdBy
          ? {
              kind: "staff",
              userId: campaign.createdBy,
              permissions: new Set(),
              branchId: null,
            }
          : null,
        staffUserId: campaign.createdBy,
      });
      await tx
        .update(segmentCampaignRecipients)
        .set(result.status === "queued" ? { status: "queued", messageId: result.messageId } : { status: "skipped", skipReason: result.reason })
        .where(and(eq(segmentCampaignRecipients.campaignId, campaignId), eq(segmentCampaignRecipients.contactId, contactId)));
    }
    const done = batch.length < campaignBatchSize;
    if (done) await tx.update(segmentCampaigns).set({ status: "done", finishedAt: new Date() }).where(eq(segmentCampaigns.id, campaignId));
    else await jobs.send(campaignBatchQueue, { campaignId }, { db: tx });
    return { processed: batch.length, done };
  });
}

export type CampaignCounts = {
  recipients: number;
  pending: number;
  queued: number;
  skipped: number;
  sent: number;
  failed: number;
  skippedNoConsent: number;
};

/** A segment's campaigns, newest first, with live counts. */
export async function campaignsOf(db: Database, segmentId: string) {
  const rows = await db
    .select({
      id: segmentCampaigns.id,
      title: segmentCampaigns.title,
      status: segmentCampaigns.status,
      createdAt: segmentCampaigns.createdAt,
      finishedAt: segmentCampaigns.finishedAt,
    })
    .from(segmentCampaigns)
    .where(eq(segmentCampaigns.segmentId, segmentId))
    .orderBy(desc(segmentCampaigns.createdAt))
    .limit(20);
  if (!rows.length) return [];
  const counts = rowsOf<CampaignCounts & { campaign_id: string }>(
    await db.execute(sql`select r.campaign_id,
        count(*)::int as recipients,
        (count(*) filter (where r.status = 'pending'))::int as pending,
        (count(*) filter (where r.status = 'queued'))::int as queued,
        (count(*) filter (where r.status = 'skipped'))::int as skipped,
        (count(*) filter (where r.status = 'skipped' and r.skip_reason in ('no_consent', 'consent_withdrawn')))::int as "skippedNoConsent",
        (count(*) filter (where m.status in ('sent', 'delivered', 'read')))::int as sent,
        (count(*) filter (where m.status = 'failed'))::int as failed
      from segment_campaign_recipients r left join messages m on m.id = r.message_id
      where r.campaign_id in (${sql.join(
        rows.map((r) => sql`${r.id}::uuid`),
        sql`, `,
      )})
      group by r.campaign_id`),
  );
  const byId = new Map(counts.map((c) => [c.campaign_id, c]));
  const zero: CampaignCounts = {
    recipients: 0,
    pending: 0,
    queued: 0,
    skipped: 0,
    sent: 0,
    failed: 0,
    skippedNoConsent: 0,
  };
  return rows.map((r) => {
    const c = byId.get(r.id);
    return {
      ...r,
      counts: c
        ? {
            recipients: c.recipients,
            pending: c.pending,
            queued: c.queued,
            skipped: c.skipped,
            sent: c.sent,
            failed: c.failed,
            skippedNoConsent: c.skippedNoConsent,
          }
        : zero,
    };
  });
}

/** How many of the members `where` selects have granted marketing consent (the most a campaign can reach). */
export async function countConsenting(db: Database, where: SQL) {
  const [row] = await withSegmentPlanner(db, (tx) =>
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(contacts)
      .where(and(where, sql`exists (select 1 from consents k where k.contact_id = ${contacts.id} and k.purpose = 'marketing' and k.granted)`)),
  );
  return Number(row?.n ?? 0);
}
