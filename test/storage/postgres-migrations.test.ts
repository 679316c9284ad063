// PostgreSQL start-up while the server is busy: other schemas come and go during our migration.
import { Migrator } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/storage/database.js";
import { openPostgres } from "../../src/adapters/storage/postgres/dialect.js";
import { aMessage, keyed } from "../support/messages.js";
import { DATABASES } from "../support/databases.js";
import { migrateTo } from "../support/migrate-to.js";

const postgres = DATABASES.find((d) => d.name === "postgres");
if (!postgres) console.warn("postgres-migrations: skipped, PostgreSQL is unreachable (see the warning above)");

/** Creates, migrates and drops schemas until told to stop: the churn a shared server sees. */
async function churn(db: NonNullable<typeof postgres>, stopped: () => boolean) {
  while (!stopped()) {
    const { location, drop } = await db.create();
    await (await openDatabase(location)).close();
    await drop();
  }
}

describe.skipIf(!postgres)("PostgreSQL migrations", () => {
  it("succeed at the first start even while other schemas are dropped meanwhile", async () => {
    const db = postgres!;
    const retries: unknown[] = [];
    let stop = false;
    const background = [churn(db, () => stop), churn(db, () => stop)];
    try {
      for (let round = 0; round < 12; round++) {
        const { location, drop } = await db.create();
        const storage = await openDatabase(location, { onMigrationRetry: (error) => retries.push(error) });
        await expect(storage.messages.ping()).resolves.toBeUndefined();
        await storage.close();
        await drop();
      }
    } finally {
      stop = true;
      await Promise.all(background);
    }
    expect(retries).toEqual([]);
  }, 60_000);

  it("keep the sender counts through 0004, for a previous release's single-row inserts too", async () => {
    const { location, drop } = await postgres!.create();
    if (location.kind !== "postgres") throw new Error("not a PostgreSQL location");
    const row = (id: string, from: string) => ({
      message_id: id, from_msisdn: from, to_msisdn: "+1", ts: "2025-01-15T10:00:00Z", ts_key: "2025-01-15T10:00:00", text: null, created_at: "x",
    });
    try {
      // A database as the previous release left it: counts kept by the per-row trigger of 0002.
      const old = openPostgres({ url: location.url, poolSize: 2 });
      const migrator = new Migrator({
        db: old.db,
        provider: { getMigrations: async () => old.migrations },
        migrationTableSchema: await old.migrationSchema!(),
      });
      expect(await migrateTo(migrator, "0003_text_trigram_index")).toBeUndefined();
      for (const [i, from] of ["+100", "+200", "+200"].entries()) await old.db.insertInto("messages").values(row(`old-${i}`, from)).execute();

      const storage = await openDatabase(location);
      try {
        expect((await storage.messages.stats(10)).top_senders).toEqual([{ from: "+200", count: 2 }, { from: "+100", count: 1 }]);
        // This release's batches, and an instance of the previous one still inserting a row at a time.
        await Promise.all([
          ...["+100", "+300", "+300"].map((from) => storage.messages.insertIfAbsent(keyed(aMessage({ from })))),
          old.db.insertInto("messages").values(row("old-3", "+300")).execute(),
        ]);
        const stats = await storage.messages.stats(10);
        expect(stats.total_messages).toBe(7);
        expect(stats.top_senders).toEqual([{ from: "+300", count: 3 }, { from: "+100", count: 2 }, { from: "+200", count: 2 }]);
      } finally {
        await storage.close();
        await old.db.destroy();
      }
    } finally {
      await drop();
    }
  });
});
