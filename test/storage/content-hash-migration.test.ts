// Migration 0005 fingerprints the messages already stored, as the app does, so repeats of old ids are told duplicate or conflict.
import { Migrator } from "kysely";
import { describe, expect, it } from "vitest";
import { contentHash } from "../../src/adapters/storage/content-hash.js";
import { openDatabase } from "../../src/adapters/storage/database.js";
import type { OpenedDatabase } from "../../src/adapters/storage/dialect-features.js";
import { openPostgres } from "../../src/adapters/storage/postgres/dialect.js";
import { openSqlite } from "../../src/adapters/storage/sqlite/dialect.js";
import type { Message } from "../../src/domain/message.js";
import { DATABASES } from "../support/databases.js";
import { keyed } from "../support/messages.js";
import { migrateTo } from "../support/migrate-to.js";

// Texts that would hash differently under a careless encoding: none, empty, non-ASCII, astral, quotes.
const OLD: Message[] = [
  { message_id: "old-0", from: "+100", to: "+1", ts: "2025-01-15T10:00:00Z", text: null },
  { message_id: "old-1", from: "+100", to: "+1", ts: "2025-01-15T10:00:00Z", text: "" },
  { message_id: "old-2", from: "+200", to: "+2", ts: "2025-01-15T10:00:00.5Z", text: "naïve café ΟΔΟΣ 日本" },
  { message_id: "old-3", from: "+300", to: "+3", ts: "2025-01-15T10:00:01Z", text: 'emoji 🚀 "quoted" \\ back' },
];

const openAt = (kind: string, location: { kind: string; path?: string; url?: string }): OpenedDatabase =>
  kind === "sqlite" ? openSqlite(location.path!) : openPostgres({ url: location.url!, poolSize: 2 });

describe.each(DATABASES)("migration 0005 on $name", (database) => {
  it("gives every stored message the app's content hash, and repeats of them are then told apart", async () => {
    const { location, drop } = await database.create();
    try {
      // A database as release 0004 left it, with messages.
      const old = openAt(database.name, location as never);
      const migrator = new Migrator({
        db: old.db,
        provider: { getMigrations: async () => old.migrations },
        migrationTableSchema: await old.migrationSchema?.(),
      });
      expect(await migrateTo(migrator, database.name === "sqlite" ? "0004_text_index_moves_out" : "0004_sender_counts_per_statement")).toBeUndefined();
      for (const m of OLD) {
        await old.db
          .insertInto("messages")
          .values({ message_id: m.message_id, from_msisdn: m.from, to_msisdn: m.to, ts: m.ts, ts_key: keyed(m).tsKey, text: m.text, created_at: "x" } as never)
          .execute();
      }
      await old.db.destroy();

      const storage = await openDatabase(location);
      const check = openAt(database.name, location as never);
      try {
        const rows = await check.db.selectFrom("messages").select(["message_id", "content_hash"]).orderBy("message_id").execute();
        expect(rows).toEqual(OLD.map((m) => ({ message_id: m.message_id, content_hash: contentHash(m) })));
        for (const m of OLD) {
          expect(await storage.messages.insertIfAbsent(keyed(m)), m.message_id).toEqual({ kind: "duplicate" });
          expect((await storage.messages.insertIfAbsent(keyed({ ...m, text: `${m.text ?? ""}!` }))).kind).toBe("conflict");
        }
      } finally {
        await check.db.destroy();
        await storage.close();
      }
    } finally {
      await drop();
    }
  });
});
