// The POS API over one real keep-alive TCP connection to the built express server (app/server):
// a body over 1 MB is answered 413 and the same connection then records a sale; other methods get
// 405 with Allow. No browser: raw HTTP/1.1 on a socket, as a till's HTTP client would reuse it.
import crypto from "node:crypto";
import net from "node:net";
import { expect, test } from "@playwright/test";
import { e2ePort } from "./paths.ts";

// the TRK-BDG demo connection (plugins/retail-pos/README.md, demo data only)
const apiKey = "nusa_pos_demo_bandung_7Kq2xVt9LmP4";
const secret = "whsec_demo_bandung_Rz8nW3cY6hJ1";

type Answer = { status: number; headers: Record<string, string>; body: string };

/** One socket; answers parsed as they arrive (Content-Length or chunked). */
function connection() {
  const socket = net.connect(e2ePort, "127.0.0.1");
  let buffer = Buffer.alloc(0);
  let closed = false;
  const waiting: ((a: Answer) => void)[] = [];
  const answers: Answer[] = [];
  socket.on("close", () => (closed = true));
  socket.on("error", () => (closed = true));
  socket.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine, ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      let rest = buffer.subarray(end + 4);
      let body: Buffer | null = null;
      if (headers["transfer-encoding"] === "chunked") {
        const parts: Buffer[] = [];
        let offset = 0;
        for (;;) {
          const lineEnd = rest.indexOf("\r\n", offset);
          if (lineEnd < 0) return;
          const size = parseInt(rest.subarray(offset, lineEnd).toString(), 16);
          if (rest.length < lineEnd + 2 + size + 2) return;
          if (size === 0) {
            body = Buffer.concat(parts);
            rest = rest.subarray(lineEnd + 4);
            break;
          }
          parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
          offset = lineEnd + 2 + size + 2;
        }
      } else {
        const length = Number(headers["content-length"] ?? 0);
        if (rest.length < length) return;
        body = rest.subarray(0, length);
        rest = rest.subarray(length);
      }
      buffer = rest;
      const answer = { status: Number(statusLine.split(" ")[1]), headers, body: body.toString("utf8") };
      const next = waiting.shift();
      if (next) next(answer);
      else answers.push(answer);
    }
  });
  const nextAnswer = () => new Promise<Answer>((resolve) => (answers.length ? resolve(answers.shift()!) : waiting.push(resolve)));
  return {
    socket,
    isClosed: () => closed,
    async request(head: string, body: Buffer | string = "") {
      socket.write(head);
      if (body.length) socket.write(body);
      return nextAnswer();
    },
    nextAnswer,
  };
}

function signedSaleRequest(receiptNumber: string) {
  const body = JSON.stringify({
    receiptNumber,
    occurredAt: "2026-12-06t10:00:00z",
    lines: [{ sku: "DAP-001", quantity: 1, unitPrice: 189000 }],
    total: 189000,
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  const head =
    `POST /api/pos/v1/sales HTTP/1.1\r\nHost: localhost:${e2ePort}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n` +
    `Authorization: Bearer ${apiKey}\r\nNusa-Signature: t=${t},v1=${v1}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return { head, body };
}

test("a 413 leaves the keep-alive connection usable for the next sale", async ({}, testInfo) => {
  const conn = connection();
  const big = Buffer.alloc(1_200_000, "x");
  const tooLarge = await conn.request(
    `POST /api/pos/v1/sales HTTP/1.1\r\nHost: localhost:${e2ePort}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nAccept-Language: en\r\n` +
      `Authorization: Bearer ${apiKey}\r\nContent-Length: ${big.length}\r\n\r\n`,
    big,
  );
  expect(tooLarge.status).toBe(413);
  expect(JSON.parse(tooLarge.body).error).toMatchObject({ code: "payload_too_large", message: "The body is larger than 1 MB." });
  expect(tooLarge.headers.connection ?? "keep-alive").not.toMatch(/close/i);

  // the same socket, the next request: a sale is recorded
  const sale = signedSaleRequest(`E2E-KA-${testInfo.project.name}-${Date.now()}`);
  const recorded = await conn.request(sale.head, sale.body);
  expect(recorded.status, recorded.body).toBe(201);
  expect(JSON.parse(recorded.body)).toMatchObject({ status: "recorded", type: "sale", total: 189000 });

  // a chunked body over the limit (no Content-Length to refuse it by), then another request
  const chunk = Buffer.alloc(300_000, "y");
  conn.socket.write(`POST /api/pos/v1/sales HTTP/1.1\r\nHost: localhost:${e2ePort}\r\nTransfer-Encoding: chunked\r\nAuthorization: Bearer ${apiKey}\r\n\r\n`);
  for (let i = 0; i < 4; i++) conn.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString("latin1")}\r\n`);
  conn.socket.write("0\r\n\r\n");
  const chunked = await conn.nextAnswer();
  expect(chunked.status).toBe(413);
  expect(JSON.parse(chunked.body).error.message).toBe("Isi permintaan lebih dari 1 MB.");

  // 405 with Allow, on the same socket still
  const get = await conn.request(`GET /api/pos/v1/sales HTTP/1.1\r\nHost: localhost:${e2ePort}\r\nAccept-Language: en\r\n\r\n`);
  expect(get.status).toBe(405);
  expect(get.headers.allow).toBe("POST");
  expect(JSON.parse(get.body).error.code).toBe("method_not_allowed");
  expect(conn.isClosed()).toBe(false);
  conn.socket.destroy();
});
