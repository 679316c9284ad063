// PostgreSQL through a pg pool: bounded waits, connection loss survived, case-insensitive search.
import { Kysely, PostgresDialect, sql, type SqlBool } from "kysely";
import pg from "pg";
import type { OpenedDatabase } from "../dialect-features.js";
import type { Database } from "../tables.js";
import { turns } from "../turns.js";
import { postgresMigrations } from "./migrations.js";
import { preparingReads } from "./prepared-reads.js";

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Searches and deep pages running at once (SEARCH_THREADS, 1); the others wait their turn. */
  searchThreads?: number;
  /** Told about connections the server dropped while idle; the pool replaces them by itself. */
  onIdleError?: (error: Error) => void;
}

export function openPostgres(options: PostgresOptions): OpenedDatabase {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // Fail fast while the server is away, so callers answer 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    application_name: "lyftr-webhooks",
    Client: preparingReads(),
  });
  // An idle client whose connection is terminated emits 'error' on the pool; unhandled, it would end the process.
  pool.on("error", (error) => options.onIdleError?.(error));
  // A checked-out client has no pool listener, so a connection lost mid-query would be an unhandled
  // 'error' too. The query in flight rejects by itself (→ 503) and the pool discards the client.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    migrations: postgresMigrations,
    // Kysely looks for its migration tables in every schema unless told which: name the one we write to.
    migrationSchema: async () => (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema,
    features: {
      // Batches commit in parallel through the pool, and from other instances. They cannot deadlock:
      // each inserts its rows in message_id order, then the counts' trigger takes the senders' rows
      // in sender order (migration 0004). A batch that waits for another only ever waits "upwards".
      maxWriteBatch: 128,
      // Migration 0014: one round trip a batch instead of BEGIN, insert, a look for purged ids and
      // COMMIT; the senders' row locks are held for one statement, not for four round trips.
      insertNew: async (db, rows) => {
        const created = await sql<{ message_id: string }>`select message_id from lyftr_insert_messages(cast(${JSON.stringify(rows)} as jsonb)) as message_id`.execute(db);
        return created.rows.map((row) => row.message_id);
      },
      // ANALYZE's sample decides whether a needle looks common; when a rare one does, the planner
      // walks the time index for a page and reads nearly every message (at 1M: 150 ms, not 4; at
      // 100k, a run's p99 of 1.07 s). Gathering the matches first cannot take that path. A common
      // needle's page is found early along that index, though, where gathering its matches costs
      // twice its count (1M, a needle 180,000 hold: 405 ms against 240): past 10,000, page and count apart.
      searchInOnePass: { upTo: 10_000 },
      // Each runs in a server process of its own, on the cores the webhooks' inserts need too: four
      // searches reading every message at once (bench, 50k) tripled the webhooks' p99; one at a time,
      // 1.2x. SQLite's one background thread sets the same bound.
      inTurn: turns(options.searchThreads ?? 1),
      // lower() folds by the database's LC_CTYPE: every script under a UTF-8 locale such as C.UTF-8.
      // LIKE, with its own wildcards escaped, is what the trigram index on lower(text) can serve.
      textContains: (column, needle) =>
        sql<boolean>`lower(${sql.ref(column)}) like lower(${`%${needle.replace(/[\\%_]/g, "\\$&")}%`})`,
      // Migration 0013: the inserting transaction's id, read only below the oldest one in flight.
      arrival: {
        seq: sql<string>`messages.arrival_xid`,
        after: ({ seq, messageId }) => sql<SqlBool>`(messages.arrival_xid, messages.message_id) > (cast(${seq} as xid8), ${messageId})`,
        atMost: ({ seq, messageId }) => sql<SqlBool>`(messages.arrival_xid, messages.message_id) <= (cast(${seq} as xid8), ${messageId})`,
        orderBy: [sql`messages.arrival_xid`, sql`messages.message_id`],
        settled: sql<SqlBool>`messages.arrival_xid < pg_snapshot_xmin(pg_current_snapshot())`,
        fromEquals: (from) => sql<SqlBool>`messages.from_msisdn = ${from}`,
      },
    },
  };
}
