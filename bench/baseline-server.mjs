// The ingest ceiling for this machine: node:http, a timing-safe HMAC check, JSON.parse, one prepared better-sqlite3 insert.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import Database from "better-sqlite3";

const url = process.env.DATABASE_URL ?? "";
if (!url.startsWith("sqlite:///")) throw new Error("baseline needs DATABASE_URL=sqlite:///…");
const key = Buffer.from(process.env.WEBHOOK_SECRET ?? "", "utf8");
const MAX_BODY = 64 * 1024;

const db = new Database(url.slice("sqlite:///".length));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
// The same table and indexes as the app's first migration, so the ceiling pays the same index upkeep.
db.exec(`
  create table if not exists messages (message_id text primary key not null, from_msisdn text not null,
    to_msisdn text not null, ts text not null, ts_key text not null, text text, created_at text not null);
  create index if not exists messages_ts_key_id on messages (ts_key, message_id);
  create index if not exists messages_from_ts_key_id on messages (from_msisdn, ts_key, message_id);
`);
const insert = db.prepare(
  `insert into messages (message_id, from_msisdn, to_msisdn, ts, ts_key, text, created_at)
   values (?, ?, ?, ?, ?, ?, ?) on conflict (message_id) do nothing`,
);
const TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

const answer = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
};

function ingest(body, signature) {
  const expected = createHmac("sha256", key).update(body).digest();
  const given = /^[0-9a-fA-F]{64}$/.test(signature ?? "") ? Buffer.from(signature, "hex") : null;
  if (!given || !timingSafeEqual(given, expected)) return [401, { detail: "invalid signature" }];
  let m;
  try {
    m = JSON.parse(body.toString("utf8"));
  } catch {
    return [422, { detail: "body is not valid JSON" }];
  }
  const ts = typeof m?.ts === "string" ? TS.exec(m.ts) : null;
  if (typeof m?.message_id !== "string" || typeof m.from !== "string" || typeof m.to !== "string" || !ts) {
    return [422, { detail: "invalid message" }];
  }
  const tsKey = ts[2]?.replace(/0+$/, "") ? `${ts[1]}.${ts[2].replace(/0+$/, "")}` : ts[1];
  insert.run(m.message_id, m.from, m.to, m.ts, tsKey, m.text ?? null, new Date().toISOString());
  return [200, { status: "ok" }];
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url.startsWith("/health/")) {
    db.prepare("select 1").get();
    return answer(res, 200, { status: req.url === "/health/ready" ? "ready" : "live" });
  }
  if (req.method !== "POST" || req.url !== "/webhook") return answer(res, 404, { detail: "not found" });
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on("end", () => {
    if (size > MAX_BODY) return answer(res, 413, { detail: "body too large" });
    try {
      const [status, body] = ingest(Buffer.concat(chunks), req.headers["x-signature"]);
      answer(res, status, body);
    } catch {
      answer(res, 503, { detail: "database unavailable" });
    }
  });
});
server.listen(Number(process.env.PORT ?? 8000), process.env.HOST ?? "127.0.0.1");

const stop = () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  server.closeIdleConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
