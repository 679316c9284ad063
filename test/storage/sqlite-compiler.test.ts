// The SQLite dialect's LIMIT and OFFSET: written as expressions, and paging exactly as plain ones do.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { PlanOnceSqliteDialect } from "../../src/adapters/storage/sqlite/sqlite-compiler.js";

describe("PlanOnceSqliteDialect", () => {
  const dir = mkdtempSync(join(tmpdir(), "lyftr-compiler-"));
  const connection = new BetterSqlite3(join(dir, "paging.db"));
  connection.exec("create table items (n integer primary key); insert into items (n) values (1), (2), (3), (4), (5)");
  const db = new Kysely<{ items: { n: number } }>({ dialect: new PlanOnceSqliteDialect({ database: connection }) });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("binds LIMIT and OFFSET inside an expression, so that binding them does not make SQLite plan the statement again", () => {
    // better-sqlite3 cannot tell how often SQLite re-prepared a statement; the SQL text is what decides it.
    const query = db.selectFrom("items").select("n").orderBy("n").limit(2).offset(1).compile();
    expect(query.sql).toBe('select "n" from "items" order by "n" limit ? + 0 offset ? + 0');
    expect(query.parameters).toEqual([2, 1]);
  });

  it("pages as a plain LIMIT and OFFSET do", async () => {
    const page = (limit: number, offset?: number) => {
      const query = db.selectFrom("items").select("n").orderBy("n").limit(limit);
      return (offset === undefined ? query : query.offset(offset)).execute().then((rows) => rows.map((row) => row.n));
    };
    expect(await page(2, 1)).toEqual([2, 3]);
    expect(await page(2, 4)).toEqual([5]);
    expect(await page(10)).toEqual([1, 2, 3, 4, 5]);
    expect(await page(3, 5)).toEqual([]);
  });
});
