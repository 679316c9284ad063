// Upgrades take in the messages already stored: counts are backfilled, and the text index, moved out by 0004, rebuilt.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/storage/database.js";
import { openSqlite } from "../../src/adapters/storage/sqlite/dialect.js";
import { aDelivery } from "../support/deliveries.js";
import { aMessage, keyed } from "../support/messages.js";
import { migrateTo } from "../support/migrate-to.js";

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
    expect(await migrateTo(migrator, "0001_create_messages")).toBeUndefined();
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
      await storage.messages.insertIfAbsent(keyed(aMessage({ from: "+100" })));
      await storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "old-0", from: "+100" }))); // a duplicate counts nothing
      const stats = await storage.messages.stats(10);
      expect(stats.total_messages).toBe(7);
      expect(stats.top_senders).toContainEqual({ from: "+100", count: 2 });
      expect((await storage.messages.list({ from: "+300" }, { limit: 1, offset: 0 })).total).toBe(3);
      // Three characters or more, so the trigram index is asked (whatever it has reached yet), quotes and all.
      expect((await storage.messages.list({ q: 'LEGACY "NOTE" 4' }, { limit: 10, offset: 0 })).data.map((m) => m.message_id)).toEqual(["old-4"]);
      expect((await storage.messages.list({ q: "legacy" }, { limit: 10, offset: 0 })).total).toBe(6);
    } finally {
      await storage.close();
    }
  });

  it("keeps q working on a database the trigram trigger of 0003 indexed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lyftr-upgrade-"));
    dirs.push(dir);
    const path = join(dir, "app.db");

    const old = openSqlite(path);
    const migrator = new Migrator({ db: old.db, provider: { getMigrations: async () => old.migrations } });
    expect(await migrateTo(migrator, "0003_text_trigram_index")).toBeUndefined();
    const texts = ["Quokka sighting", "nothing here", null, "a QUOKKA again", "ΟΔΟΣ"];
    for (const [i, text] of texts.entries()) {
      await old.db
        .insertInto("messages")
        .values({ message_id: `old-${i}`, from_msisdn: "+1", to_msisdn: "+2", ts: "2025-01-15T10:00:00Z", ts_key: `2025-01-15T10:00:0${i}`, text, created_at: "x" })
        .execute();
    }
    await old.db.destroy();

    const searches = async (storage: Awaited<ReturnType<typeof openDatabase>>) => [
      (await storage.messages.list({ q: "quokka" }, { limit: 10, offset: 0 })).data.map((m) => m.message_id),
      (await storage.messages.list({ q: "οδοσ" }, { limit: 10, offset: 0 })).total,
    ];
    const expected = [["old-0", "old-3"], 1];
    const storage = await openDatabase({ kind: "sqlite", path });
    try {
      const schema = new BetterSqlite3(path, { readonly: true });
      try {
        const gone = "select name from sqlite_master where name glob 'messages_fts*' or name = 'messages_index_text'";
        expect(schema.prepare(gone).pluck().all()).toEqual([]);
      } finally {
        schema.close();
      }
      expect(await searches(storage)).toEqual(expected);
      // Once the worker has indexed the old rows, and after a new one, the answers are the same.
      await storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "new", ts: "2025-01-16T00:00:00Z", text: "quokka too" })));
      const index = new BetterSqlite3(`${path}-fts`, { readonly: true });
      try {
        const upTo = index.prepare("select up_to from progress").pluck();
        for (const began = Date.now(); upTo.get() !== texts.length + 1; await new Promise((r) => setTimeout(r, 25))) {
          if (Date.now() - began > 10_000) throw new Error("the index did not catch up");
        }
      } finally {
        index.close();
      }
      expect(await searches(storage)).toEqual([["old-0", "old-3", "new"], 1]);
    } finally {
      await storage.close();
    }
  });

  it("adds the delivery log beside the messages, and finishes a 0006 that was cut short", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lyftr-upgrade-"));
    dirs.push(dir);
    const path = join(dir, "app.db");

    // The release before the delivery log, holding a message; then 0006 interrupted after its table
    // (releases before 2026-12-03 ran SQLite migrations outside a transaction, so it runs again whole).
    const old = openSqlite(path);
    const migrator = new Migrator({ db: old.db, provider: { getMigrations: async () => old.migrations } });
    expect(await migrateTo(migrator, "0004_text_index_moves_out")).toBeUndefined();
    await old.db
      .insertInto("messages")
      .values({ message_id: "old-0", from_msisdn: "+100", to_msisdn: "+1", ts: "2025-01-15T10:00:00Z", ts_key: "2025-01-15T10:00:00", text: null, created_at: "x" })
      .execute();
    await sql`create table deliveries (id integer primary key autoincrement, received_at text not null, request_id text not null,
                result text not null, reason text, message_id text, signature_scheme text not null, body_bytes integer not null,
                body_sha256 text, client_address text, user_agent text)`.execute(old.db);
    await old.db.destroy();

    const storage = await openDatabase({ kind: "sqlite", path });
    try {
      expect((await storage.messages.stats(10)).total_messages).toBe(1);
      const delivery = aDelivery();
      storage.deliveries.record(delivery);
      await storage.deliveries.flush();
      expect(await storage.deliveries.list({}, { limit: 10 })).toEqual([{ ...delivery, id: "1" }]);
      const schema = new BetterSqlite3(path, { readonly: true });
      try {
        const indexes = schema.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'deliveries' and sql is not null");
        expect(indexes.pluck().all().sort()).toEqual(["deliveries_message_id_id", "deliveries_result_id"]);
      } finally {
        schema.close();
      }
    } finally {
      await storage.close();
    }
  });
});
