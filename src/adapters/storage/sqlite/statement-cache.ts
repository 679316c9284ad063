// Prepares each distinct SQL text once: Kysely's SQLite driver prepares on every query otherwise.
import type { Database as BetterSqlite3Database, Statement } from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** The queries this service sends are a few dozen shapes; the bound keeps a runaway set from growing. */
export const MAX_STATEMENTS = 256;
/**
 * Longer SQL is prepared each time and not kept: group commit's multi-row inserts come in a shape
 * per batch size, and keeping all 256 cost 24 MB of native memory, while preparing one costs a
 * microsecond or two per row it inserts.
 */
export const MAX_CACHED_SQL_CHARS = 2_048;

/**
 * A statement that returns rows hands them over as better-sqlite3 would, but built here: the driver
 * makes each row object through V8's C++ API, one key at a time, each looked up in V8's string
 * table, and a 50-row page took a third longer that way than read as arrays (raw mode) and turned
 * into objects in JavaScript, where every row of a statement takes the same shape. The rows are the
 * same: a key per column in column order, a later column of the same name taking the place.
 */
function withRowsBuiltHere(statement: Statement): SqliteStatement {
  if (!statement.reader) return statement;
  const names = statement.raw(true).columns().map((column) => column.name);
  const rowOf = (values: unknown[]) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
    return row;
  };
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(rowOf),
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield rowOf(values);
    },
  };
}

export function withStatementCache(connection: BetterSqlite3Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      if (sql.length > MAX_CACHED_SQL_CHARS) return withRowsBuiltHere(connection.prepare(sql));
      let statement = statements.get(sql);
      if (!statement) {
        statement = withRowsBuiltHere(connection.prepare(sql));
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
    close: () => connection.close(),
  };
}
