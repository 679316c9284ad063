// The SQLite ceilings for this machine: node:http + JSON, and for each route the same database work as the app with prepared better-sqlite3 statements.
import Database from "better-sqlite3";
import { PAGE_LIMIT, TOP_SENDERS, apiMessage, serve, statsBody, webhookRow } from "./baseline-http.mjs";

const url = process.env.DATABASE_URL ?? "";
if (!url.startsWith("sqlite:///")) throw new Error("baseline needs DATABASE_URL=sqlite:///…");
const key = Buffer.from(process.env.WEBHOOK_SECRET ?? "", "utf8");

const db = new Database(url.slice("sqlite:///".length));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
// For ingest, a fresh file: the same table and indexes as the app's first migration, so the ceiling pays
// the same index upkeep. For the reads, a database the app migrated and the bench seeded: its schema
// as it is, so both read through the same indexes (0013 replaced the first migration's sender index).
const fresh = db.prepare("select count(*) from sqlite_master where type = 'table' and name = 'messages'").pluck().get() === 0;
if (fresh) {
  db.exec(`
    create table messages (message_id text primary key not null, from_msisdn text not null,
      to_msisdn text not null, ts text not null, ts_key text not null, text text, created_at text not null);
    create index messages_ts_key_id on messages (ts_key, message_id);
    create index messages_from_ts_key_id on messages (from_msisdn, ts_key, message_id);
  `);
}
const insert = db.prepare(
  `insert into messages (message_id, from_msisdn, to_msisdn, ts, ts_key, text, created_at)
   values (?, ?, ?, ?, ?, ?, ?) on conflict (message_id) do nothing`,
);

// One autocommitted insert a request: no group commit (with synchronous=NORMAL a commit writes no fsync).
function ingest(body, signature) {
  const { row, refused } = webhookRow(key, body, signature);
  if (refused) return refused;
  insert.run(...row);
  return [200, { status: "ok" }];
}

// The reads need the app's sender_counts table (migration 0002): prepared on first use, so ingest runs without it.
const once = (make) => {
  let made;
  return () => (made ??= make());
};

const reads = once(() => {
  const columns = "message_id, from_msisdn, to_msisdn, ts, text";
  const order = "order by ts_key, message_id limit ? offset ?";
  const page = db.prepare(`select ${columns} from messages ${order}`);
  const pageFrom = db.prepare(`select ${columns} from messages where from_msisdn = ? ${order}`);
  // Totals as the app counts them without narrowing filters (message-list.ts countMatching): from the per-sender counts.
  const total = db.prepare("select coalesce(sum(count), 0) from sender_counts").pluck();
  const totalFrom = db.prepare("select coalesce(sum(count), 0) from sender_counts where from_msisdn = ?").pluck();
  // Page and total in one snapshot, as the app reads them.
  const list = db.transaction(({ from, limit, offset }) => {
    const rows = from === undefined ? page.all(limit, offset) : pageFrom.all(from, limit, offset);
    return { data: rows.map(apiMessage), total: from === undefined ? total.get() : totalFrom.get(from), limit, offset };
  });
  const totals = db.prepare("select coalesce(sum(count), 0) as messages, count(*) as senders from sender_counts");
  const top = db.prepare("select from_msisdn, count from sender_counts order by count desc, from_msisdn limit ?");
  const first = db.prepare("select ts from messages order by ts_key, message_id limit 1").pluck();
  const last = db.prepare("select ts from messages order by ts_key desc, message_id desc limit 1").pluck();
  const stats = db.transaction(() => {
    const t = totals.get();
    return {
      total_messages: t.messages,
      unique_senders: t.senders,
      top_senders: top.all(TOP_SENDERS).map((r) => ({ from: r.from_msisdn, count: r.count })),
      first_message_ts: first.get() ?? null,
      last_message_ts: last.get() ?? null,
    };
  });
  // The app keeps its stats until the next commit (cached-stats.ts, with the SQLite dialect's change stamp): so does the baseline.
  const dataVersion = db.prepare("pragma main.data_version").pluck();
  const ownChanges = db.prepare("select total_changes()").pluck();
  let kept;
  const cachedStats = () => {
    const stamp = `${dataVersion.get()}:${ownChanges.get()}`;
    if (kept?.stamp !== stamp) kept = { stamp, stats: stats() };
    return kept.stats;
  };
  return { list, stats: cachedStats };
});

const ready = db.prepare("select 1");
serve({
  ingest,
  list: (page) => [200, reads().list({ ...page, limit: page.limit || PAGE_LIMIT })],
  stats: () => [200, statsBody(reads().stats())],
  ready: () => (ready.get(), [200, { status: "ready" }]),
  close: () => db.close(),
});
