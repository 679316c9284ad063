// SQLite through better-sqlite3: the file, its pragmas, and case-insensitive search beyond ASCII.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import type { OpenedDatabase } from "../dialect-features.js";
import type { Database } from "../tables.js";
import { sqliteMigrations } from "./migrations.js";
import { withStatementCache } from "./statement-cache.js";

/** SQLite's own lower() and LIKE fold ASCII only; this folds every script, as PostgreSQL's lower() does. */
const LOWER = "lyftr_lower";

/**
 * Lower-cases each code point on its own: String#toLowerCase on a whole string depends on context
 * (a final Σ becomes ς), so a needle and the text containing it could fold differently.
 */
const fold = (text: string) => Array.from(text, (c) => c.toLowerCase()).join("");

/** Opens (creating folder and file if needed) a database file, or `:memory:`. */
export function openSqlite(path: string): OpenedDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const connection = new BetterSqlite3(path);
  // WAL: readers never wait for the writer. synchronous=NORMAL in WAL keeps every commit through a
  // process crash (only an OS crash or power loss can lose the last commits), at a fraction of FULL's fsyncs.
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("busy_timeout = 5000");
  connection.function(LOWER, { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? fold(value) : null,
  );
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) }),
    migrations: sqliteMigrations,
    features: {
      // One writer at a time anyway: sharing a commit saves the per-commit page writes of every index.
      maxWriteBatch: 256,
      textContains: (column, needle) => {
        const exact = sql<boolean>`instr(${sql.raw(LOWER)}(${sql.ref(column)}), ${fold(needle)}) > 0`;
        // The trigram index needs three characters; it narrows the rows, the exact test decides.
        if (Array.from(needle).length < 3) return exact;
        const phrase = `"${needle.replaceAll('"', '""')}"`;
        return sql<boolean>`messages.rowid in (select rowid from messages_fts where messages_fts match ${phrase}) and ${exact}`;
      },
    },
  };
}
