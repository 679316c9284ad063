// What every baseline server shares: node:http, the webhook's HMAC check and validation, JSON answers, the read routes' parameters.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const MAX_BODY = 64 * 1024;
const TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;
export const PAGE_LIMIT = 50;
export const TOP_SENDERS = 10;

/** `requestId`: the caller's X-Request-Id, sent back as the app does (the bench's wrk maps answers onto requests by it). */
export const answer = (res, status, body, requestId) => {
  const text = JSON.stringify(body);
  const headers = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) };
  if (requestId !== undefined) headers["X-Request-Id"] = requestId;
  res.writeHead(status, headers);
  res.end(text);
};

/** A signed webhook body as the row to insert, or the [status, body] refusing it. */
export function webhookRow(key, body, signature) {
  const expected = createHmac("sha256", key).update(body).digest();
  const given = /^[0-9a-fA-F]{64}$/.test(signature ?? "") ? Buffer.from(signature, "hex") : null;
  if (!given || !timingSafeEqual(given, expected)) return { refused: [401, { detail: "invalid signature" }] };
  let m;
  try {
    m = JSON.parse(body.toString("utf8"));
  } catch {
    return { refused: [422, { detail: "body is not valid JSON" }] };
  }
  const ts = typeof m?.ts === "string" ? TS.exec(m.ts) : null;
  if (typeof m?.message_id !== "string" || typeof m.from !== "string" || typeof m.to !== "string" || !ts) {
    return { refused: [422, { detail: "invalid message" }] };
  }
  const tsKey = ts[2]?.replace(/0+$/, "") ? `${ts[1]}.${ts[2].replace(/0+$/, "")}` : ts[1];
  return { row: [m.message_id, m.from, m.to, m.ts, tsKey, m.text ?? null, new Date().toISOString()] };
}

/** Stored rows in the API's words, as the app answers them. */
export const apiMessage = (r) => ({ message_id: r.message_id, from: r.from_msisdn, to: r.to_msisdn, ts: r.ts, text: r.text });

/** The app's /stats body: its own names, and the original assignment's beside them (src/adapters/http/routes.ts). */
export const statsBody = (stats) => ({ ...stats, senders_count: stats.unique_senders, messages_per_sender: stats.top_senders });

/**
 * The routes the bench measures, each a handler that may return a promise of [status, body]:
 * `ingest(body, signature)`, `list({ from, limit, offset })`, `stats()`, `ready()`.
 */
export function serve({ ingest, list, stats, ready, close }) {
  const reply = (res, work, requestId) => {
    let result;
    try {
      result = work();
    } catch (error) {
      return answer(res, 503, { detail: `database unavailable: ${error.message}` }, requestId);
    }
    // Synchronous answers (better-sqlite3) go out at once, as in a hand-written server; only pg's wait on a promise.
    if (typeof result?.then !== "function") return answer(res, result[0], result[1], requestId);
    result.then(
      ([status, body]) => answer(res, status, body, requestId),
      (error) => answer(res, 503, { detail: `database unavailable: ${error.message}` }, requestId),
    );
  };
  const server = createServer((req, res) => {
    if (req.method === "GET") {
      if (req.url.startsWith("/health/")) return reply(res, () => (req.url === "/health/ready" ? ready() : [200, { status: "live" }]));
      if (req.url === "/stats") return reply(res, stats);
      if (req.url === "/messages" || req.url.startsWith("/messages?")) {
        const query = new URLSearchParams(req.url.slice("/messages".length));
        const unknown = [...query.keys()].filter((k) => !["from", "limit", "offset"].includes(k));
        // The baseline serves what the bench asks; anything else would be a comparison with nothing.
        if (unknown.length) return answer(res, 400, { detail: `the baseline does not serve ${unknown.join(", ")}` });
        const page = { from: query.get("from") ?? undefined, limit: Number(query.get("limit") ?? PAGE_LIMIT), offset: Number(query.get("offset") ?? 0) };
        return reply(res, () => list(page));
      }
    }
    if (req.method !== "POST" || req.url !== "/webhook") return answer(res, 404, { detail: "not found" });
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    const requestId = req.headers["x-request-id"];
    req.on("end", () => {
      if (size > MAX_BODY) return answer(res, 413, { detail: "body too large" }, requestId);
      reply(res, () => ingest(Buffer.concat(chunks), req.headers["x-signature"]), requestId);
    });
  });
  server.listen(Number(process.env.PORT ?? 8000), process.env.HOST ?? "127.0.0.1");
  const stop = () => {
    server.close(() => Promise.resolve(close()).finally(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
