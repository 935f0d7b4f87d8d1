// Staff open a photo, voice note or document a contact sent on WhatsApp: the media id kept with the
// timeline entry is fetched through the Cloud API (the file is not stored here) and audited.
import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { whatsappMedia } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { downloadWhatsAppMedia, readWhatsAppSettings, WhatsAppMediaError } from "./whatsapp.server.ts";
import { isUuid } from "../validation/ids.ts";


/** The media row of a timeline entry, or null. */
export async function whatsappMediaOf(db: Database, interactionId: string) {
  if (!isUuid(interactionId)) return null;
  const [row] = await db.select().from(whatsappMedia).where(eq(whatsappMedia.interactionId, interactionId));
  return row ?? null;
}

/** The file's bytes and type, or a WhatsAppMediaError (not_found when there is no such media entry). */
export async function openWhatsAppMedia(db: Database, actor: Extract<Actor, { kind: "staff" }>, interactionId: string) {
  const media = await whatsappMediaOf(db, interactionId);
  if (!media) throw new WhatsAppMediaError("not_found", "no media on this timeline entry");
  const file = await downloadWhatsAppMedia(await readWhatsAppSettings(db), media.mediaId);
  await audit(db, actor, { action: "whatsapp.media.viewed", entityType: "contact", entityId: media.contactId, data: { interactionId, type: media.type } });
  return { ...file, type: media.type, filename: media.filename, contactId: media.contactId };
}
