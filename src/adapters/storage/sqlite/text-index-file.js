// @ts-check
// Whether a file holds a text index of ours: its tables, the cheap checks at open, the deep one after a failed step, and the errors that mean damage.
// Plain JavaScript because the indexer's worker thread loads it too.
import BetterSqlite3 from "better-sqlite3";

/** @typedef {import("better-sqlite3").Database} Connection */

/** The code of the error a file that is readable, but not an index of ours, fails its checks with. */
const NOT_AN_INDEX = "LYFTR_NOT_A_TEXT_INDEX";
/** SQLite's codes for a file that cannot be opened, is not a database, or holds pages that make no sense. */
const DAMAGE_CODES = /^SQLITE_(CORRUPT|NOTADB|CANTOPEN)/;

/**
 * Whether an error says an index file is damaged (nothing in it can be trusted) rather than busy,
 * full or missing a table for a while: only such a file is set aside.
 * @param {unknown} error
 */
export const isDamage = (error) => {
  const code = error instanceof Error ? /** @type {{ code?: unknown }} */ (error).code : undefined;
  return typeof code === "string" && (code === NOT_AN_INDEX || DAMAGE_CODES.test(code));
};

/** @param {string} reason */
const notAnIndex = (reason) => Object.assign(new Error(`not a text index: ${reason}`), { code: NOT_AN_INDEX });

/**
 * Creates the index's tables in `schema` where they are missing. The index keeps no copy of the
 * texts (content=''), only which rows hold which trigrams (detail=none): a third of the size of full
 * detail, and faster to build. The texts arrive folded, so the tokenizer has no case to fold.
 * `progress.up_to`: every message with rowid ≤ up_to and a text is in the index; `database_id`: the
 * database those rowids belong to.
 * @param {Connection} connection
 * @param {string} schema
 */
export function createTextIndexTables(connection, schema) {
  connection.exec(`
    create virtual table if not exists ${schema}.text_index using fts5(
      text, content = '', tokenize = 'trigram case_sensitive 1', detail = 'none', columnsize = 0);
    create table if not exists ${schema}.progress (
      one_row integer primary key check (one_row = 1),
      up_to integer not null,
      database_id text);
    insert or ignore into ${schema}.progress (one_row, up_to, database_id) values (1, 0, null);`);
}

/** @param {Connection} connection @param {string} schema */
const schemaOf = (connection, schema) =>
  JSON.stringify(connection.prepare(`select type, name, tbl_name, sql from ${schema}.sqlite_schema order by name`).raw().all());

/** @type {string | undefined} */
let ours;
/** The schema createTextIndexTables makes, as SQLite records it, read back from a scratch database. */
const ourSchema = () => {
  if (ours === undefined) {
    const scratch = new BetterSqlite3(":memory:");
    try {
      createTextIndexTables(scratch, "main");
      ours = schemaOf(scratch, "main");
    } finally {
      scratch.close();
    }
  }
  return ours;
};

/**
 * Checks that the file attached as `schema` holds exactly the index's tables, or (`mayBeEmpty`)
 * nothing yet. It reads before anything is written: someone else's file is set aside whole, never added to.
 * @param {Connection} connection
 * @param {string} schema
 * @param {boolean} mayBeEmpty
 */
export function checkTextIndexSchema(connection, schema, mayBeEmpty) {
  const found = schemaOf(connection, schema);
  if (found === ourSchema() || (mayBeEmpty && found === "[]")) return;
  throw notAnIndex(found === "[]" ? "no tables" : "other tables or columns");
}

/**
 * The reads every search starts with: the progress row, and the index's structure with a term's entry.
 * A file whose first pages are damaged fails here; damage deeper in is found when a search or a step reads it.
 * @param {Connection} connection
 * @param {string} schema
 */
export function checkTextIndexReads(connection, schema) {
  const rows = /** @type {Array<{ up_to: unknown, database_id: unknown }>} */ (
    connection.prepare(`select up_to, database_id from ${schema}.progress`).all()
  );
  const [row] = rows;
  if (rows.length !== 1 || !Number.isSafeInteger(row?.up_to) || /** @type {number} */ (row?.up_to) < 0) {
    throw notAnIndex("no valid progress row");
  }
  if (row?.database_id !== null && typeof row?.database_id !== "string") throw notAnIndex("no valid database id");
  connection.prepare(`select rowid from ${schema}.text_index('"the"') limit 1`).get();
}

/**
 * After a step failed with a damage code, which the messages database could have raised as well:
 * whether the index file itself is damaged, by SQLite's check of every page and FTS5's of its own
 * structure. It reads the whole file: the worker thread runs it, never the thread serving requests.
 * @param {Connection} index a connection to the index file
 */
export function textIndexFileDamaged(index) {
  try {
    if (index.pragma("quick_check", { simple: true }) !== "ok") return true;
    index.prepare("insert into text_index (text_index) values ('integrity-check')").run();
    return false;
  } catch (error) {
    return isDamage(error);
  }
}
