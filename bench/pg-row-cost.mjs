// What each part of the PostgreSQL schema costs the database per stored message: the app's insert
// function on a fresh, fully migrated schema, then again with parts dropped.
//
//   npm run build && node bench/pg-row-cost.mjs [--database postgres://…] [--rows 40000] [--batch 32]
//
// Four connections insert --rows messages (dataset.mjs) in batches through lyftr_insert_messages, as
// group commit does; the figure is the CPU every postgres process on this machine used meanwhile
// (read from /proc, so the server must run here), per row. Each variant gets a schema of its own.
import { readFileSync, readdirSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { timestampKey } from "../dist/domain/message.js";
import { message } from "./dataset.mjs";
import { postgresStore } from "./postgres-store.mjs";
import { cpuMs } from "./server-process.mjs";

const { values: args } = parseArgs({
  options: {
    database: { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
    rows: { type: "string", default: "40000" },
    batch: { type: "string", default: "32" },
  },
});
const ROWS = Number(args.rows);
const BATCH = Number(args.batch);
const CONNECTIONS = 4;

/** Each variant: what is dropped from the migrated schema before the inserts. */
const VARIANTS = {
  "the whole schema": [],
  "without the trigram index": ["drop index messages_text_trgm"],
  "without the per-sender counts trigger": ["drop trigger messages_count_senders on messages"],
  "without the to, created_at and arrival indexes": ["drop index messages_to_ts_key_id", "drop index messages_created_at", "drop index messages_arrival"],
  "the baseline's indexes only": [
    "drop index messages_text_trgm",
    "drop trigger messages_count_senders on messages",
    "drop index messages_to_ts_key_id",
    "drop index messages_created_at",
    "drop index messages_arrival",
  ],
};

/** Every postgres process on this machine now: the server's backends, writers and autovacuum alike. */
const postgresPids = () =>
  readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").includes("(postgres)");
    } catch {
      return false; // it ended between the listing and the read
    }
  });
const postgresCpuMs = () => cpuMs(postgresPids());

const rowOf = (i) => {
  const m = message(i, `row-cost-${i}`);
  return { message_id: m.message_id, from_msisdn: m.from, to_msisdn: m.to, ts: m.ts, ts_key: timestampKey(m.ts), text: m.text, content_hash: `h${i}`, created_at: new Date().toISOString() };
};

const store = postgresStore(args.database);

async function measure(name, drops) {
  const schema = await store.fresh("row_cost", { migrate: true });
  try {
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      const client = new pg.Client(schema.env.DATABASE_URL);
      await client.connect();
      return client;
    }));
    for (const statement of drops) await clients[0].query(statement);
    let next = 0;
    const cpuBefore = postgresCpuMs();
    const started = performance.now();
    await Promise.all(clients.map(async (client) => {
      while (next < ROWS) {
        const first = next;
        next += BATCH;
        const rows = [];
        for (let i = first; i < Math.min(ROWS, first + BATCH); i++) rows.push(rowOf(i));
        await client.query("select lyftr_insert_messages(cast($1 as jsonb))", [JSON.stringify(rows)]);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const perRowUs = ((postgresCpuMs() - cpuBefore) * 1000) / ROWS;
    console.log(`${name.padEnd(48)} ${perRowUs.toFixed(0).padStart(5)} µs of PostgreSQL CPU a row, ${(ROWS / seconds).toFixed(0)} rows/s`);
    await Promise.all(clients.map((client) => client.end()));
  } finally {
    await schema.drop();
  }
}

console.log(`${ROWS} rows in batches of ${BATCH} from ${CONNECTIONS} connections; every postgres process's CPU counts, so run it on a quiet machine`);
for (const [name, drops] of Object.entries(VARIANTS)) await measure(name, drops);
