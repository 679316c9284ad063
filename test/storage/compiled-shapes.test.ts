// Queries compiled once per shape: each request's values bound in the right places, on a real SQLite file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compiledByShape } from "../../src/adapters/storage/compiled-shapes.js";

interface Db {
  items: { id: number; owner: string; size: number };
}
type Values = { owner?: string; minSize?: number; limit: number };

describe("compiledByShape", () => {
  const dir = mkdtempSync(join(tmpdir(), "lyftr-shapes-"));
  const connection = new BetterSqlite3(join(dir, "items.db"));
  const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: connection }) });
  let builds = 0;
  const query = (order: "asc" | "desc", v: Values) => {
    builds += 1;
    let q = db.selectFrom("items").select("id");
    if (v.owner !== undefined) q = q.where("owner", "=", v.owner);
    if (v.minSize !== undefined) q = q.where("size", ">=", v.minSize);
    return q.orderBy("id", order).limit(v.limit);
  };
  const run = async (compiled: ReturnType<ReturnType<typeof compiledByShape>>) =>
    (await db.executeQuery(compiled[0]!)).rows.map((row) => (row as { id: number }).id);

  beforeAll(() => {
    connection.exec("create table items (id integer primary key, owner text not null, size integer not null)");
    const insert = connection.prepare("insert into items (id, owner, size) values (?, ?, ?)");
    for (let id = 1; id <= 20; id++) insert.run(id, id % 2 ? "odd" : "even", id);
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds a shape once and binds each request's own values", async () => {
    builds = 0;
    const compiled = compiledByShape((order: "asc" | "desc") => order, (order, v: Values) => [query(order, v)]);
    expect(await run(compiled("asc", { owner: "odd", minSize: 10, limit: 2 }))).toEqual([11, 13]);
    expect(await run(compiled("asc", { owner: "even", minSize: 15, limit: 3 }))).toEqual([16, 18, 20]);
    expect(await run(compiled("asc", { owner: "odd", minSize: 1, limit: 1 }))).toEqual([1]);
    expect(builds).toBe(1);
  });

  it("tells shapes apart by the choices and by which values are given, never by the values", async () => {
    builds = 0;
    const compiled = compiledByShape((order: "asc" | "desc") => order, (order, v: Values) => [query(order, v)]);
    expect(await run(compiled("asc", { owner: "odd", limit: 2 }))).toEqual([1, 3]);
    expect(await run(compiled("desc", { owner: "odd", limit: 2 }))).toEqual([19, 17]);
    expect(await run(compiled("asc", { minSize: 19, limit: 5 }))).toEqual([19, 20]);
    expect(await run(compiled("asc", { owner: undefined, minSize: 18, limit: 5 }))).toEqual([18, 19, 20]);
    expect(await run(compiled("asc", { limit: 1 }))).toEqual([1]);
    expect(builds).toBe(4);
  });

  it("builds every time a shape whose parameters are not all the values as given", async () => {
    builds = 0;
    // A value computed from another cannot be bound from a slot: the shape is never kept.
    const compiled = compiledByShape(() => "", (_: unknown, v: Values) => [query("asc", { ...v, limit: v.limit + 1 })]);
    expect(await run(compiled(null, { owner: "even", limit: 1 }))).toEqual([2, 4]);
    expect(await run(compiled(null, { owner: "odd", limit: 2 }))).toEqual([1, 3, 5]);
    expect(builds).toBe(3); // the trial with slots, then each request
  });

  it("keeps at most maxShapes shapes, forgetting the oldest", async () => {
    builds = 0;
    const compiled = compiledByShape((order: "asc" | "desc") => order, (order, v: Values) => [query(order, v)], 1);
    await run(compiled("asc", { limit: 1 }));
    await run(compiled("desc", { limit: 1 }));
    expect(await run(compiled("asc", { limit: 1 }))).toEqual([1]);
    expect(builds).toBe(3);
  });
});
