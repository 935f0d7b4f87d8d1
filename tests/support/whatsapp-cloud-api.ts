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
  let counter = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const expectedPath = `/${options.version ?? "v21.0"}/${options.phoneNumberId}/messages`;
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
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    /** The next answers, in order, instead of a success. */
    respondWith(...answers: Scripted[]) {
      script.push(...answers);
    },
    reset() {
      received.length = 0;
      script.length = 0;
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
                ...(m.button
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
