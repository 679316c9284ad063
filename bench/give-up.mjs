// Clients that give up: how many searches are answered in time when more are asked than can be read,
// and each client closes its connection once it has waited long enough.
//
//   npm run build && node bench/give-up.mjs [--size 1M] [--clients 256] [--timeout-ms 1000] [--seconds 20] [--database postgres://…]
//
// Seeds a fresh database with --size messages (dataset.mjs), starts the app as the bench does, then
// --clients loops each send the five selective searches in turn, waiting at most --timeout-ms for an
// answer before closing the connection and sending the next. Prints the answers within the time a
// second, the searches given up a second, and the answers' p50 and p99; then how long one more search
// takes once they have all stopped: searches read for clients long gone would be read first. Also
// the searches given up, beside the 499s the service counted in GET /metrics for them.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MARKERS } from "./dataset.mjs";
import { postgresStore } from "./postgres-store.mjs";
import { startServer } from "./server-process.mjs";
import { sqliteStore } from "./sqlite-store.mjs";

const { values: args } = parseArgs({
  options: {
    size: { type: "string", default: "1M" },
    clients: { type: "string", default: "256" },
    "timeout-ms": { type: "string", default: "1000" },
    seconds: { type: "string", default: "20" },
    database: { type: "string" },
  },
});
const SIZE = Number(args.size.replace(/k$/i, "e3").replace(/M$/, "e6"));
const CLIENTS = Number(args.clients);
const TIMEOUT_MS = Number(args["timeout-ms"]);
const SECONDS = Number(args.seconds);

/** One client's searches until the end: answered (with their latency) or given up. */
async function client(port, end, tally) {
  for (let n = tally.sent; Date.now() < end; n++) {
    tally.sent++;
    await new Promise((resolve) => {
      const began = performance.now();
      const req = http.get({ host: "127.0.0.1", port, path: `/messages?q=${MARKERS[n % MARKERS.length]}`, agent: false }, (res) => {
        res.resume();
        res.on("end", () => {
          clearTimeout(timer);
          if (res.statusCode === 200) tally.answered.push(performance.now() - began);
          else tally.failed++;
          resolve();
        });
      });
      const timer = setTimeout(() => {
        tally.gaveUp++;
        req.destroy();
        resolve();
      }, TIMEOUT_MS);
      req.on("error", () => {});
    });
  }
}

const tmp = mkdtempSync(join(tmpdir(), "lyftr-give-up-"));
const store = args.database ? postgresStore(args.database) : sqliteStore(tmp);
const db = await store.fresh("give_up", { migrate: true });
try {
  await db.seed(0, SIZE);
  const server = await startServer("app", { env: { ...db.env, WEBHOOK_SECRET: "give-up" } });
  try {
    // Warm-up, as the bench's read scenarios have: every needle once.
    for (const needle of MARKERS) await fetch(`http://127.0.0.1:${server.port}/messages?q=${needle}`).then((r) => r.arrayBuffer());
    const tally = { sent: 0, answered: [], gaveUp: 0, failed: 0 };
    const end = Date.now() + SECONDS * 1000;
    await Promise.all(Array.from({ length: CLIENTS }, () => client(server.port, end, tally)));
    const after = performance.now();
    await fetch(`http://127.0.0.1:${server.port}/messages?q=${MARKERS[0]}`).then((r) => r.arrayBuffer());
    const nextMs = performance.now() - after;
    // What an operator sees of it: each search given up is counted as a 499 (nginx's "client closed request").
    const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`).then((r) => r.text());
    const counted = (status) => Number(metrics.match(new RegExp(`^http_requests_total\\{path="/messages",status="${status}"\\} (\\d+)$`, "m"))?.[1] ?? 0);
    const ms = tally.answered.sort((a, b) => a - b);
    const at = (p) => (ms.length ? Number(ms[Math.min(ms.length - 1, Math.floor(ms.length * p))].toFixed(1)) : null);
    console.log(
      JSON.stringify({
        size: SIZE,
        database: store.kind,
        clients: CLIENTS,
        timeout_ms: TIMEOUT_MS,
        seconds: SECONDS,
        answered_per_s: Number((ms.length / SECONDS).toFixed(1)),
        gave_up_per_s: Number((tally.gaveUp / SECONDS).toFixed(1)),
        not_200: tally.failed,
        gave_up: tally.gaveUp,
        counted_499: counted(499),
        // Less the warm-up's five and the one search after: a client can give up on an answer already sent.
        counted_200: counted(200) - MARKERS.length - 1,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        next_search_after_ms: Math.round(nextMs),
      }),
    );
  } finally {
    await server.stop();
  }
} finally {
  await db.drop();
  rmSync(tmp, { recursive: true, force: true });
}
