// The SQLite statement cache: one prepare per SQL text, bounded, and results unchanged.
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
});
