// GET /staff/whatsapp/media/:interactionId — the photo, voice note or document a contact sent on
// WhatsApp, fetched through the Cloud API (for staff who may read contacts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { openWhatsAppMedia } from "../../core/messaging/whatsapp-media.server.ts";
import { WhatsAppMediaError } from "../../core/messaging/whatsapp.server.ts";

const inlineTypes = /^(image\/(jpeg|png|webp|gif)|audio\/[a-z0-9.+-]+|video\/(mp4|3gpp)|application\/pdf)$/;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.read");
  try {
    const file = await openWhatsAppMedia(context.runtime.db, actor, params.interactionId ?? "");
    const mime = file.mimeType.split(";")[0].trim().toLowerCase();
    const safeName = (file.filename ?? `whatsapp-${file.type}`).replace(/["\\\r\n]/g, "_");
    return new Response(file.bytes, {
      headers: {
        // anything that could run in the browser is downloaded, never shown
        "Content-Type": inlineTypes.test(mime) ? mime : "application/octet-stream",
        "Content-Disposition": `${inlineTypes.test(mime) ? "inline" : "attachment"}; filename="${safeName}"; filename*=UTF-8''${encodeURIComponent(file.filename ?? `whatsapp-${file.type}`)}`,
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    if (!(error instanceof WhatsAppMediaError)) throw error;
    if (error.kind === "not_found") notFound();
    const t = fixedT(context.language, "staff");
    const status = error.kind === "gone" ? 410 : 502;
    return new Response(t(`messaging.media.${error.kind}`), { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
}
