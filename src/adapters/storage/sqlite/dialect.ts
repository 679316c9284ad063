// SQLite through better-sqlite3: the file, its pragmas, its text index, and case-insensitive search beyond ASCII.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, sql, type CompiledQuery, type SqlBool } from "kysely";
import { contentHash } from "../content-hash.js";
import { DEFAULT_SEARCH_CACHE_MB } from "../database-url.js";
import type { OpenedDatabase } from "../dialect-features.js";
import type { Database } from "../tables.js";
import { isBusy, migrateAlone } from "./migration-lock.js";
import { sqliteMigrations } from "./migrations.js";
import type { TextIndexer } from "./background-thread.js";
import { startSearchThreads, type SearchThreads } from "./search-threads.js";
import { PlanOnceSqliteDialect } from "./sqlite-compiler.js";
import { withStatementCache } from "./statement-cache.js";
import { fold } from "./text-index.js";
import { writeHold } from "./write-hold.js";
import { keepTextIndex, type KeptTextIndex, type TextIndexEvents } from "./text-index-keeper.js";

/** SQLite's own lower() and LIKE fold ASCII only; this folds every script, as PostgreSQL's lower() does. */
const LOWER = "lyftr_lower";
const ASCII_WITHOUT_I_OR_K = /^[\x00-\x68\x6a\x6c-\x7f]*$/;
/**
 * How long the WAL grows before the background thread starts it over (background-worker.js), 64 MB:
 * each time costs the webhooks committing then a hold of a few milliseconds.
 */
const WAL_RESTART_PAGES = 16_384;
/**
 * Past this many pages of WAL the serving connection copies it back itself, inside a commit, as
 * SQLite does by default past 1,000: 40 MB while no background thread runs, twice the restart
 * length once one does (it then acts only should the thread fall behind or stop checkpointing).
 * Under full ingest each such copy stopped the serving thread for 20-60 ms, mostly in fsync.
 */
const SERVING_CHECKPOINT_PAGES = 10_000;
/** How long a process starting waits while another migrates the file (an upgrade of a large file rewrites every row). */
const MIGRATION_WAIT_MS = 10 * 60_000;

export interface OpenedSqlite extends OpenedDatabase {
  /**
   * Once the schema is current: attaches the text index (a fresh one in place of a damaged file),
   * makes sure it belongs to this database, then keeps it up to date in a worker thread. `:memory:`
   * has no worker (its index stays empty and searches read every row: exact, only unindexed); nor
   * has `inBackground: false`, which is for tests. Until then, searches read every row too.
   */
  indexText(options: TextIndexEvents & { inBackground: boolean }): TextIndexer;
}

/**
 * Processes opening a fresh file together each turn it to WAL, which takes the file alone for a
 * moment; SQLite answers the others "busy" at once rather than wait (waiting could deadlock), so
 * try again shortly. Blocking: this runs once, before anything is served.
 */
function switchToWal(connection: BetterSqlite3.Database): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 1; ; tries++) {
    try {
      connection.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if (!isBusy(error) || tries === 100) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

export interface SqliteOptions {
  /** Background threads that read text searches (SEARCH_THREADS); the first also keeps the index. 1 unless set. */
  searchThreads?: number;
  /** Each search thread's page cache in MB (SEARCH_CACHE_MB); DEFAULT_SEARCH_CACHE_MB unless set. */
  searchCacheMb?: number;
  /** The WAL's length in pages at which the background thread starts it over; WAL_RESTART_PAGES unless set (tests set less). */
  walRestartPages?: number;
}

/** Opens (creating folder and file if needed) a database file, or `:memory:`; indexText adds its text index, `<path>-fts`. */
export function openSqlite(path: string, options: SqliteOptions = {}): OpenedSqlite {
  const inMemory = path === ":memory:";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const connection = new BetterSqlite3(path);
  connection.pragma("busy_timeout = 5000");
  // WAL: readers never wait for the writer. synchronous=NORMAL in WAL keeps every commit through a
  // process crash (only an OS crash or power loss can lose the last commits), at a fraction of FULL's fsyncs.
  switchToWal(connection);
  connection.pragma("synchronous = NORMAL");
  // better-sqlite3 builds SQLite with a 16 MB page cache per connection. Requests touch a few hot
  // pages each and the operating system caches the file anyway: 4 MB kept reads and ingest as
  // fast in the bench, with 10-13 MB less peak memory at 100k messages.
  connection.pragma("cache_size = -4096");
  // The background thread (background-worker.js) checkpoints the WAL as it grows; this thread does
  // only past SERVING_CHECKPOINT_PAGES, should that thread not be running.
  connection.pragma(`wal_autocheckpoint = ${SERVING_CHECKPOINT_PAGES}`);
  connection.function(LOWER, { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? fold(value) : null,
  );
  // For migration 0005, which fingerprints the messages stored before it.
  connection.function("lyftr_content_hash", { deterministic: true }, (from: unknown, to: unknown, ts: unknown, text: unknown) =>
    contentHash({ from: String(from), to: String(to), ts: String(ts), text: text === null ? null : String(text) }),
  );
  // data_version moves when another connection (another process) commits; total_changes when this one does.
  const dataVersion = connection.prepare("pragma main.data_version").pluck();
  const ownChanges = connection.prepare("select total_changes()").pluck();
  const indexPath = inMemory ? ":memory:" : `${path}-fts`;
  const statements = withStatementCache(connection);
  const db = new Kysely<Database>({ dialect: new PlanOnceSqliteDialect({ database: statements }) });
  // better-sqlite3's own transaction: BEGIN, every query and COMMIT in one synchronous call.
  const readInOneSnapshot = connection.transaction((queries: readonly CompiledQuery[]) =>
    queries.map((query) => statements.prepare(query.sql).all(query.parameters)),
  );
  let index: KeptTextIndex | undefined;
  const writes = writeHold();
  /** Keep the index, and read searches (a scan of every message never holds up a webhook), once started. */
  let background: SearchThreads | undefined;
  return {
    db,
    migrations: sqliteMigrations,
    migrateAlone: (work, onWait) => migrateAlone(connection, work, { waitMs: MIGRATION_WAIT_MS, onWait }),
    indexText: (events) => {
      if (events.inBackground && !inMemory) {
        const restartPages = options.walRestartPages ?? WAL_RESTART_PAGES;
        const files = { databasePath: path, indexPath, lower: LOWER, cacheMb: options.searchCacheMb ?? DEFAULT_SEARCH_CACHE_MB };
        background = startSearchThreads(options.searchThreads ?? 1, files, events.onError, {
          pages: restartPages,
          writes,
        });
        connection.pragma(`wal_autocheckpoint = ${Math.max(SERVING_CHECKPOINT_PAGES, 2 * restartPages)}`);
      }
      const kept = (index = keepTextIndex(connection, indexPath, {
        ...events,
        background,
        exclusive: (work) => db.connection().execute(async () => work()),
      }));
      return {
        stop: async () => {
          await kept.stop();
          await background?.stop();
          background = undefined;
        },
      };
    },
    features: {
      // One writer at a time anyway: sharing a commit saves the per-commit page writes of every index.
      maxWriteBatch: 256,
      writesHeld: writes.held,
      changeStamp: () => `${dataVersion.get()}:${ownChanges.get()}`,
      textContains: (column, needle, options) => {
        const folded = fold(needle);
        // SQLite's lower() folds ASCII only, and every character of a folded needle folds to itself:
        // where lower() finds the needle, the full fold finds it too. Most matches end there, natively.
        // Only two characters beyond ASCII fold to ASCII: İ to "i̇" and the Kelvin sign to "k". An
        // ASCII needle without "i" or "k" is therefore found by lower() alone exactly as by the full
        // fold, and no text crosses into JavaScript for it (a search that reads every message reads it natively).
        const exact = ASCII_WITHOUT_I_OR_K.test(folded)
          ? sql<boolean>`instr(lower(${sql.ref(column)}), ${folded}) > 0`
          : sql<boolean>`(instr(lower(${sql.ref(column)}), ${folded}) > 0
          or instr(${sql.raw(LOWER)}(${sql.ref(column)}), ${folded}) > 0)`;
        const trigrams = options?.scan ? null : (index?.trigramQuery(folded) ?? null);
        if (trigrams === null) return exact;
        // The candidates: rows the index says hold the needle's rare trigrams, and rows it has not reached yet.
        // Both are looked up by rowid, never by reading all messages; the exact test decides.
        //
        // The index file's snapshot may be older or newer than the database's, and that is still
        // exact: messages are never updated, so an indexed text is the text; the index holds every
        // text up to its up_to, so a matching message at or below up_to is a candidate through the
        // index and one above it through the second branch; and a rowid from a newer index naming
        // a message this snapshot lacks joins nothing, as does the entry of a purged message (rowids
        // are never reused: see purgeable below). The list's page and count queries share one
        // read transaction, so they see the same two snapshots.
        return sql<boolean>`messages.rowid in (
            select rowid from search.text_index(${trigrams})
            union all
            select unindexed.rowid from messages as unindexed
            where unindexed.rowid > (select up_to from search.progress)
          ) and ${exact}`;
      },
      // One writer at a time, and each new row numbered one past the largest (which purges keep, see
      // purgeable): rowid order is commit order, and a committed rowid is never passed by a later commit.
      arrival: {
        seq: sql<number>`messages.rowid`,
        after: ({ seq }) => sql<SqlBool>`messages.rowid > ${BigInt(seq)}`,
        atMost: ({ seq }) => sql<SqlBool>`messages.rowid <= ${BigInt(seq)}`,
        orderBy: [sql`messages.rowid`],
        // Unary + keeps the sender index out: it would read every message of the sender, then sort them by rowid.
        fromEquals: (from) => sql<SqlBool>`+messages.from_msisdn = ${from}`,
      },
      // At 1M messages, a word in 1,000 of them: 5.4 ms against 8.7-10.7 for page and count apart; a
      // short needle none holds, which the page query would look for along the time index: 1.2 s against 6.6.
      searchInOnePass: {},
      searchAidFailed: (needle) => index?.failed(fold(needle)) ?? false,
      readAside: (queries, signal) => background?.read(queries, signal),
      // Under Kysely's hold on the connection, so no transaction of its own is open around the read.
      readTogether: (queries) => db.connection().execute(async () => readInOneSnapshot(queries)),
      // SQLite numbers a new row one past the largest: were that row ever deleted, its rowid would be
      // handed out again, below the text index's up_to, and the new message never indexed. Kept, the
      // largest rowid only grows, so a rowid names one message for good (and a stale index entry, none).
      purgeable: sql<SqlBool>`messages.rowid < (select max(rowid) from messages)`,
      // No insertNew: migration 0012's trigger keeps purged ids out of the plain insert, one index
      // probe inside it, where a transaction and a second statement per batch cost the serving
      // thread about a fifth more per webhook.
    },
  };
}
