// What only SQLite has: the file on disk, its folder, its journal mode, and :memory:.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Storage } from "../../src/adapters/storage/database.js";
import { aMessage, keyed } from "../support/messages.js";
import { sqliteMigrations } from "../../src/adapters/storage/sqlite/migrations.js";
import { pageOf } from "./fresh-storage.js";
import { inspect } from "../support/sqlite-files.js";
import { openSqlite } from "../../src/adapters/storage/sqlite/dialect.js";
import { sql } from "kysely";

const everything = { limit: 100, offset: 0 };


describe("sqlite file", () => {
  let dir: string;
  const opened: Storage[] = [];
  const open = async (path: string) => {
    const storage = await openDatabase({ kind: "sqlite", path });
    opened.push(storage);
    return storage;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lyftr-sqlite-"));
  });
  afterEach(async () => {
    // Closing an already-closed storage is allowed here: some tests close on purpose.
    for (const storage of opened.splice(0)) await storage.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates missing nested folders and the file on first open", async () => {
    const path = join(dir, "a", "b", "c", "app.db");
    expect(existsSync(join(dir, "a"))).toBe(false);
    const storage = await open(path);
    expect(statSync(join(dir, "a", "b", "c")).isDirectory()).toBe(true);
    expect(statSync(path).isFile()).toBe(true);
    await storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "kept" })));
    await storage.close();
    expect(inspect(path, (db) => db.prepare("select message_id from messages").pluck().all())).toEqual(["kept"]);
  });

  it("reopens an existing file: migrations run once, the data stays", async () => {
    const path = join(dir, "app.db");
    const m1 = aMessage({ message_id: "m1", ts: "2025-01-15T10:00:00.5Z", text: "first run" });
    const m2 = aMessage({ message_id: "m2", ts: "2025-01-15T10:00:00Z", text: null });

    const first = await open(path);
    await first.messages.insertIfAbsent(keyed(m1));
    await first.close();

    const second = await open(path);
    expect(await second.messages.list({}, everything)).toEqual(pageOf([m1], 1));
    expect((await second.messages.insertIfAbsent(keyed(m1))).kind).toBe("duplicate");
    expect((await second.messages.insertIfAbsent(keyed(m2))).kind).toBe("created");
    await second.close();

    const third = await open(path);
    expect(await third.messages.list({}, everything)).toEqual(pageOf([m2, m1], 2));
    await third.close();

    const applied = inspect(path, (db) => db.prepare("select name from kysely_migration order by name").pluck().all());
    expect(applied).toEqual(Object.keys(sqliteMigrations).sort()); // each once, in order
  });

  it("puts the file in WAL journal mode, and it stays so after close", async () => {
    const path = join(dir, "app.db");
    const storage = await open(path);
    await storage.messages.insertIfAbsent(keyed(aMessage()));
    expect(inspect(path, (db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
    await storage.close();
    expect(inspect(path, (db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
  });

  it("keeps a 4 MB page cache on the serving connection, not better-sqlite3's 16 MB (peak memory under load)", async () => {
    const { db } = openSqlite(join(dir, "app.db"));
    try {
      const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
      expect(rows[0]?.cache_size).toBe(-4096);
    } finally {
      await db.destroy();
    }
  });

  it("lets a second storage on the same file see committed messages", async () => {
    const path = join(dir, "app.db");
    const writer = await open(path);
    const reader = await open(path);
    const m = aMessage();
    expect((await writer.messages.insertIfAbsent(keyed(m))).kind).toBe("created");
    expect(await reader.messages.list({}, everything)).toEqual(pageOf([m], 1));
    expect((await reader.messages.insertIfAbsent(keyed(m))).kind).toBe("duplicate");
  });

  describe(":memory:", () => {
    it("works end to end without touching the disk", async () => {
      const storage = await open(":memory:");
      const m = aMessage({ text: "in memory" });
      await expect(storage.messages.ping()).resolves.toBeUndefined();
      expect((await storage.messages.insertIfAbsent(keyed(m))).kind).toBe("created");
      expect((await storage.messages.insertIfAbsent(keyed(m))).kind).toBe("duplicate");
      expect(await storage.messages.list({ q: "MEMORY" }, everything)).toEqual(pageOf([m], 1));
      expect(await storage.messages.stats(10)).toMatchObject({ total_messages: 1, unique_senders: 1 });
      expect(existsSync(":memory:")).toBe(false);
    });

    it("gives each open its own empty database", async () => {
      const one = await open(":memory:");
      const two = await open(":memory:");
      await one.messages.insertIfAbsent(keyed(aMessage()));
      expect(await two.messages.list({}, everything)).toEqual(pageOf([], 0));
    });
  });
});
