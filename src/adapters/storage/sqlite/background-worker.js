// @ts-check
// The database's background thread, off the thread that serves requests: brings the trigram index
// up to date and checkpoints the WAL (starting it over once it is long) while told to keep the
// index, and reads text searches between its steps. One thread for both: each thread is a V8
// isolate of its own, some 8 MB. With SEARCH_THREADS above 1 the others run this too, never told
// to keep the index: searches only.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { searchReads } from "./search-reads.js";
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

/**
 * Niceness of this thread: when it and the thread serving webhooks both want a core, the webhooks
 * get it. A search that reads every message then slows them least; the index may fall behind under
 * load, which leaves searches exact (they read the messages it has not reached), and the serving
 * thread checkpoints a WAL grown past its own threshold (dialect.ts).
 */
const NICENESS = 10;
try {
  // Linux keeps a niceness per thread, and /proc/thread-self names this one's id.
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), NICENESS);
} catch {
  // Elsewhere the thread runs at the process's priority: its work still never blocks the serving thread.
}

/** While the index is not kept, the thread only answers searches; it looks at its orders again after this long. */
const UNKEPT_MS = 60_000;

/** @type {{ databasePath: string, indexPath: string, lower: string, cacheMb: number, keepIndex: boolean, walRestartPages: number }} */
const { databasePath, indexPath, lower, cacheMb, keepIndex, walRestartPages } = workerData;
const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
const searches = searchReads({ databasePath, indexPath, lower, cacheMb });

let stopping = false;
let keeping = keepIndex;
/** Ends the pause under way, if one is: every order wakes the thread. */
let wake = () => {};

// A plain timer, not a timers/promises sleep aborted by each order: with every search an order, an
// AbortError (and its stack) each time was garbage enough to double this thread's heap under searches.
/** @param {number} ms */
const pause = (ms) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      // After this turn, not within it: the orders posted with this one are all heard first (a search
      // and the order to forget it, say), since microtasks run between two messages of one turn.
      setImmediate(resolve);
    };
  });

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
  const statement = database.prepare("pragma wal_checkpoint(PASSIVE)");
  const copyBack = () => /** @type {{ log: number, checkpointed: number }} */ (statement.get());
  checkpoint = copyBack;
  return () => {
    const read = indexStep();
    // Copying the WAL back into the database file took the serving thread 5-20 ms every
    // thousand pages under load; here it costs nobody a request (see dialect.ts).
    const { log, checkpointed } = copyBack();
    // Once for each length: a WAL no commit has added to since needs no second try.
    walToRestart = log >= walRestartPages && checkpointed === log && log !== triedAtLength;
    if (walToRestart) triedAtLength = log;
    return read;
  };
}

/** Copies the WAL back: how long it is, and how much of it is in the database file now. @type {(() => { log: number, checkpointed: number }) | undefined} */
let checkpoint;
/** Set by a checkpoint that copied back all of a WAL of walRestartPages or more. */
let walToRestart = false;
let triedAtLength = 0;
/**
 * Checkpoints before the one under the hold: each copies what was committed during the one before,
 * fewer pages each time, so that the held one is short. Under full ingest the held checkpoint took
 * 15-45 ms straight after the first, and 4-9 ms after two more.
 */
const PASSES_BEFORE_HOLD = 2;
/** How long to wait for the serving thread to say it holds its commits; it answers at once, between two of its turns. */
const HOLD_ANSWER_MS = 1_000;
/** Resolves the wait for the serving thread's answer, if one is under way. */
let heard = (/** @type {boolean} */ held) => {};

/**
 * A WAL starts over from its beginning only when a commit finds it all copied back. Under a steady
 * stream of commits that never happens by itself: each checkpoint ends with newer commits to copy,
 * and the file grew by some 100 MB a second under full ingest. So once a checkpoint has caught up
 * with a long WAL, the thread asks the serving thread to hold its commits for one more, short
 * checkpoint, after which the next commit starts the WAL over. Webhooks then wait a few
 * milliseconds, once every walRestartPages pages, where the serving thread copying the WAL back
 * itself had stopped everything for 20-60 ms every 10,000 pages (see dialect.ts).
 */
async function restartWal() {
  walToRestart = false;
  try {
    for (let pass = 0; pass < PASSES_BEFORE_HOLD; pass++) checkpoint?.();
  } catch {
    // The next step meets the same failure, and reports it.
    return;
  }
  /** @type {NodeJS.Timeout | undefined} */
  let timeout;
  const answered = new Promise((resolve) => {
    heard = resolve;
    timeout = setTimeout(() => resolve(false), HOLD_ANSWER_MS);
  });
  port.postMessage({ holdWrites: true });
  const held = await answered;
  clearTimeout(timeout);
  try {
    if (held) checkpoint?.();
  } catch {
    // As above.
  } finally {
    port.postMessage({ holdWrites: false });
  }
}

/** @type {(() => number) | undefined} */
let step;
const closeIndexFiles = () => {
  step = undefined;
  checkpoint = undefined;
  openedIndex = undefined;
  closeAll();
};

/** @typedef {{ search: number, queries: import("./search-reads.js").Query[] }} Search */
/** @typedef {Search | { forget: number } | { keepIndex: boolean } | { writesHeld: boolean } | "stop"} Order */

/** Searches not answered yet, in the order they came. @type {Search[]} */
const waiting = [];
/** When the next index step is due (performance.now()): at once while the index is behind. */
let stepDue = 0;

port.on("message", (/** @type {Order} */ message) => {
  if (message === "stop") {
    stopping = true;
    heard(false);
  } else if ("writesHeld" in message) {
    heard(message.writesHeld);
  } else if ("search" in message) {
    waiting.push(message);
  } else if ("forget" in message) {
    // No one waits for its answer any more (the client went away): its turn goes to the next.
    const at = waiting.findIndex((search) => search.search === message.forget);
    if (at >= 0) waiting.splice(at, 1);
  } else {
    keeping = message.keepIndex;
    stepDue = 0;
    if (!keeping) {
      // Its files are let go now, and said so: the index file may be set aside and replaced next.
      // Searches too attach it afresh at the next, rather than read a file set aside as damaged.
      closeIndexFiles();
      searches.close();
      port.postMessage({ keepIndex: false });
    }
  }
  wake();
});

/** @param {Search} search */
function answer({ search, queries }) {
  try {
    port.postMessage({ search, rows: searches.read(queries) });
  } catch (error) {
    port.postMessage({ search, error: error instanceof Error ? error.message : String(error) });
  }
}

function takeIndexStep() {
  try {
    step ??= open();
    // A full batch means more may be waiting: the next step is due at once.
    stepDue = step() === BATCH_ROWS ? 0 : performance.now() + IDLE_MS;
  } catch (error) {
    // A damage code may come from the messages database too: only the index file's own check blames it.
    const damaged = error instanceof IndexDamaged || (isDamage(error) && openedIndex !== undefined && textIndexFileDamaged(openedIndex));
    // The message only: better-sqlite3's errors lose it when cloned across threads.
    port.postMessage({ damaged, message: error instanceof Error ? error.message : String(error) });
    closeIndexFiles();
    stepDue = performance.now() + (damaged ? DAMAGED_RETRY_MS : RETRY_MS);
  }
}

// Searches and index steps take turns: a search waits for one step at most, and a stream of searches
// never holds up the steps (nor the WAL checkpoints that come with them, which keep the serving
// thread's commits short). Between any two, the thread takes a turn, to hear of new orders.
while (!stopping) {
  const search = waiting.shift();
  if (search) answer(search);
  if (keeping && performance.now() >= stepDue) takeIndexStep();
  if (keeping && walToRestart) await restartWal();
  const wait = waiting.length > 0 ? 0 : keeping ? stepDue - performance.now() : UNKEPT_MS;
  await (wait > 0 ? pause(wait) : nextTurn());
}
closeAll();
searches.close();
port.close();
