// @ts-check
// The trigram index of message texts, in a file of its own beside the database: attaching, ownership, fold, query, indexing step.
// Plain JavaScript because the indexer's worker thread loads it too, and Node 20 cannot run TypeScript.
import { checkTextIndexReads, checkTextIndexSchema, createTextIndexTables } from "./text-index-file.js";

/** @typedef {import("better-sqlite3").Database} Connection */

/** Messages one indexing step reads: a few milliseconds of work and a few hundred kilobytes of text. */
export const BATCH_ROWS = 1_000;

/**
 * Lower-cases each code point on its own, as the search needle is: String#toLowerCase on a whole
 * string depends on context only for a capital sigma (a final Σ becomes ς), so without one the
 * whole-string call gives the same result, some fifty times faster.
 * @param {string} text
 */
export const fold = (text) =>
  text.includes("\u03a3") ? Array.from(text, (c) => c.toLowerCase()).join("") : text.toLowerCase();

/**
 * Attaches the index file (or `:memory:`) as `search`, creating its tables when missing. Should that
 * fail, or the file hold someone else's tables (left as they are), or fail the reads every search
 * starts with, the file is detached again and the error thrown: isDamage tells whether it blames the file.
 * @param {Connection} connection
 * @param {string} path
 */
export function attachTextIndex(connection, path) {
  connection.prepare("attach database ? as search").run(path);
  try {
    checkTextIndexSchema(connection, "search", true);
    connection.pragma("search.journal_mode = WAL");
    // A search reads a few pages of the index; better-sqlite3 would give it a 16 MB cache of its own.
    connection.pragma("search.cache_size = -2048");
    createTextIndexTables(connection, "search");
    checkTextIndexReads(connection, "search");
  } catch (error) {
    connection.exec("detach database search");
    throw error;
  }
}

/**
 * Empties the index unless it was built from this very database and no further than its last
 * message: a file beside a different database, or beside this one restored from an older copy
 * (whose next rowids the index may claim to hold already). The index relies on a rowid naming the
 * same message for good: SQLite numbers a new row one past the largest, and the row holding the
 * largest is never deleted (retention spares it, sqlite/dialect.ts `purgeable`), so no rowid is
 * handed out twice. A purged message's entry stays in the index, naming a rowid no row holds.
 * @param {Connection} connection the database's connection, with the index attached
 */
export function claimTextIndex(connection) {
  // Immediate: no message is inserted and no step indexes while the two files are compared.
  connection
    .transaction(() => {
      const id = connection.prepare("select database_id from database_identity").pluck().get();
      const last = connection.prepare("select coalesce(max(rowid), 0) from messages").pluck().get();
      const progress = /** @type {{ up_to: number, database_id: string | null }} */ (
        connection.prepare("select up_to, database_id from search.progress").get()
      );
      if (progress.database_id === id && progress.up_to <= /** @type {number} */ (last)) return;
      connection.exec("insert into search.text_index (text_index) values ('delete-all')");
      connection.prepare("update search.progress set up_to = 0, database_id = ?").run(id);
    })
    .immediate();
}

/** A trigram's commonness is read off the rowid of its SAMPLE-th text: about SAMPLE / (share of texts holding it). */
const SAMPLE = 64;
/** Trigrams more than this many times as common as the needle's rarest one are left out of the match. */
const SPREAD = 8;
/**
 * However long the needle, a search probes at most this many of its trigrams and intersects at most
 * MAX_TERMS: a 4,096-character needle would otherwise cost one probe per distinct trigram (~4,000),
 * all on the serving thread. Any subset of the needle's trigrams still finds every row that holds it.
 */
export const MAX_PROBES = 16;
export const MAX_TERMS = 4;

/**
 * The needle's trigrams as full-text terms, at most MAX_PROBES of them, spread evenly over it: the
 * parts of a long needle differ, and its rarest trigram may sit anywhere. Only those are built.
 * @param {string[]} chars the needle's code points, at least three
 */
const sampledTerms = (chars) => {
  const count = chars.length - 2;
  const starts = count <= MAX_PROBES ? Array.from({ length: count }, (_, i) => i) : Array.from({ length: MAX_PROBES }, (_, i) => Math.floor((i * count) / MAX_PROBES));
  return new Set(starts.map((i) => `"${`${chars[i]}${chars[i + 1]}${chars[i + 2]}`.replaceAll('"', '""')}"`));
};

/**
 * The full-text query for rows that may contain a folded needle: its rare trigrams, or null under
 * three characters. With detail=none the index answers no phrases, so an AND of the needle's
 * trigrams is a superset of the rows that contain it; the exact test decides. Leaving out a
 * trigram most texts hold (the "ord" of "fjord") barely widens that superset, and saves a seek
 * into its long posting list for every candidate. Characters are code points, as the tokenizer's are.
 * @param {Connection} connection with the index attached as `search`
 * @returns {(folded: string) => string | null}
 */
export function trigramQueries(connection) {
  const nth = connection.prepare(`select rowid from search.text_index(?) limit 1 offset ${SAMPLE - 1}`).pluck();
  return (folded) => {
    const chars = Array.from(folded);
    if (chars.length < 3) return null;
    // Fewer than SAMPLE texts: as rare as it gets.
    const probed = Array.from(sampledTerms(chars), (term) => ({ term, span: /** @type {number | undefined} */ (nth.get(term)) ?? Infinity }));
    // Rarest first (the widest span), so that the terms kept are the ones that narrow most.
    probed.sort((a, b) => (a.span === b.span ? 0 : a.span > b.span ? -1 : 1));
    const rarest = probed[0]?.span ?? Infinity;
    return probed
      .filter((p) => p.span * SPREAD >= rarest)
      .slice(0, MAX_TERMS)
      .map((p) => p.term)
      .join(" AND ");
  };
}

/**
 * One indexing step: indexes the messages after up_to, at most BATCH_ROWS of them, in one
 * transaction of the index file. up_to is read inside that write transaction, so indexers of one
 * database in two processes take turns and never index a row twice.
 * @param {Connection} database a connection to the messages database (only read)
 * @param {Connection} index a connection to the index file
 * @returns {() => number} runs one step; answers how many messages it read (BATCH_ROWS: more may wait)
 */
export function textIndexStep(database, index) {
  const upTo = index.prepare("select up_to from progress").pluck();
  const next = database.prepare("select rowid, text from messages where rowid > ? order by rowid limit ?").raw();
  const add = index.prepare("insert into text_index (rowid, text) values (?, ?)");
  const advance = index.prepare("update progress set up_to = ?");
  const step = index.transaction(() => {
    let read = 0;
    let last = 0;
    // Row by row: however long the texts, the thread holds one at a time.
    for (const row of next.iterate(upTo.get(), BATCH_ROWS)) {
      const [rowid, text] = /** @type {[number, string | null]} */ (row);
      if (text !== null) add.run(rowid, fold(text));
      last = rowid;
      read++;
    }
    if (read > 0) advance.run(last);
    return read;
  });
  return () => step.immediate();
}
