// A local stand-in for the WhatsApp Business Cloud API: a real HTTP server on 127.0.0.1 that
// speaks the documented format of `POST /{version}/{phone-number-id}/messages` (Bearer token,
// template body, `{"messages":[{"id":"wamid…"}]}` or `{"error":{…}}`), so the channel is tested
// over the wire and not against a mock.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedMessage {
  path: string;
  authorization: string | undefined;
  body: {
    messaging_product?: string;
    to?: string;
    type?: string;
    template?: { name?: string; language?: { code?: string }; components?: { type: string; parameters: { type: string; text: string }[] }[] };
  };
}

type Scripted = { status: number; body: unknown };

/** A Cloud API error document as Meta sends it. */
export function cloudApiError(code: number, message: string, details = message): unknown {
  return {
    error: { message: `(#${code}) ${message}`, type: "OAuthException", code, error_data: { messaging_product: "whatsapp", details }, fbtrace_id: crypto.randomBytes(8).toString("hex") },
  };
}

export async function startCloudApi(options: { token: string; phoneNumberId: string; version?: string }) {
  const received: ReceivedMessage[] = [];
  const script: Scripted[] = [];
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const mediaRequests: { path: string; authorization: string | undefined }[] = [];
  let counter = 0;
  let baseUrl = "";
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const version = options.version ?? "v21.0";
      // media: GET /{version}/{media-id} answers a short-lived URL; GET on that URL gives the bytes
      if (req.method === "GET") {
        mediaRequests.push({ path: req.url ?? "", authorization: req.headers.authorization });
        if (req.headers.authorization !== `Bearer ${options.token}`) return send(401, cloudApiError(190, "Invalid OAuth access token - Cannot parse access token"));
        const info = new RegExp(`^/${version.replace(".", "\\.")}/([A-Za-z0-9._-]+)$`).exec(req.url ?? "");
        const file = /^\/whatsapp_business\/attachments\/\?mid=([A-Za-z0-9._-]+)$/.exec(req.url ?? "");
        const id = info?.[1] ?? file?.[1];
        const stored = id ? media.get(id) : undefined;
        if (!id || !stored) return send(404, cloudApiError(100, "Unsupported get request. Object does not exist"));
        if (info) {
          const sha256 = crypto.createHash("sha256").update(stored.bytes).digest("hex");
          return send(200, { messaging_product: "whatsapp", url: `${baseUrl}/whatsapp_business/attachments/?mid=${id}`, mime_type: stored.mimeType, sha256, file_size: stored.bytes.length, id });
        }
        res.writeHead(200, { "Content-Type": stored.mimeType, "Content-Length": stored.bytes.length });
        return res.end(stored.bytes);
      }
      const expectedPath = `/${version}/${options.phoneNumberId}/messages`;
      if (req.method !== "POST" || req.url !== expectedPath) return send(404, cloudApiError(100, "Unsupported post request"));
      let body: ReceivedMessage["body"];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(400, cloudApiError(100, "Invalid parameter"));
      }
      received.push({ path: req.url, authorization: req.headers.authorization, body });
      if (req.headers.authorization !== `Bearer ${options.token}`) {
        return send(401, cloudApiError(190, "Invalid OAuth access token - Cannot parse access token"));
      }
      const scripted = script.shift();
      if (scripted) return send(scripted.status, scripted.body);
      if (body.messaging_product !== "whatsapp" || body.type !== "template" || !body.template?.name || !body.template.language?.code || !/^\d{8,15}$/.test(body.to ?? "")) {
        return send(400, cloudApiError(100, "Invalid parameter"));
      }
      counter++;
      const wamid = `wamid.HBgN${String(counter).padStart(6, "0")}${crypto.randomBytes(6).toString("hex").toUpperCase()}`;
      send(200, { messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid, message_status: "accepted" }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    received,
    mediaRequests,
    /** A file a contact sent, fetchable by its media id until removed (Meta keeps media about 30 days). */
    addMedia(id: string, bytes: Buffer, mimeType: string) {
      media.set(id, { bytes, mimeType });
    },
    removeMedia(id: string) {
      media.delete(id);
    },
    /** The next answers, in order, instead of a success. */
    respondWith(...answers: Scripted[]) {
      script.push(...answers);
    },
    reset() {
      received.length = 0;
      script.length = 0;
      mediaRequests.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A delivery-status webhook body as Meta posts it. */
export function statusWebhook(statuses: { id: string; status: string; timestamp?: number; errors?: { code: number; title: string }[] }[]) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
              statuses: statuses.map((s) => ({
                id: s.id,
                status: s.status,
                timestamp: String(s.timestamp ?? Math.floor(Date.now() / 1000)),
                recipient_id: "6281234567890",
                ...(s.errors ? { errors: s.errors } : {}),
              })),
            },
          },
        ],
      },
    ],
  };
}

export function signBody(raw: string | Buffer, appSecret: string) {
  return `sha256=${crypto.createHmac("sha256", appSecret).update(raw).digest("hex")}`;
}

export interface InboundMessage {
  /** The sender's number, digits only (e.g. "6281234567890"). */
  from: string;
  id?: string;
  text?: string;
  /** A template quick-reply button: its payload and text. */
  button?: { payload: string; text: string };
  /** An interactive reply button: its id and title. */
  buttonReply?: { id: string; title: string };
  /** An image, video, audio, document or sticker: its media id, type and optional caption / file name. */
  media?: { type: "image" | "video" | "audio" | "document" | "sticker"; id: string; mimeType: string; caption?: string; filename?: string };
  /** The wamid of our message the contact replied to. */
  contextId?: string;
  timestamp?: number;
}

/** An inbound-messages webhook body as Meta posts it (text, template button or interactive button reply). */
export function inboundWebhook(inbound: InboundMessage[]) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
              contacts: inbound.map((m) => ({ profile: { name: "Pasien" }, wa_id: m.from })),
              messages: inbound.map((m) => ({
                from: m.from,
                id: m.id ?? `wamid.IN${crypto.randomBytes(10).toString("hex").toUpperCase()}`,
                timestamp: String(m.timestamp ?? Math.floor(Date.now() / 1000)),
                ...(m.contextId ? { context: { from: "15550783881", id: m.contextId } } : {}),
                ...(m.media
                  ? {
                      type: m.media.type,
                      [m.media.type]: {
                        id: m.media.id,
                        mime_type: m.media.mimeType,
                        sha256: crypto.createHash("sha256").update(m.media.id).digest("base64"),
                        ...(m.media.caption !== undefined ? { caption: m.media.caption } : {}),
                        ...(m.media.filename !== undefined ? { filename: m.media.filename } : {}),
                      },
                    }
                  : m.button
                  ? { type: "button", button: { payload: m.button.payload, text: m.button.text } }
                  : m.buttonReply
                    ? { type: "interactive", interactive: { type: "button_reply", button_reply: { id: m.buttonReply.id, title: m.buttonReply.title } } }
                    : { type: "text", text: { body: m.text ?? "" } }),
              })),
            },
          },
        ],
      },
    ],
  };
}
