// @ts-check
// Text searches on the background thread: a connection of their own, so that however much a search
// reads, the thread that serves webhooks never waits for it.
// Plain JavaScript because Node 20 cannot run TypeScript in a worker thread.
import { existsSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { fold } from "./text-index.js";

/** A few dozen shapes of query reach this thread; the bound keeps a runaway set from growing. */
const MAX_STATEMENTS = 64;

/** @typedef {{ sql: string, parameters: unknown[] }} Query */

/** @param {{ databasePath: string, indexPath: string, lower: string, cacheMb: number }} files */
function connect({ databasePath, indexPath, lower, cacheMb }) {
  const connection = new BetterSqlite3(databasePath, { fileMustExist: true });
  try {
    connection.pragma("query_only = 1");
    connection.pragma("busy_timeout = 5000");
    // SEARCH_CACHE_MB: a selective search reads its candidate rows by rowid, one page each; the
    // operating system caches the file anyway, but a page read from this cache costs a third as much.
    connection.pragma(`cache_size = ${-1024 * cacheMb}`);
    connection.function(lower, { deterministic: true }, (value) => (typeof value === "string" ? fold(value) : null));
    // Never created here: a missing file leaves the index out, and a query that names it fails over to the serving thread.
    if (existsSync(indexPath)) connection.prepare("attach database ? as search").run(indexPath);
  } catch (error) {
    connection.close();
    throw error;
  }
  /** @type {Map<string, BetterSqlite3.Statement>} */
  const statements = new Map();
  /** @param {string} sql */
  const prepare = (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = connection.prepare(sql);
      if (statements.size >= MAX_STATEMENTS) statements.delete(/** @type {string} */ (statements.keys().next().value));
      statements.set(sql, statement);
    }
    return statement;
  };
  // One read transaction: the page and its total come from one snapshot, so they agree.
  const read = connection.transaction((/** @type {Query[]} */ queries) => queries.map((q) => prepare(q.sql).all(...q.parameters)));
  return { connection, read };
}

/**
 * Reads searches' queries, connecting at the first. A failed read throws, and the next one starts
 * from a fresh connection: the index file may have been replaced meanwhile.
 * @param {{ databasePath: string, indexPath: string, lower: string, cacheMb: number }} files
 */
export function searchReads(files) {
  /** @type {ReturnType<typeof connect> | undefined} */
  let open;
  return {
    /** @param {Query[]} queries */
    read(queries) {
      try {
        open ??= connect(files);
        return open.read(queries);
      } catch (error) {
        open?.connection.close();
        open = undefined;
        throw error;
      }
    },
    close() {
      open?.connection.close();
      open = undefined;
    },
  };
}
