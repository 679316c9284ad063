// Prepares each distinct SQL text once: Kysely's SQLite driver prepares on every query otherwise.
import type { Database as BetterSqlite3Database, Statement } from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/** The queries this service sends are a few dozen shapes; the bound keeps a runaway set from growing. */
export const MAX_STATEMENTS = 256;
/**
 * Longer SQL is prepared each time and not kept: group commit's multi-row inserts come in a shape
 * per batch size, and keeping all 256 cost 24 MB of native memory, while preparing one costs a
 * microsecond or two per row it inserts.
 */
export const MAX_CACHED_SQL_CHARS = 2_048;

export function withStatementCache(connection: BetterSqlite3Database): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    prepare(sql) {
      if (sql.length > MAX_CACHED_SQL_CHARS) return connection.prepare(sql);
      let statement = statements.get(sql);
      if (!statement) {
        statement = connection.prepare(sql);
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
    close: () => connection.close(),
  };
}
