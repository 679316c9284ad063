// Prepares each distinct SQL text once: Kysely's SQLite driver prepares on every query otherwise.
import type { Database as BetterSqlite3Database, Statement } from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/**
 * The queries this service sends are a few dozen shapes, plus one insert per group-commit batch
 * size (up to 256); the bound keeps a runaway set from growing.
 */
export const MAX_STATEMENTS = 512;

export function withStatementCache(connection: BetterSqlite3Database): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    prepare(sql) {
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
