// @ts-check
// The search thread: runs the text searches' queries on a connection of its own, so that however much
// a search reads, the thread that serves webhooks never waits for it.
// Plain JavaScript because Node 20 cannot run TypeScript in a worker thread.
import { existsSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { fold } from "./text-index.js";

/** @type {{ databasePath: string, indexPath: string, lower: string }} */
const { databasePath, indexPath, lower } = workerData;
const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);

/** Niceness of this thread: when it and the thread serving webhooks both want a core, the webhooks get it. */
const NICENESS = 10;
try {
  // Linux keeps a niceness per thread, and /proc/thread-self names this one's id.
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), NICENESS);
} catch {
  // Elsewhere the thread runs at the process's priority: searches still never block the serving thread.
}

/** A few dozen shapes of query reach this thread; the bound keeps a runaway set from growing. */
const MAX_STATEMENTS = 64;

/** @typedef {{ sql: string, parameters: unknown[] }} Query */
/** @typedef {{ id: number, queries: Query[] }} Request */

/** @type {{ connection: BetterSqlite3.Database, statements: Map<string, BetterSqlite3.Statement>, read: (queries: Query[]) => unknown[][] } | undefined} */
let open;

function connect() {
  const connection = new BetterSqlite3(databasePath, { fileMustExist: true });
  try {
    connection.pragma("query_only = 1");
    connection.pragma("busy_timeout = 5000");
    // A search reads what it reads once; the operating system caches the file anyway.
    connection.pragma("cache_size = -4096");
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
  return { connection, statements, read };
}

port.on("message", (/** @type {Request | "stop"} */ message) => {
  if (message === "stop") {
    open?.connection.close();
    port.close();
    return;
  }
  try {
    open ??= connect();
    port.postMessage({ id: message.id, rows: open.read(message.queries) });
  } catch (error) {
    // The next search starts from a fresh connection: the index file may have been replaced meanwhile.
    open?.connection.close();
    open = undefined;
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
