// A closed-loop HTTP load generator in its own thread (so it does not share the server's event
// loop): N clients on keep-alive connections (undici), each sending the next signed sale as soon as
// the previous one is answered, for a fixed time. Used by tests/bench/pos-throughput.ts for the app
// and for its floor alike. Reports every latency and the count of answers by status.
import crypto from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { Pool } from "undici";

const { url, path, apiKey, secret, clients, seconds, prefix, cards } = workerData;
const pool = new Pool(url, { connections: clients, pipelining: 1, keepAliveTimeout: 30_000 });
const latencies = [];
const statuses = {};
let next = 0;
let lastAcceptedAt = 0;

function body(i) {
  return JSON.stringify({
    receiptNumber: `${prefix}-${i}`,
    occurredAt: new Date().toISOString(),
    customer: { memberCard: cards[i % cards.length] },
    lines: [
      { sku: `B-${(i % 50) + 1}`, quantity: 2, unitPrice: 50000 },
      { sku: `B-${((i + 7) % 50) + 1}`, quantity: 1, unitPrice: 25000 },
    ],
    total: 125000,
  });
}

async function client(deadline) {
  while (performance.now() < deadline) {
    const raw = body(next++);
    const t = Math.floor(Date.now() / 1000);
    const signature = crypto.createHmac("sha256", secret).update(`${t}.`).update(raw).digest("hex");
    const t0 = performance.now();
    const res = await pool.request({
      path,
      method: "POST",
      body: raw,
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, "nusa-signature": `t=${t},v1=${signature}` },
    });
    await res.body.text();
    const ms = performance.now() - t0;
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    if (res.statusCode === 201) {
      latencies.push(ms);
      lastAcceptedAt = Date.now();
    }
  }
}

const start = performance.now();
const deadline = start + seconds * 1000;
await Promise.all(Array.from({ length: clients }, () => client(deadline)));
const elapsed = (performance.now() - start) / 1000;
await pool.close();
parentPort.postMessage({ latencies, statuses, elapsed, sent: next, lastAcceptedAt });
