// @ts-check
// The database's background thread: brings the trigram index up to date and checkpoints the WAL, off the thread that serves requests.
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { BATCH_ROWS, textIndexStep } from "./text-index.js";
import { checkTextIndexReads, checkTextIndexSchema, isDamage, textIndexFileDamaged } from "./text-index-file.js";

/** How often to look for new messages once the index has caught up. */
const IDLE_MS = 100;
/** A failed step (a locked or missing file, a full disk) is tried again after this long; the thread never gives up. */
const RETRY_MS = 1_000;
/** After reporting a damaged index, the thread waits to be replaced while the file is set aside; should it not be, it looks again after this long. */
const DAMAGED_RETRY_MS = 60_000;
/**
 * Page cache per connection. better-sqlite3's default is 16 MB; a step reads and writes a few
 * hundred kilobytes, and the operating system caches the files anyway.
 */
const CACHE_KB = 1_024;

/** @type {{ databasePath: string, indexPath: string }} */
const { databasePath, indexPath } = workerData;
const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);

let stopping = false;
let nap = new AbortController();
port.on("message", (message) => {
  if (message !== "stop") return;
  stopping = true;
  nap.abort();
});

/** @param {number} ms */
const pause = async (ms) => {
  nap = new AbortController();
  await sleep(ms, undefined, { signal: nap.signal }).catch(() => undefined);
};

/** @type {BetterSqlite3.Database[]} */
const connections = [];
const closeAll = () => {
  for (const connection of connections.splice(0)) connection.close();
};

/** The index file failed the checks at open: it, not the messages database, is what is damaged. */
class IndexDamaged extends Error {}

/** The index file, checked again as the serving thread checked it when attaching: the file may have changed since. */
function openIndex() {
  try {
    const index = new BetterSqlite3(indexPath, { fileMustExist: true });
    connections.push(index);
    // Another process's indexer may hold the index file's write lock for a step.
    index.pragma("busy_timeout = 5000");
    checkTextIndexSchema(index, "main", false);
    checkTextIndexReads(index, "main");
    return index;
  } catch (error) {
    throw isDamage(error) ? new IndexDamaged(error instanceof Error ? error.message : String(error)) : error;
  }
}

/** The open index file, for the check after a failed step. @type {BetterSqlite3.Database | undefined} */
let openedIndex;

/** Connections of the thread's own: reading the database in WAL never holds up its writer. */
function open() {
  const database = new BetterSqlite3(databasePath, { fileMustExist: true });
  connections.push(database);
  database.pragma("query_only = 1");
  const index = (openedIndex = openIndex());
  database.pragma(`cache_size = ${-CACHE_KB}`);
  index.pragma(`cache_size = ${-CACHE_KB}`);
  // A commit lost to a power cut takes its up_to with it: the index stays consistent, only behind.
  index.pragma("synchronous = NORMAL");
  const indexStep = textIndexStep(database, index);
  // PASSIVE: copies what no reader still needs, never waits for or blocks the writer.
  const checkpoint = database.prepare("pragma wal_checkpoint(PASSIVE)");
  return () => {
    const read = indexStep();
    // Copying the WAL back into the database file took the serving thread 5-20 ms every
    // thousand pages under load; here it costs nobody a request (see dialect.ts).
    checkpoint.get();
    return read;
  };
}

/** @type {(() => number) | undefined} */
let step;
while (!stopping) {
  try {
    step ??= open();
    // A full batch means more may be waiting: go on, letting a stop message in between.
    await (step() === BATCH_ROWS ? nextTurn() : pause(IDLE_MS));
  } catch (error) {
    // A damage code may come from the messages database too: only the index file's own check blames it.
    const damaged = error instanceof IndexDamaged || (isDamage(error) && openedIndex !== undefined && textIndexFileDamaged(openedIndex));
    // The message only: better-sqlite3's errors lose it when cloned across threads.
    port.postMessage({ damaged, message: error instanceof Error ? error.message : String(error) });
    step = undefined;
    openedIndex = undefined;
    closeAll();
    await pause(damaged ? DAMAGED_RETRY_MS : RETRY_MS);
  }
}
closeAll();
port.close();
