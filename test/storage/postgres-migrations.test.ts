// PostgreSQL start-up while the server is busy: other schemas come and go during our migration.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/storage/database.js";
import { DATABASES } from "../support/databases.js";

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
});
