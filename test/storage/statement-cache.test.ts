// The SQLite statement cache: one prepare per SQL text, bounded, and rows exactly as better-sqlite3 builds them.
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_CACHED_SQL_CHARS, MAX_STATEMENTS, withStatementCache } from "../../src/adapters/storage/sqlite/statement-cache.js";

describe("withStatementCache", () => {
  const connection = new BetterSqlite3(":memory:");
  afterEach(() => vi.restoreAllMocks());

  it("prepares a SQL text once and answers as the connection would", () => {
    const prepare = vi.spyOn(connection, "prepare");
    const db = withStatementCache(connection);
    const first = db.prepare("select ? + 1 as n");
    const again = db.prepare("select ? + 1 as n");
    expect(again).toBe(first);
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(again.all([41])).toEqual([{ n: 42 }]);
  });

  it("keeps at most MAX_STATEMENTS statements, dropping the oldest", () => {
    const prepare = vi.spyOn(connection, "prepare");
    const db = withStatementCache(connection);
    const last = MAX_STATEMENTS + 43;
    for (let i = 0; i <= last; i++) db.prepare(`select ${i}`);
    prepare.mockClear();
    db.prepare(`select ${last}`); // recent: cached
    expect(prepare).not.toHaveBeenCalled();
    db.prepare("select 0"); // evicted: prepared again
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it("prepares SQL longer than MAX_CACHED_SQL_CHARS every time, keeping none of it", () => {
    const prepare = vi.spyOn(connection, "prepare");
    const db = withStatementCache(connection);
    const long = `select ${"1 + ".repeat(MAX_CACHED_SQL_CHARS / 4)}1 as n`;
    expect(long.length).toBeGreaterThan(MAX_CACHED_SQL_CHARS);
    const first = db.prepare(long);
    const second = db.prepare(long);
    expect(second).not.toBe(first);
    expect(prepare).toHaveBeenCalledTimes(2);
    expect(second.all([])).toEqual([{ n: MAX_CACHED_SQL_CHARS / 4 + 1 }]);
  });

  it("hands over the rows better-sqlite3 would build, by all() and iterate(), and runs writes as they are", () => {
    const db = withStatementCache(connection);
    connection.exec("create table kinds (id integer primary key, label text, amount real, data blob, note text)");
    const write = db.prepare("insert into kinds (label, amount, data, note) values (?, ?, ?, ?)");
    expect(write.reader).toBe(false);
    expect(write.run(["a", 1.5, Buffer.from([0, 255]), null]).changes).toBe(1);
    expect(write.run(["b", -2, null, "x"]).lastInsertRowid).toBe(2);
    // Two columns named alike (the later one wins, where the first stood), an expression, every storage class.
    const sql = "select id, label, amount, data, note, label as id, amount * 2 as \"twice amount\" from kinds where id >= ? order by id";
    const expected = connection.prepare(sql).all(1);
    expect(expected).toHaveLength(2);
    const read = db.prepare(sql);
    expect(read.reader).toBe(true);
    const rows = read.all([1]);
    expect(rows).toEqual(expected);
    expect(rows.map((row) => Object.keys(row as object))).toEqual(expected.map((row) => Object.keys(row as object)));
    expect([...read.iterate([2])]).toEqual(expected.slice(1));
    const returning = db.prepare("insert into kinds (label) values (?) returning id, label");
    expect(returning.all(["c"])).toEqual([{ id: 3, label: "c" }]);
  });
});
