// The WhatsApp Business Cloud API webhook: GET for Meta's subscription handshake, POST for signed
// delivery-status callbacks and inbound messages (emitted as core.whatsapp.received). A machine endpoint: no session, no cookies, answered fast.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleWhatsAppWebhook, maxWebhookBytes, verifyWebhookSubscription } from "../../core/messaging/whatsapp-webhook.server.ts";

const text = (body: string, status: number) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const challenge = await verifyWebhookSubscription(context.runtime.db, new URL(request.url).searchParams);
  return challenge === null ? text("Forbidden", 403) : text(challenge, 200);
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return text("Method Not Allowed", 405);
  if (Number(request.headers.get("Content-Length") ?? 0) > maxWebhookBytes) return text("Payload Too Large", 413);
  // the signature covers the exact bytes Meta sent: read them raw, never re-serialise parsed JSON
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.byteLength > maxWebhookBytes) return text("Payload Too Large", 413);
  const outcome = await handleWhatsAppWebhook(context.runtime.db, raw, request.headers.get("X-Hub-Signature-256"), {
    emit: (db, event, payload) => context.runtime.bus.emit(db, event, payload),
    jobs: context.runtime.jobs,
  });
  if (outcome.status === 401) return text("Invalid signature", 401);
  if (outcome.status === 400) return text("Bad Request", 400);
  return text("OK", 200);
}
