// The PostgreSQL ceilings: node:http + a pg Pool; ingest by group commit (one multi-row insert per burst), reads as the app runs them, as prepared statements.
import pg from "pg";
import { PAGE_LIMIT, TOP_SENDERS, apiMessage, serve, statsBody, webhookRow } from "./baseline-http.mjs";

const url = process.env.DATABASE_URL ?? "";
if (!/^postgres(ql)?:\/\//.test(url)) throw new Error("baseline-pg needs DATABASE_URL=postgres://…");
const key = Buffer.from(process.env.WEBHOOK_SECRET ?? "", "utf8");
// The app's defaults (database.ts DEFAULT_POOL_SIZE, the PostgreSQL dialect's maxWriteBatch).
const POOL_SIZE = 10;
const MAX_BATCH = 128;

const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
// The same table and indexes as the app's first migration (bytewise keys), so the ceiling pays the same index upkeep.
await pool.query(`
  create table if not exists messages (message_id text collate "C" primary key not null, from_msisdn text collate "C" not null,
    to_msisdn text not null, ts text not null, ts_key text collate "C" not null, text text, created_at text not null);
  create index if not exists messages_ts_key_id on messages (ts_key, message_id);
  create index if not exists messages_from_ts_key_id on messages (from_msisdn, ts_key, message_id);
`);

/** One prepared multi-row insert per batch size, named so each pooled connection parses it once. */
const insertOf = (n) => ({
  name: `baseline_insert_${n}`,
  text: `insert into messages (message_id, from_msisdn, to_msisdn, ts, ts_key, text, created_at) values
    ${Array.from({ length: n }, (_, r) => `(${Array.from({ length: 7 }, (_, c) => `$${r * 7 + c + 1}`).join(", ")})`).join(", ")}
    on conflict (message_id) do nothing`,
});

// Group commit as the app does it (group-commit.ts): what arrives while the event loop works through a burst
// is written on the next turn in one autocommitted statement; every request in it is answered after that commit.
let queue = [];
let scheduled = false;
const flush = () => {
  scheduled = false;
  const batch = queue.slice(0, MAX_BATCH);
  queue = queue.slice(MAX_BATCH);
  if (queue.length > 0) schedule();
  pool.query({ ...insertOf(batch.length), values: batch.flatMap((e) => e.row) }).then(
    () => batch.forEach((e) => e.resolve([200, { status: "ok" }])),
    (error) => batch.forEach((e) => e.reject(error)),
  );
};
const schedule = () => {
  if (scheduled) return;
  scheduled = true;
  setImmediate(flush);
};

function ingest(body, signature) {
  const { row, refused } = webhookRow(key, body, signature);
  if (refused) return refused;
  return new Promise((resolve, reject) => {
    queue.push({ row, resolve, reject });
    schedule();
  });
}

const columns = "message_id, from_msisdn, to_msisdn, ts, text";
const order = "order by ts_key, message_id limit $1 offset $2";
const Q = {
  page: { name: "baseline_page", text: `select ${columns} from messages ${order}` },
  pageFrom: { name: "baseline_page_from", text: `select ${columns} from messages where from_msisdn = $3 ${order}` },
  // Totals as the app counts them without narrowing filters (message-list.ts countMatching): from the per-sender counts.
  total: { name: "baseline_total", text: "select coalesce(sum(count), 0)::bigint as total from sender_counts" },
  totalFrom: { name: "baseline_total_from", text: "select coalesce(sum(count), 0)::bigint as total from sender_counts where from_msisdn = $1" },
  totals: { name: "baseline_totals", text: "select coalesce(sum(count), 0)::bigint as messages, count(*) as senders from sender_counts" },
  top: { name: "baseline_top", text: "select from_msisdn, count from sender_counts order by count desc, from_msisdn limit $1" },
  first: { name: "baseline_first", text: "select ts from messages order by ts_key, message_id limit 1" },
  last: { name: "baseline_last", text: "select ts from messages order by ts_key desc, message_id desc limit 1" },
};

/** Work in one repeatable-read snapshot on one pooled connection, as the app's list and stats run. */
async function snapshot(work) {
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read");
    const result = await work((q, values) => client.query({ ...q, values }));
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

const list = ({ from, limit, offset }) =>
  snapshot(async (run) => {
    const rows = from === undefined ? await run(Q.page, [limit, offset]) : await run(Q.pageFrom, [limit, offset, from]);
    const total = from === undefined ? await run(Q.total, []) : await run(Q.totalFrom, [from]);
    return [200, { data: rows.rows.map(apiMessage), total: Number(total.rows[0].total), limit, offset }];
  });

// No cache: the app's PostgreSQL dialect has no change stamp, so it computes every /stats afresh too.
const stats = () =>
  snapshot(async (run) => {
    const t = (await run(Q.totals, [])).rows[0];
    const top = (await run(Q.top, [TOP_SENDERS])).rows;
    const [first, last] = [(await run(Q.first, [])).rows[0], (await run(Q.last, [])).rows[0]];
    return [200, statsBody({
      total_messages: Number(t.messages),
      unique_senders: Number(t.senders),
      top_senders: top.map((r) => ({ from: r.from_msisdn, count: Number(r.count) })),
      first_message_ts: first?.ts ?? null,
      last_message_ts: last?.ts ?? null,
    })];
  });

serve({
  ingest,
  list: (page) => list({ ...page, limit: page.limit || PAGE_LIMIT }),
  stats,
  ready: () => pool.query("select 1").then(() => [200, { status: "ready" }]),
  close: () => pool.end(),
});
