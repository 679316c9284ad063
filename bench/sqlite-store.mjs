// Bench databases as SQLite files in the run's temp dir: schema by dist's own migrations, rows in bulk, ids read back.
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { message } from "./dataset.mjs";

const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const COLUMNS = ["message_id", "from_msisdn", "to_msisdn", "ts", "ts_key", "text", "created_at"];
const BATCH = 50_000;

/** Direct inserts bypass the app, so a column they cannot fill (added by a later migration) must stop the run, not skew it. */
function requireFillableSchema(db) {
  const unknown = db
    .pragma("table_info(messages)")
    .filter((c) => !COLUMNS.includes(c.name) && c.notnull && c.dflt_value === null);
  if (unknown.length > 0) {
    throw new Error(`messages has new required columns (${unknown.map((c) => c.name)}); teach bench/sqlite-store.mjs to fill them`);
  }
}

/**
 * Brings the text index file up to date with the step the server's worker thread takes, so read
 * scenarios measure an indexed database; prints how long that took.
 */
async function catchUpTextIndex(path) {
  const { BATCH_ROWS, textIndexStep } = await import(dist("adapters/storage/sqlite/text-index.js"));
  const db = new Database(path, { fileMustExist: true });
  const index = new Database(`${path}-fts`, { fileMustExist: true });
  try {
    index.pragma("synchronous = NORMAL");
    const step = textIndexStep(db, index);
    const began = performance.now();
    let read = 0;
    for (let n = BATCH_ROWS; n === BATCH_ROWS; read += n) n = step();
    index.pragma("wal_checkpoint(TRUNCATE)");
    console.log(`[${new Date().toISOString().slice(11, 19)}] indexed the text of ${read} new messages in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    index.close();
    db.close();
  }
}

export function sqliteStore(dir) {
  return {
    kind: "sqlite",
    /** A new, empty database; `migrate` runs dist's migrations now (otherwise the server does at start-up). */
    async fresh(name, { migrate = false } = {}) {
      const path = join(dir, `${name}.db`);
      if (migrate) {
        const { openDatabase } = await import(dist("adapters/storage/database.js"));
        await (await openDatabase({ kind: "sqlite", path })).close();
      }
      return {
        env: { DATABASE_URL: `sqlite:///${path}` },
        path,
        async seed(from, to) {
          const { timestampKey } = await import(dist("domain/message.js"));
          const db = new Database(path);
          try {
            requireFillableSchema(db);
            // Seeding only: a big page cache keeps random-key index inserts fast; durability is irrelevant here.
            db.pragma("cache_size = -524288");
            db.pragma("synchronous = OFF");
            const insert = db.prepare(
              `insert into messages (${COLUMNS.join(", ")}) values (${COLUMNS.map(() => "?").join(", ")})`,
            );
            const batch = db.transaction((a, b) => {
              for (let i = a; i < b; i++) {
                const m = message(i);
                insert.run(m.message_id, m.from, m.to, m.ts, timestampKey(m.ts), m.text, m.created_at);
              }
            });
            for (let a = from; a < to; a += BATCH) batch(a, Math.min(to, a + BATCH));
            // The server should start on a settled file, not replay a large WAL.
            db.pragma("wal_checkpoint(TRUNCATE)");
          } finally {
            db.close();
          }
          await catchUpTextIndex(path);
        },
        async ids() {
          const db = new Database(path, { readonly: true });
          try {
            return new Set(db.prepare("select message_id from messages").pluck().all());
          } finally {
            db.close();
          }
        },
        async drop() {
          for (const suffix of ["", "-wal", "-shm", "-fts", "-fts-wal", "-fts-shm"]) rmSync(path + suffix, { force: true });
        },
      };
    },
  };
}
