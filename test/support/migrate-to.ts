// Migrating a test database to a past release's schema, as that release would have.
import type { Migrator } from "kysely";

/**
 * Kysely's migrator reads every schema's tables before it takes its lock, so another test dropping
 * its own schema meanwhile fails that read ("schema … does not exist"); the service retries such a
 * race (database.ts), and so does a test that drives the migrator itself. Answers the last error.
 */
export async function migrateTo(migrator: Migrator, name: string): Promise<unknown> {
  let error: unknown;
  for (const pause of [50, 200, 500, 0]) {
    ({ error } = await migrator.migrateTo(name));
    if (error === undefined) return undefined;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return error;
}
