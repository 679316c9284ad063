// SQLite's migration lock: the file's write lock around the migrator's whole run (processes meeting on one file: test/process/sqlite-start-together).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateAlone } from "../../src/adapters/storage/sqlite/migration-lock.js";

const tables = (connection: BetterSqlite3.Database) =>
  connection.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();

describe("SQLite migration lock", () => {
  let dir: string;
  let mine: BetterSqlite3.Database;
  let other: BetterSqlite3.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lyftr-migration-lock-"));
    const path = join(dir, "app.db");
    mine = new BetterSqlite3(path);
    mine.pragma("journal_mode = WAL");
    mine.pragma("busy_timeout = 5000");
    other = new BetterSqlite3(path);
    other.pragma("busy_timeout = 5000");
  });
  afterEach(() => {
    mine.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("commits what the run made, and keeps the connection's busy timeout", async () => {
    const result = await migrateAlone(mine, async () => (mine.exec("create table a (x)"), "done"), { waitMs: 1_000 });
    expect(result).toBe("done");
    expect(mine.inTransaction).toBe(false);
    expect(tables(other)).toEqual(["a"]);
    expect(mine.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("undoes a run that fails midway, and passes its error on", async () => {
    const failing = migrateAlone(
      mine,
      async () => {
        mine.exec("create table a (x)");
        throw new Error("migration 0002 failed");
      },
      { waitMs: 1_000 },
    );
    await expect(failing).rejects.toThrow("migration 0002 failed");
    expect(mine.inTransaction).toBe(false);
    expect(tables(other)).toEqual([]);
  });

  it("waits while another connection of this very process writes, without blocking the thread, then runs", async () => {
    other.exec("begin immediate");
    let waits = 0;
    const run = migrateAlone(mine, async () => mine.exec("create table a (x)"), { waitMs: 5_000, onWait: () => waits++ });
    // The other connection's transaction ends on a timer: a thread blocked inside SQLite would never get to it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tables(other)).toEqual([]);
    other.exec("create table b (y)");
    other.exec("commit");
    await run;
    expect(waits).toBe(1);
    expect(tables(other)).toEqual(["a", "b"]);
  });

  it("gives up after waitMs with a message that says why", async () => {
    other.exec("begin immediate");
    try {
      const started = Date.now();
      await expect(migrateAlone(mine, async () => mine.exec("create table a (x)"), { waitMs: 300 })).rejects.toThrow(
        "another connection held the database file's write lock for 300 ms; gave up waiting to migrate",
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      other.exec("rollback");
    }
    expect(tables(other)).toEqual([]);
  });
});
