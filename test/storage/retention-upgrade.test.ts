// Upgrading to 0012_retention: the messages stored before it are purged by the receipt time they were stored with, counts exact.
import { Migrator } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase, type DatabaseLocation } from "../../src/adapters/storage/database.js";
import type { OpenedDatabase } from "../../src/adapters/storage/dialect-features.js";
import { openSqlite } from "../../src/adapters/storage/sqlite/dialect.js";
import { DATABASES } from "../support/databases.js";
import { migrateTo } from "../support/migrate-to.js";

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

async function openRaw(location: DatabaseLocation): Promise<OpenedDatabase> {
  if (location.kind === "sqlite") return openSqlite(location.path);
  const { openPostgres } = await import("../../src/adapters/storage/postgres/dialect.js");
  return openPostgres({ url: location.url, poolSize: 2 });
}

describe.each(DATABASES)("upgrading to 0012_retention on $name", (database) => {
  it("purges messages stored before the upgrade by their receipt time, and keeps the counts exact", async () => {
    const { location, drop } = await database.create();
    try {
      // A database as the previous release left it: schema up to 0010, three old messages and a recent one.
      const old = await openRaw(location);
      const migrator = new Migrator({
        db: old.db,
        provider: { getMigrations: async () => old.migrations },
        migrationTableSchema: await old.migrationSchema?.(),
      });
      expect(await migrateTo(migrator, "0010_write_probe")).toBeUndefined();
      const rows: Array<[string, string, string]> = [
        ["old-0", "+100", daysAgo(40)],
        ["old-1", "+200", daysAgo(35)],
        ["old-2", "+200", daysAgo(31)],
        ["recent", "+200", daysAgo(1)],
      ];
      for (const [id, from, receivedAt] of rows) {
        await old.db
          .insertInto("messages")
          .values({ message_id: id, from_msisdn: from, to_msisdn: "+1", ts: "2025-01-15T10:00:00Z", ts_key: "2025-01-15T10:00:00", text: null, content_hash: null, created_at: receivedAt })
          .execute();
      }
      await old.db.destroy();

      const storage = await openDatabase(location);
      try {
        expect(await storage.messages.purgeReceivedBefore(new Date(Date.now() - 30 * DAY_MS), 100)).toBe(3);
        expect(await storage.messages.stats(10)).toMatchObject({ total_messages: 1, unique_senders: 1, top_senders: [{ from: "+200", count: 1 }] });
        // A row stored without a fingerprint leaves one computed from its content: its retry is a duplicate.
        const retry = { message_id: "old-1", from: "+200", to: "+1", ts: "2025-01-15T10:00:00Z", text: null, tsKey: "2025-01-15T10:00:00" };
        expect(await storage.messages.insertIfAbsent(retry)).toEqual({ kind: "duplicate" });
      } finally {
        await storage.close();
      }
    } finally {
      await drop();
    }
  });
});
