// Migrations 0002 and 0003 take in the messages already stored: counts and the text index are backfilled.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/storage/database.js";
import { openSqlite } from "../../src/adapters/storage/sqlite/dialect.js";
import { aMessage } from "../support/messages.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("upgrading a database that holds messages", () => {
  it("backfills the per-sender counts from the messages table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lyftr-upgrade-"));
    dirs.push(dir);
    const path = join(dir, "app.db");

    // A database as the first release left it: schema 0001 and some messages.
    const old = openSqlite(path);
    const migrator = new Migrator({ db: old.db, provider: { getMigrations: async () => old.migrations } });
    expect((await migrator.migrateTo("0001_create_messages")).error).toBeUndefined();
    const senders = ["+100", "+200", "+200", "+300", "+300", "+300"];
    for (const [i, from] of senders.entries()) {
      await old.db
        .insertInto("messages")
        .values({ message_id: `old-${i}`, from_msisdn: from, to_msisdn: "+1", ts: "2025-01-15T10:00:00Z", ts_key: "2025-01-15T10:00:00", text: `legacy "note" ${i}`, created_at: "x" })
        .execute();
    }
    await old.db.destroy();

    const storage = await openDatabase({ kind: "sqlite", path });
    try {
      expect(await storage.messages.stats(10)).toMatchObject({
        total_messages: 6,
        unique_senders: 3,
        top_senders: [
          { from: "+300", count: 3 },
          { from: "+200", count: 2 },
          { from: "+100", count: 1 },
        ],
      });
      await storage.messages.insertIfAbsent(aMessage({ from: "+100" }));
      await storage.messages.insertIfAbsent(aMessage({ message_id: "old-0", from: "+100" })); // a duplicate counts nothing
      const stats = await storage.messages.stats(10);
      expect(stats.total_messages).toBe(7);
      expect(stats.top_senders).toContainEqual({ from: "+100", count: 2 });
      expect((await storage.messages.list({ from: "+300" }, { limit: 1, offset: 0 })).total).toBe(3);
      // Found through the backfilled trigram index (three characters or more), quotes and all.
      expect((await storage.messages.list({ q: 'LEGACY "NOTE" 4' }, { limit: 10, offset: 0 })).data.map((m) => m.message_id)).toEqual(["old-4"]);
      expect((await storage.messages.list({ q: "legacy" }, { limit: 10, offset: 0 })).total).toBe(6);
    } finally {
      await storage.close();
    }
  });
});
