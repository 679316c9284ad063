// The SQLite statement cache: one prepare per SQL text, bounded, and results unchanged.
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { withStatementCache } from "../../src/adapters/storage/sqlite/statement-cache.js";

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

  it("keeps at most 256 statements, dropping the oldest", () => {
    const prepare = vi.spyOn(connection, "prepare");
    const db = withStatementCache(connection);
    for (let i = 0; i < 300; i++) db.prepare(`select ${i}`);
    prepare.mockClear();
    db.prepare("select 299"); // recent: cached
    expect(prepare).not.toHaveBeenCalled();
    db.prepare("select 0"); // evicted: prepared again
    expect(prepare).toHaveBeenCalledTimes(1);
  });
});
